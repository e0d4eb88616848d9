"""The renderer notes which stories' own-page fields a page reads only while that page renders:
every other page's attribute and item lookups are Jinja's own, with no call of ours between
(they are most of what a template does)."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2

from newsdigest.build.record import PendingPage
from newsdigest.pelican_plugins.writer import PageRenderer

TEMPLATES = {
    "edition.html": "{% for story in stories %}{{ story.title }}: {{ story.note }}\n{% endfor %}",
    "list.html": "{% for story in stories %}{{ story.title }}\n{% endfor %}",
}


def _story(name: str) -> SimpleNamespace:
    return SimpleNamespace(source_path=f"/content/{name}.md", title=name.title(), note=f"note on {name}")


def _page(template: jinja2.Template, name: str, stories, noted: bool) -> PendingPage:
    return PendingPage(
        name, "key", name, template, {"stories": stories}, base_key="base" if noted else None, shown=None
    )


def test_reads_are_noted_on_noted_pages_only(tmp_path):
    environment = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), autoescape=True)
    renderer = PageRenderer(str(tmp_path), settings={})
    stories = [_story("mali"), _story("peru")]

    files, error, read = renderer.render(_page(environment.get_template("edition.html"), "a.html", stories, True))
    assert error is None and files == ["a.html"]
    assert read == ("/content/mali.md", "/content/peru.md")
    assert (tmp_path / "a.html").read_text() == "Mali: note on mali\nPeru: note on peru\n"

    # after it, and while a page whose reads are not noted renders, the lookups are Jinja's own
    assert "getattr" not in vars(environment) and "getitem" not in vars(environment)
    seen = []

    class Watching(SimpleNamespace):
        def __getattribute__(self, name):
            if name == "title":
                seen.append(environment.getattr.__func__ is jinja2.Environment.getattr)
            return super().__getattribute__(name)

    watched = Watching(source_path="/content/chad.md", title="Chad", note="")
    files, error, read = renderer.render(_page(environment.get_template("list.html"), "b.html", [watched], False))
    assert error is None and read is None and seen == [True]
    assert (tmp_path / "b.html").read_text() == "Chad\n"


def test_a_failed_page_leaves_the_lookups_as_they_were(tmp_path):
    environment = jinja2.Environment(
        loader=jinja2.DictLoader({"broken.html": "{{ stories[0].note }}{{ 1 / 0 }}"}), autoescape=True
    )
    renderer = PageRenderer(str(tmp_path), settings={})
    _, error, _ = renderer.render(_page(environment.get_template("broken.html"), "c.html", [_story("mali")], True))
    assert error is not None and "ZeroDivisionError" in error
    assert "getattr" not in vars(environment) and "getitem" not in vars(environment)
