"""The Pelican contract: the parts of Pelican 4.12 newsdigest relies on that Pelican does not
promise to keep (private methods and attributes, and the order and place signals fire in).
Each test names the hook and the module that relies on it, so a Pelican upgrade that changes
one fails here with a message saying what to look at, not somewhere deep in a build.
See "Writing your own Pelican plugins for newsdigest" in docs/plugins-and-themes.md."""

import datetime as dt
import inspect
import os
import random
from unittest import mock

import jinja2
import pytest
from blinker import Signal
from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.settings import DEFAULT_CONFIG
from pelican.writers import Writer

from newsdigest.pelican_plugins import ALL
from newsdigest.pelican_plugins.linear_archives import _linear_period_archives

from conftest import ROOT

PINNED = "pelican==4.12.0"


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_pelican_is_pinned_exactly_because_of_this_contract():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"{PINNED}"' in pyproject, f"pyproject.toml must pin {PINNED}: this file checks that version's internals"


def test_signal_receivers_run_in_the_order_they_were_connected():
    """ALL's order (newsdigest/pelican_plugins/__init__.py) is the order receivers run in, because
    Pelican makes blinker keep receivers in an ordered set."""
    signal = Signal()
    order, receivers = [], [lambda sender, n=n: order.append(n) for n in range(40)]
    connected = list(range(40))
    random.Random(4).shuffle(connected)
    for n in connected:
        signal.connect(receivers[n], weak=False)
    signal.send(None)
    assert order == connected, (
        "Pelican no longer runs signal receivers in connection order "
        "(pelican.plugins.signals sets blinker's Signal.set_class): the order of ALL "
        "in newsdigest/pelican_plugins/__init__.py no longer holds"
    )


def test_plugins_load_in_the_order_that_their_signals_need():
    """The dependencies pelican_plugins/__init__.py explains, as positions in ALL."""
    position = {name.rsplit(".", 1)[1]: index for index, name in enumerate(ALL)}
    assert position["writer"] < min(position["site_files"], position["search"]), (
        "the writer's flush must be the first `finalized` receiver"
    )
    for later in ("related", "feeds", "presentation"):
        assert position["taxonomy"] < position[later], f"{later} reads the terms the taxonomy generator makes"
    assert position["editions"] < position["feeds"], "the editions feed is made from the editions"


def test_writer_open_w_is_where_every_page_is_opened(tmp_path):
    """pelican_plugins/writer.py overrides Writer._open_w(filename, encoding, override=False) to
    record the files a page writes and unlink hard links first, and reads Writer._overridden_files."""
    assert parameters(Writer._open_w) == ["self", "filename", "encoding", "override"], (
        "Writer._open_w changed its signature: see SiteWriter._open_w in pelican_plugins/writer.py"
    )
    opened = []

    class Recording(Writer):
        def _open_w(self, filename, encoding, override=False):
            opened.append(os.path.relpath(filename, self.output_path))
            return super()._open_w(filename, encoding, override=override)

    writer = Recording(str(tmp_path), settings={**DEFAULT_CONFIG, "RELATIVE_URLS": False})
    assert writer._overridden_files == set(), "Writer no longer keeps _overridden_files (SiteWriter._open_w reads it)"
    template = jinja2.Environment().from_string("<p>{{ word }}</p>")
    writer.write_file("a/index.html", template, {"word": "first"})
    writer.write_file("a/index.html", template, {"word": "second"}, override_output=True)
    writer.write_file("a/index.html", template, {"word": "third"})
    assert opened == ["a/index.html"] * 3, "Writer.write_file no longer opens pages through _open_w"
    assert writer._overridden_files == {str(tmp_path / "a/index.html")}
    assert (tmp_path / "a/index.html").read_text() == "<p>second</p>", (
        "a page in _overridden_files is no longer kept against a later write (SiteWriter._open_w relies on it)"
    )


def test_writer_write_file_sends_content_written_where_it_renders(tmp_path):
    """Third-party plugins hear `content_written` from Writer.write_file, which newsdigest's writer
    calls where it renders: in worker processes, and never for pages it reuses."""
    heard = []

    def receiver(path, context):
        heard.append((path, context.get("word")))

    signals.content_written.connect(receiver, weak=False)
    try:
        Writer(str(tmp_path), settings={**DEFAULT_CONFIG, "RELATIVE_URLS": False}).write_file(
            "b.html", jinja2.Environment().from_string("{{ word }}"), {"word": "w"}
        )
    finally:
        signals.content_written.disconnect(receiver)
    assert heard == [(str(tmp_path / "b.html"), "w")], (
        "Writer.write_file no longer sends content_written(path, context)"
    )


