"""Ingest: clippings, pages and feeds become stories exactly; bad and hostile inputs are
refused or defused one by one while everything else is still written."""

import datetime as dt
import functools
import gzip
import http.server
import json
import os
import re
import threading
import time
from pathlib import Path

import pytest

from newsdigest.content import frontmatter
from newsdigest.ingest import Options, forget, ingest

from conftest import BBC, ROOT, SEED, drip, require_shared, run_cli

SEED_TITLE = "Putin Calls for Fight Against 'Global Terror' as Mali Hunts Suspects in Deadly Hotel Siege"


def options(tmp_path, **changes) -> Options:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "tags.yml").write_text((ROOT / "content/tags.yml").read_text())
    return Options(content=content, site_timezone="UTC", source_timezones={"VICE News": "America/New_York"}, **changes)


def stories(content: Path) -> dict[str, frontmatter.ParsedFile]:
    return {str(p.relative_to(content)): frontmatter.parse(p.read_text()) for p in sorted(content.rglob("*.md"))}


def test_the_seed_story_field_by_field(tmp_path):
    require_shared(SEED)
    report = ingest([str(SEED)], options(tmp_path))
    assert report.summary().startswith("1 written")
    [(path, story)] = stories(tmp_path / "content").items()
    meta = story.metadata
    assert path == "articles/2015/11/putin-calls-for-fight-against-global-terror-as-mali-hunts-suspects-in-deadly.md"
    assert meta["title"] == SEED_TITLE
    assert meta["subtitle"] == (
        "Officials said “more than three suspects” are still at large after the attack on a "
        "luxury hotel in Mali’s capital that left at least 19 people dead."
    )
    assert meta["date"] == "2015-11-21T17:01:00-05:00"
    assert meta["source"] == "VICE News"
    assert meta["image_credit"] == "Joe Penney/Reuters"
    assert meta["contributors"] == ["Reuters"]
    assert meta["related"] == [
        "What the Bamako Hotel Attack Reveals About Islamist Militants in Mali",
        "Terrorist Groups Are Poaching Elephants In Northern Mali, Warns UN",
    ]
    assert {"Mali", "Bamako", "Vladimir Putin", "Russia"} <= set(meta["tags"]) and len(meta["tags"]) <= 8
    paragraphs = story.body.strip().split("\n\n")
    seed_blocks = [block.strip() for block in SEED.read_text().split("\n\n") if block.strip()]
    expected = seed_blocks[seed_blocks.index(next(b for b in seed_blocks if b.startswith("One day after"))) :]
    expected = [b for b in expected if not b.startswith(("Related:", "Follow VICE", "Reuters contributed"))]
    assert paragraphs == expected and len(paragraphs) == 12
    assert paragraphs[-1].startswith('"Mali will not shut down')
    for furniture in (
        "This story is over",
        "Photo by",
        "Related:",
        "Follow VICE News",
        "contributed to this report",
        "November 21, 2015",
    ):
        assert furniture not in story.body


def test_reingesting_reports_unchanged_and_keeps_curator_edits(tmp_path):
    require_shared(SEED)
    clipping = tmp_path / "clip.txt"
    clipping.write_text(SEED.read_text())
    ingest([str(clipping)], options(tmp_path))
    assert ingest([str(clipping)], options(tmp_path)).count("unchanged") == 1
    [path] = (tmp_path / "content").rglob("*.md")
    path.write_text(path.read_text().replace("tags:\n", "note: Why it matters.\ntags:\n"))  # the curator's edit
    edited = path.read_text()
    clipping.write_text(SEED.read_text().replace("Two of the attackers died", "Two of the gunmen died"))
    report = ingest([str(clipping)], options(tmp_path))
    assert report.count("kept") == 1 and path.read_text() == edited


def test_an_unedited_story_is_updated_in_place(tmp_path):
    clipping = tmp_path / "clip.txt"
    clipping.write_text("Storm hits coast\n\nThe storm reached the coast on Monday.\n")
    ingest([str(clipping)], options(tmp_path, date=dt.datetime(2020, 1, 6, 9)))
    clipping.write_text("Storm hits coast\n\nThe storm reached the coast on Monday night.\n")
    report = ingest([str(clipping)], options(tmp_path, date=dt.datetime(2020, 1, 6, 9)))
    assert report.count("updated") == 1
    [story] = stories(tmp_path / "content").values()
    assert "Monday night" in story.body


def test_same_headline_different_stories_get_distinct_stable_slugs(tmp_path):
    for name, text in (("a.txt", "First report."), ("b.txt", "Second, different report.")):
        (tmp_path / name).write_text(f"Morning Briefing\n\n{text}\n")
    ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], options(tmp_path, date=dt.datetime(2020, 1, 6, 9)))
    names = sorted(stories(tmp_path / "content"))
    assert "articles/2020/01/morning-briefing.md" in names
    [other] = [name for name in names if name != "articles/2020/01/morning-briefing.md"]
    assert re.fullmatch(r"articles/2020/01/morning-briefing-[0-9a-f]{6}\.md", other)
    again = tmp_path / "again"
    again.mkdir()
    ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], options(again, date=dt.datetime(2020, 1, 6, 9)))
    assert sorted(stories(again / "content")) == names


@pytest.mark.slow  # a corpus
def test_bbc_corpus_sample_with_duplicates_and_latin1(tmp_path):
    require_shared(BBC)
    sport = sorted((BBC / "sport").glob("*.txt"))
    report = ingest([str(p) for p in sport], options(tmp_path, date=dt.datetime(2005, 1, 1, 12), source="BBC News"))
    assert report.count("failed") == 0
    written = stories(tmp_path / "content")
    # Byte-identical files make one story, the others are named as duplicates.
    distinct = len({p.read_bytes() for p in sport})
    assert report.count("written") == len(written) <= distinct
    assert report.count("duplicate") == len(sport) - len(written) >= len(sport) - distinct > 0
    latin = next(s for s in written.values() if s.metadata.get("ingested_from", "").endswith("sport/199.txt"))
    assert "£" in latin.body and "\ufffd" not in latin.body


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Wire Service</title><link>https://wire.example/</link><description>d</description>
<item><title>Curfew in Bamako</title><link>https://wire.example/curfew</link><guid>wire-1</guid>
<pubDate>Sat, 21 Nov 2015 22:00:00 +0000</pubDate><description>&lt;p&gt;A curfew was declared in Bamako.&lt;/p&gt;
&lt;p&gt;Streets were empty.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description><category>Mali</category></item>
<item><title>Hotel reopens</title><link>https://wire.example/hotel</link><guid>wire-2</guid>
<pubDate>Sun, 22 Nov 2015 10:00:00 +0000</pubDate><description>The hotel reopened.</description></item>
</channel></rss>"""  # noqa: E501 - a feed as servers send it, lines and all


def test_feed_entries_become_stories_once(tmp_path):
    feed = tmp_path / "wire.xml"
    feed.write_text(RSS)
    report = ingest([str(feed)], options(tmp_path))
    assert report.count("written") == 2
    by_title = {s.metadata["title"]: s for s in stories(tmp_path / "content").values()}
    curfew = by_title["Curfew in Bamako"]
    assert (
        curfew.metadata["source"] == "Wire Service" and curfew.metadata["source_url"] == "https://wire.example/curfew"
    )
    assert curfew.metadata["date"] == "2015-11-21T22:00:00+00:00" and "Mali" in curfew.metadata["tags"]
    assert "A curfew was declared in Bamako." in curfew.body and "alert" not in curfew.body
    again = ingest([str(feed)], options(tmp_path))
    assert again.count("skipped") == 2 and again.count("written") == 0


def test_urls_of_pages_are_fetched(tmp_path):
    pages = tmp_path / "served"
    pages.mkdir()
    (pages / "story.html").write_text(
        '<html><head><title>x</title><meta property="og:title" content="Local page story">'
        '<meta property="article:published_time" content="2015-11-21T17:01:00-05:00">'
        '<meta property="og:site_name" content="Local Times"></head><body><article><h1>Local page story</h1>'
        + "".join(
            f"<p>Paragraph {i} of the local story, long enough to count as article text for extraction.</p>"
            for i in range(6)
        )
        + "</article></body></html>"
    )
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(pages)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/story.html"
        report = ingest([url], options(tmp_path, allow_private=True))
        assert report.count("written") == 1, report.outcomes
        [(path, story)] = stories(tmp_path / "content").items()
        assert story.metadata["title"] == "Local page story" and story.metadata["source"] == "Local Times"
        assert story.metadata["date"] == "2015-11-21T17:01:00-05:00"
        # Forgotten, the page is not even fetched again.
        assert forget([str(tmp_path / "content" / path)], options(tmp_path)).count("forgotten") == 1
        again = ingest([url], options(tmp_path, allow_private=True))
    finally:
        server.shutdown()
    assert again.count("skipped") == 1 and requests == ["/story.html"]
    assert not stories(tmp_path / "content")


def test_bad_inputs_fail_one_by_one(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "empty.txt").write_text("")
    (inputs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 50)
    with open(inputs / "huge.txt", "wb") as handle:
        handle.truncate(50 * 2**20)
    (inputs / "undecodable.txt").write_bytes(b"Headline\n\nBody \x81\x8d\x90 bytes\n")
    (inputs / "no-article.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (inputs / "undated.txt").write_text("A story without a date\n\nIt happened at some point.\n")
    (inputs / "good.txt").write_text("A good story\n\nNovember 21, 2015, 5:01pm\n\nIt happened on time.\n")
    result = run_cli("ingest", "--content", str(tmp_path / "content"), str(inputs))
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors, result.stderr
    reasons = {line.split(": ", 2)[1].rsplit("/", 1)[-1]: line.split(": ", 2)[2] for line in errors}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"] == "binary file, not text"
    assert reasons["huge.txt"].startswith("too large")
    assert reasons["undecodable.txt"].startswith("undecodable bytes")
    assert reasons["no-article.html"].startswith(("no article text", "no headline"))
    assert "no date" in reasons["undated.txt"]
    assert len(errors) == 6
    assert "good-story.md" in result.stdout and "1 written" in result.stdout and "6 failed" in result.stdout


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("ingest", "--date", "someday", str(tmp_path)).returncode == 2
    assert run_cli("ingest", "--timezone", "Mars/Olympus", str(tmp_path)).returncode == 2
    assert run_cli("ingest").returncode == 2


def test_hostile_html_is_defused(tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(
        '<html><head><meta property="og:title" content="Title: with \'quotes\' --- and # hash">'
        '<meta property="article:published_time" content="2015-11-21T17:01:00Z"></head><body><article>'
        '<h1>Title</h1><script>alert(1)</script><iframe src="https://evil.example"></iframe>'
        "<style>body{display:none}</style>"
        + "".join(
            f'<p onclick="alert({i})">Paragraph {i}: the &lt;script&gt;alert(2)&lt;/script&gt; text stays '
            f'text, and <a href="javascript:alert(3)">this link</a> loses its address.</p>'
            for i in range(5)
        )
        + "</article></body></html>"
    )
    ingest([str(page)], options(tmp_path))
    [path] = (tmp_path / "content").rglob("*.md")
    text = path.read_text()
    for active in ("<script", "<iframe", "<style", "onclick", "javascript:"):
        assert active not in text
    story = frontmatter.parse(text)
    assert story.metadata["title"] == "Title: with 'quotes' --- and # hash"
    assert re.fullmatch(r"[a-z0-9-]{1,80}\.md", path.name)


def test_hostile_titles_round_trip_and_slugs_stay_inside(tmp_path):
    for number, title in enumerate(["Colon: here", 'Quote "this"', "---", "# heading", "../../etc/passwd", "🔥"]):
        (tmp_path / f"{number}.txt").write_text(f"{title}\n\nBody of story {number}.\n")
    ingest([str(p) for p in sorted(tmp_path.glob("*.txt"))], options(tmp_path, date=dt.datetime(2020, 1, 6)))
    titles = {s.metadata["title"] for s in stories(tmp_path / "content").values()}
    assert titles == {"Colon: here", 'Quote "this"', "---", "# heading", "../../etc/passwd", "🔥"}
    for path in (tmp_path / "content").rglob("*.md"):
        assert (tmp_path / "content/articles") in path.parents and re.fullmatch(r"[a-z0-9-]{1,80}\.md", path.name)


def test_dry_run_writes_nothing(tmp_path):
    require_shared(SEED)
    result = run_cli("ingest", "--dry-run", "--content", str(tmp_path / "content"), str(SEED))
    assert result.returncode == 0 and "dry run: 1 written" in result.stdout
    assert not list(tmp_path.rglob("*.md"))


def test_ingested_stories_build(site):
    require_shared(SEED)
    ingest(
        [str(SEED)],
        Options(content=site.content, site_timezone="UTC", source_timezones={"VICE News": "America/New_York"}),
    )
    site.build()
    page = site.page("2015/11/21/putin-calls-for-fight-against-global-terror-as-mali-hunts-suspects-in-deadly/")
    assert "Reuters contributed to this report." in page and 'href="/tags/bamako/"' in page


@pytest.mark.slow  # an image server, Pillow and the command line
def test_fetch_images_keeps_lead_images_with_the_site(site, tmp_path):
    from PIL import Image

    served = tmp_path / "served"
    served.mkdir()
    photo = Image.new("RGBA", (2400, 1600), (200, 120, 40, 255))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # EXIF the stored copy must not carry
    photo.save(served / "photo.png", exif=exif)
    (served / "notes.txt").write_text("not an image")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for name, image in (("with-photo", "photo.png"), ("missing", "gone.jpg"), ("not-an-image", "notes.txt")):
        (served / f"{name}.html").write_text(
            f'<html><head><meta property="og:title" content="Story {name}">'
            f'<meta property="og:image" content="{base}/{image}">'
            '<meta property="article:published_time" content="2015-11-21T17:01:00-05:00"></head><body><article>'
            + "".join(
                f"<p>Paragraph {i} of the story {name}, long enough to count as article text.</p>" for i in range(6)
            )
            + "</article></body></html>"
        )
    try:
        result = run_cli(
            "ingest",
            "--content",
            str(site.content),
            "--fetch-images",
            "--allow-private",
            *(f"{base}/{name}.html" for name in ("with-photo", "missing", "not-an-image")),
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING:")]
    assert len(warnings) == 2 and f"{base}/missing.html: lead image {base}/gone.jpg" in warnings[0]
    assert "not an image" in warnings[1]
    written = {doc.metadata["title"]: doc.metadata for doc in stories(site.content).values() if "title" in doc.metadata}
    stored = written["Story with-photo"]
    assert stored["image_original"] == f"{base}/photo.png" and stored["image"].startswith("/images/story-with-photo-")
    assert written["Story missing"]["image"] == f"{base}/gone.jpg"  # left as it was, nothing lost
    with Image.open(site.content / stored["image"].lstrip("/")) as copy:
        assert (copy.format, copy.size, copy.mode) == ("JPEG", (1600, 1067), "RGB") and not copy.getexif()
    site.build()
    page = site.page("2015/11/21/story-with-photo/")
    assert f'<img src="{stored["image"]}" alt="" width="1600" height="1067"' in page


def _article_page(headline: str, json_ld: object, extra_head: str = "") -> str:
    body = "".join(
        f"<p>Paragraph {i} of the story about {headline.lower()}, long enough to be article text.</p>" for i in range(4)
    )
    return (
        f'<html><head><title>{headline}</title><script type="application/ld+json">{json.dumps(json_ld)}'
        f"</script>{extra_head}</head><body><article><h1>{headline}</h1>{body}</article></body></html>"
    )


# Values of every type but the expected one, as real pages carry them in JSON-LD.
WRONG_TYPES = {
    "number": 5,
    "fraction": 1e308,
    "boolean": True,
    "null": None,
    "empty list": [],
    "numbers": [5, 6],
    "mapping": {"x": 5},
    "nested": [[{"@id": 5}]],
    "reference": {"@id": 7},
    "names": {"name": [5]},
}
JSON_LD_KEYS = (
    "@id",
    "@graph",
    "headline",
    "description",
    "datePublished",
    "dateModified",
    "author",
    "publisher",
    "mainEntityOfPage",
    "url",
    "image",
    "thumbnailUrl",
    "articleSection",
    "inLanguage",
    "keywords",
)


def test_metadata_of_the_wrong_type_never_stops_ingest(tmp_path):
    """Every JSON-LD field with a value of each wrong type (a number where a list of keywords
    belongs…), an impossible zone and a year-0 feed date: each page is written or fails alone,
    with a reason, never an unforeseen error; the good clipping given with them is written."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for number, (kind, value) in enumerate(WRONG_TYPES.items()):
        node = {"@type": "NewsArticle", "datePublished": "2015-11-21T17:01:00Z", **dict.fromkeys(JSON_LD_KEYS, value)}
        (inputs / f"{number}-node.html").write_text(_article_page(f"Wrong {kind} story", node))
        (inputs / f"{number}-graph.html").write_text(
            _article_page(
                f"Graph {kind} story",
                {
                    "@graph": [
                        {
                            "@type": "NewsArticle",
                            "headline": f"Graph {kind} story",
                            "datePublished": "2015-11-21T17:01:00Z",
                            "author": {"@id": "#a"},
                            "publisher": {"@id": "#a"},
                            "image": {"@id": "#a"},
                            "keywords": value,
                        },
                        {"@id": "#a", "name": value, "url": value, "caption": value, "creditText": value},
                    ]
                },
            )
        )
    (inputs / "offset.html").write_text(
        _article_page(
            "Offset story",
            {"@type": "NewsArticle"},
            ('<meta property="article:published_time" content="2015-11-21T17:01:00-99:00">'),
        )
    )
    (inputs / "year-zero.xml").write_text(RSS.replace("Sat, 21 Nov 2015 22:00:00", "Sat, 01 Jan 0000 00:00:00"))
    (inputs / "good.txt").write_text("A good story\n\nNovember 21, 2015, 5:01pm\n\nIt happened on time.\n")
    report = ingest([str(inputs)], options(tmp_path, date=dt.datetime(2020, 1, 6, 9)))
    unforeseen = [outcome for outcome in report.outcomes if "unexpected" in outcome.detail]
    assert not unforeseen, unforeseen
    by_input = {}
    for outcome in report.outcomes:
        by_input.setdefault(Path(outcome.input).name, []).append(outcome.status)
    assert by_input["good.txt"] == ["written"]
    assert by_input["year-zero.xml"] == ["written", "written"]  # undated entries take --date
    assert all(statuses == ["written"] for name, statuses in by_input.items() if name.endswith(".html")), by_input
    assert len(by_input) == 2 * len(WRONG_TYPES) + 3