def test_period_archives_are_built_by_pelican_with_stories_by_date():
    """linear_archives.py wraps ArticlesGenerator._build_period_archives(sorted_articles, articles,
    settings), passing no articles and filling each archive's "articles" from its "dates"."""
    assert parameters(ArticlesGenerator._build_period_archives) == [
        "self",
        "sorted_articles",
        "articles",
        "settings",
    ], "ArticlesGenerator._build_period_archives changed its signature: see pelican_plugins/linear_archives.py"

    class Story:
        def __init__(self, day, hour):
            self.date = dt.datetime(2015, 10 + day // 30, 1 + day % 30, hour)

    stories = [Story(day, hour) for day in range(0, 60, 7) for hour in (3, 9)]
    articles = sorted(stories, key=lambda story: (story.date.hour, story.date))  # another order than by date
    by_date = sorted(stories, key=lambda story: story.date, reverse=True)
    settings = {
        **DEFAULT_CONFIG,
        "YEAR_ARCHIVE_SAVE_AS": "{date:%Y}/index.html",
        "MONTH_ARCHIVE_SAVE_AS": "{date:%Y}/{date:%m}/index.html",
        "DAY_ARCHIVE_SAVE_AS": "{date:%Y%m%d}.html",
    }
    pelican_own = ArticlesGenerator._build_period_archives.__get__(object())
    assert _linear_period_archives(pelican_own)(by_date, articles, settings) == pelican_own(
        by_date, articles, settings
    ), "Pelican's period archives changed: linear_archives.py no longer gives the same archives as Pelican"


def test_author_pages_are_written_by_one_method_linear_archives_can_switch_off():
    """linear_archives.py replaces generate_authors(write) on the generator when authors have no pages."""
    assert parameters(ArticlesGenerator.generate_authors) == ["self", "write"]
    generator = mock.MagicMock(spec=ArticlesGenerator, settings={"RELATIVE_URLS": False})
    ArticlesGenerator.generate_pages(generator, mock.MagicMock())
    assert generator.generate_authors.call_count == 1, (
        "ArticlesGenerator no longer writes author pages through generate_authors: see linear_archives.py"
    )


def test_tag_pages_come_from_the_generators_tags_table():
    """taxonomy.py empties ArticlesGenerator.tags on article_generator_finalized: Pelican then
    writes no tag page of its own (newsdigest writes them) and skips its quadratic loop."""
    story = mock.MagicMock()
    for tags, pages in (({}, 0), ({mock.MagicMock(): [story]}, 1)):
        generator = mock.MagicMock(
            spec=ArticlesGenerator, tags=tags, dates=[story], articles=[story], settings=DEFAULT_CONFIG, context={}
        )
        write = mock.MagicMock()
        ArticlesGenerator.generate_tags(generator, write)
        assert write.call_count == pages, (
            "Pelican's tag pages no longer come from ArticlesGenerator.tags: see drop_pelican_tags in taxonomy.py"
        )


def test_content_keeps_the_readers_html_as_content_and_honours_override_url():
    """feeds.py, presentation.py and related.py read `article._content` (the reader's HTML, before
    Pelican rewrites {filename} links); article_identity.py pins URLs with `override_url`."""
    settings = {**DEFAULT_CONFIG, "ARTICLE_URL": "{slug}/"}
    article = Article(
        "<p>The body.</p>", metadata={"title": "T", "slug": "t", "date": dt.datetime(2015, 11, 21)}, settings=settings
    )
    assert article._content == "<p>The body.</p>", "Content._content no longer holds the reader's HTML"
    assert article.url == "t/"
    article.override_url = "pinned/"
    assert article.url == "pinned/", "Content.url no longer honours override_url (article_identity.freeze_urls)"


def test_reused_pages_send_no_content_written_and_rendered_ones_do(site):
    site.add_article("story", title="A story", tags=["Mali"])
    heard = []

    def receiver(path, context):
        heard.append(os.path.relpath(path, os.path.realpath(site.root)))

    signals.content_written.connect(receiver, weak=False)
    try:
        site.build()
        first, heard[:] = list(heard), []
        site.build()
    finally:
        signals.content_written.disconnect(receiver)
    assert any(path.endswith("2015/11/21/a-story/index.html") for path in first)
    assert heard == [], f"a rebuild with nothing changed sent content_written for {heard[:3]}"


@pytest.mark.slow  # enough pages (over 200) to be rendered by worker processes
def test_content_written_fires_in_the_worker_processes_that_render(site, tmp_path):
    for number in range(110):
        site.add_article(
            f"story-{number}",
            title=f"Story {number}",
            tags=[f"Topic {number}"],
            date=f"2015-11-{1 + number % 28:02d}T10:00:00Z",
        )
    pids = tmp_path / "pids"

    def receiver(path, context):
        with open(pids, "a") as handle:
            handle.write(f"{os.getpid()}\n")

    signals.content_written.connect(receiver, weak=False)
    try:
        site.build(NEWSDIGEST_WORKERS=2)
    finally:
        signals.content_written.disconnect(receiver)
    heard_in = set(pids.read_text().split())
    assert heard_in and str(os.getpid()) not in heard_in, "content_written fired in the build's own process"