def test_an_unforeseen_error_fails_its_input_alone(tmp_path, monkeypatch):
    """A bug that an input sets off (here a TypeError planted in the clipping reader) is one
    ERROR line naming the input; the inputs after it are still written."""
    from newsdigest.ingest import clipping

    real_parse = clipping.parse

    def parse(text):
        if "trips" in text:
            raise TypeError("'int' object is not iterable")
        return real_parse(text)

    monkeypatch.setattr(clipping, "parse", parse)
    for name, text in (("a.txt", "This one trips the reader."), ("b.txt", "This one is fine.")):
        (tmp_path / name).write_text(f"Story {name}\n\n{text}\n")
    shown = []
    ingest(
        [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")],
        options(tmp_path, date=dt.datetime(2020, 1, 6, 9)),
        shown.append,
    )
    assert [(Path(o.input).name, o.status) for o in shown] == [("a.txt", "failed"), ("b.txt", "written")]
    assert shown[0].detail == "unexpected TypeError: 'int' object is not iterable"


def test_only_regular_files_are_read_and_the_cap_holds_while_reading(tmp_path, monkeypatch):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(inputs / "pipe.txt")  # no writer: reading it would wait for ever
    (inputs / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"\0" * (12 * 2**20)))
    (inputs / "good.txt").write_text("A good story\n\nNovember 21, 2015, 5:01pm\n\nIt happened on time.\n")
    stories_folder = tmp_path / "content/articles/2015/11"
    stories_folder.mkdir(parents=True)
    os.mkfifo(stories_folder / "pipe.md")  # the content folder is read too: the same rule holds there
    (stories_folder / "zero.md").symlink_to("/dev/zero")
    result = run_cli("ingest", "--content", str(tmp_path / "content"), str(inputs))
    assert result.returncode == 1
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("ERROR"))
    assert errors == [
        f"ERROR: {inputs}/bomb.html.gz: too large for a news story once unpacked (over 10 MB)",
        f"ERROR: {inputs}/pipe.txt: not a regular file (a named pipe); not read",
        f"ERROR: {inputs}/zero.txt: not a regular file (a device); not read",
    ], result.stderr
    assert "1 written" in result.stdout
    # A file may say it is empty and hold more (/proc's files do): the cap counts what is read.
    from newsdigest.ingest import reading

    proc_file = tmp_path / "smaps.txt"
    proc_file.symlink_to("/proc/self/smaps")
    assert proc_file.stat().st_size == 0 and len(proc_file.read_bytes()) > 4096
    monkeypatch.setattr(reading, "MAX_INPUT_BYTES", 4096)
    [outcome] = ingest([str(proc_file)], options(tmp_path)).outcomes
    assert outcome.status == "failed" and outcome.detail.startswith("too large for a news story"), outcome


class _TricklingHandler(http.server.BaseHTTPRequestHandler):
    """Promises a page, then sends it one byte a second: every read returns in time, the whole never."""

    def do_GET(self):
        drip(self, "text/html", b"<", seconds=600)

    def log_message(self, *args):
        pass


def test_a_trickling_server_is_cut_off_at_the_deadline(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TricklingHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    clipping = tmp_path / "good.txt"
    clipping.write_text("A good story\n\nNovember 21, 2015, 5:01pm\n\nIt happened on time.\n")
    url = f"http://127.0.0.1:{server.server_address[1]}/story.html"
    try:
        started = time.monotonic()
        result = run_cli(
            "ingest", "--timeout", "3", "--allow-private", "--content", str(tmp_path / "content"), url, str(clipping)
        )
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
    assert result.returncode == 1
    assert f"ERROR: {url}: cannot fetch: no complete answer within 3 s" in result.stderr.splitlines()
    assert "1 written" in result.stdout
    assert elapsed < 30, elapsed  # the deadline held: with a per-read timeout this ran for ten minutes


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title><id>urn:wire</id>
<updated>2015-11-22T10:00:00Z</updated>
<entry><title>Curfew lifted</title><id>urn:wire:1</id><link rel="alternate" href="https://atom.example/lifted"/>
<updated>2015-11-22T10:00:00Z</updated><content type="html">&lt;p&gt;The curfew was lifted.&lt;/p&gt;</content></entry>
<entry><title>Schools reopen</title><id>urn:wire:2</id><link href="https://atom.example/schools"/>
<updated>2015-11-23T10:00:00Z</updated><summary>Schools reopened on Monday.</summary></entry>
</feed>"""


def test_known_feed_entries_are_skipped_before_extraction(tmp_path, monkeypatch):
    """Known entries cost no extraction, and a feed whose entries are all known is not even
    handed to feedparser (which cleans every entry's HTML as it reads)."""
    import feedparser

    from newsdigest.ingest import html_page

    rss, atom = tmp_path / "wire.xml", tmp_path / "wire.atom"
    rss.write_text(RSS)
    atom.write_text(ATOM)
    assert ingest([str(rss), str(atom)], options(tmp_path)).count("written") == 4
    calls = []
    real_extract, real_parse = html_page.extract_body, feedparser.parse
    monkeypatch.setattr(html_page, "extract_body", lambda *args: calls.append("extract") or real_extract(*args))
    monkeypatch.setattr(feedparser, "parse", lambda *args: calls.append("parse") or real_parse(*args))
    report = ingest([str(rss), str(atom)], options(tmp_path))
    assert (report.count("skipped"), calls) == (4, [])
    rss.write_text(
        RSS.replace(
            "</channel>",
            "<item><title>Airport reopens</title><link>https://wire.example/airport"
            "</link><pubDate>Mon, 23 Nov 2015 08:00:00 +0000</pubDate><description>The airport "
            "reopened on Monday.</description></item></channel>",
        )
    )
    report = ingest([str(rss)], options(tmp_path))
    assert (report.count("skipped"), report.count("written"), calls) == (2, 1, ["parse", "extract"])
    airport = next(s for s in stories(tmp_path / "content").values() if s.metadata["title"] == "Airport reopens")
    assert airport.metadata["source"] == "Wire Service" and "The airport reopened on Monday." in airport.body


def _ingest_cli(tmp_path, *args):
    return run_cli("ingest", "--content", str(tmp_path / "content"), "--date", "2020-01-06T09:00", *args)


def test_a_forgotten_story_never_comes_back(tmp_path):
    feed = tmp_path / "wire.xml"
    feed.write_text(RSS)
    clipping = tmp_path / "clip.txt"
    clipping.write_text("Storm hits coast\n\nThe storm reached the coast on Monday.\n")
    assert _ingest_cli(tmp_path, str(feed), str(clipping)).returncode == 0
    content = tmp_path / "content"
    curfew = content / "articles/2015/11/curfew-in-bamako.md"
    storm = content / "articles/2020/01/storm-hits-coast.md"
    result = _ingest_cli(tmp_path, "--forget", str(curfew), "--forget", str(storm))
    assert result.returncode == 0, result.stderr
    assert not curfew.exists() and not storm.exists()
    assert f"forgotten: {curfew}: deleted; listed in {content / '.ingest-ignore'}" in result.stderr.splitlines()
    ignore = (content / ".ingest-ignore").read_text()
    assert "# articles/2015/11/curfew-in-bamako.md\nurl https://wire.example/curfew\nguid wire-1\n" in ignore
    assert f"input {clipping}\n" in ignore
    again = _ingest_cli(tmp_path, str(feed), str(clipping))
    assert again.returncode == 0 and "0 written" in again.stdout and "3 skipped" in again.stdout, again
    assert sorted(p.name for p in content.rglob("*.md")) == ["hotel-reopens.md"]
    # The same story under another input name, and the same page at its address: still forgotten.
    copy = tmp_path / "copy.txt"
    copy.write_text(clipping.read_text())
    assert "forgotten" in _ingest_cli(tmp_path, str(copy)).stderr
    assert sorted(p.name for p in content.rglob("*.md")) == ["hotel-reopens.md"]


def test_a_story_deleted_by_hand_is_noticed_and_stays_deleted(tmp_path):
    feed = tmp_path / "wire.xml"
    feed.write_text(RSS)
    assert ingest([str(feed)], options(tmp_path)).count("written") == 2
    content = tmp_path / "content"
    (content / "articles/2015/11/curfew-in-bamako.md").unlink()
    moved = content / "articles/2015/11/hotel-reopens.md"
    moved.rename(moved.with_name("hotel.md"))  # moved, not deleted: its story is still there
    result = run_cli("ingest", "--content", str(content), str(feed))
    assert result.returncode == 0, result.stderr
    assert (
        f"forgotten: {content}/articles/2015/11/curfew-in-bamako.md: deleted since the last ingest; "
        f"listed in {content / '.ingest-ignore'}"
    ) in result.stderr.splitlines()
    assert "0 written" in result.stdout and "2 skipped" in result.stdout and "1 forgotten" in result.stdout
    assert sorted(p.name for p in content.rglob("*.md")) == ["hotel.md"]
    assert "url https://wire.example/curfew\n" in (content / ".ingest-ignore").read_text()
    assert "hotel" not in (content / ".ingest-ignore").read_text()
    # Noticed once: the next run has nothing more to say about it.
    lines = run_cli("ingest", "--content", str(content), str(feed)).stderr.splitlines()
    assert not [line for line in lines if line.startswith("forgotten:")] and len(lines) == 2


def test_forget_refuses_what_it_cannot_forget(tmp_path):
    content = tmp_path / "content"
    handwritten = content / "articles/2020/01/editorial.md"
    handwritten.parent.mkdir(parents=True)
    handwritten.write_text("---\ntitle: Our editorial\ndate: 2020-01-06\n---\n\nWritten here.\n")
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("---\ntitle: Not in the content folder\nfingerprint: abc\n---\n\nText.\n")
    result = run_cli("ingest", "--content", str(content), "--forget", str(handwritten), "--forget", str(elsewhere))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors == [
        (
            f"ERROR: {handwritten}: nothing recognises it in an input (no source_url, source_guid or "
            "fingerprint); not forgotten: delete it by hand"
        ),
        f"ERROR: {elsewhere}: not a story file in {content}",
    ]
    assert handwritten.exists() and elsewhere.exists() and not (content / ".ingest-ignore").exists()


def test_an_unreadable_ignore_list_stops_ingest_before_anything_is_written(tmp_path):
    feed = tmp_path / "wire.xml"
    feed.write_text(RSS)
    content = tmp_path / "content"
    content.mkdir()
    (content / ".ingest-ignore").write_text(
        "# forgotten\nurl https://wire.example/curfew\nhttps://wire.example/hotel\n"
    )
    result = run_cli("ingest", "--content", str(content), str(feed))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"ERROR: {content}/.ingest-ignore:3: expected 'kind value' with a kind among url, "
        "guid, fingerprint, input, found 'https://wire.example/hotel'"
    )
    assert not list(content.rglob("*.md"))


def test_invisible_characters_leave_headlines_names_and_tags(tmp_path):
    """A right-to-left override or a zero-width space makes one word look like another; ingest
    writes what a reader sees (the joiner inside an emoji stays, it draws the emoji)."""
    feed = tmp_path / "wire.xml"
    feed.write_text("""<?xml version="1.0"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Wire\u200b Service</title>
<link>https://wire.example/</link><description>d</description>
<item><title>Curfew in Ba\u200bmako \u202egpj.exe\u202c, coders 👩\u200d💻 stay home</title>
<link>https://wire.example/curfew</link><dc:creator>Jane\u2066 Doe\u2069</dc:creator>
<pubDate>Sat, 21 Nov 2015 22:00:00 +0000</pubDate><category>Ma\u200bli</category><category>\u2067Bamako</category>
<description>A curfew was declared in Ba\u200bmako, the capital of Ma\u200bli, on Saturday night.</description>
</item></channel></rss>""")
    report = ingest([str(feed)], options(tmp_path))
    assert report.count("written") == 1, report.outcomes
    [(path, story)] = stories(tmp_path / "content").items()
    meta = story.metadata
    assert meta["title"] == "Curfew in Bamako gpj.exe, coders 👩\u200d💻 stay home"
    assert path.endswith("/curfew-in-bamako-gpj-exe-coders-stay-home.md")
    assert meta["authors"] == ["Jane Doe"] and meta["source"] == "Wire Service"
    assert "Mali" in meta["tags"] and "Bamako" in meta["tags"]
    invisible = re.compile("[\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
    assert not invisible.search(json.dumps(meta, ensure_ascii=False)), meta
    clipping = tmp_path / "clip.txt"
    clipping.write_text(
        "Ma\u200bli votes \u202eon Sunday\n\nThe \u2066first\u2069 round of the election.\n"
        "November 22, 2015, 9:00am\n\nVoters in Mali chose a new parliament on Sunday.\n"
    )
    report = ingest([str(clipping)], options(tmp_path, tags=["Elec\u200btions"]))
    assert report.count("written") == 1, report.outcomes
    meta = next(s.metadata for s in stories(tmp_path / "content").values() if s.metadata["title"].endswith("Sunday"))
    assert (meta["title"], meta["subtitle"]) == ("Mali votes on Sunday", "The first round of the election.")
    assert "Elections" in meta["tags"]
    assert not invisible.search(json.dumps(meta, ensure_ascii=False)), meta


def test_the_known_feed_benchmark_ingests_then_skips_every_entry(tmp_path):
    from newsdigest_bench.ingest import known_feed, synthetic_feed

    assert len(synthetic_feed(10_000)) < 10 * 2**20  # the benchmark's feed is one ingest accepts
    size, first, again = known_feed(200, tmp_path / "bench")
    assert size > 0 and (first.report.count("written"), first.report.count("failed")) == (200, 0)
    assert (again.report.count("skipped"), len(again.report.outcomes)) == (200, 200)
