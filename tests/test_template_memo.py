"""Templates compiled once per process: the same pages as compiling every time, an edited
template's new text at once, and never code compiled under other options."""

import shutil

import jinja2
import pytest

from newsdigest.build.template_memo import TemplateMemo

from conftest import ROOT


def environment(memo, templates, **options):
    return jinja2.Environment(loader=jinja2.DictLoader(templates), bytecode_cache=memo, **options)


def test_a_template_compiles_once_and_renders_as_compiled_fresh():
    memo = TemplateMemo()
    templates = {"page.html": "<h1>{{ title }}</h1>{% for tag in tags %}<li>{{ tag|upper }}</li>{% endfor %}"}
    first = environment(memo, templates).get_template("page.html")
    again = environment(memo, templates).get_template("page.html")  # another build's environment
    assert again.root_render_func.__code__ is first.root_render_func.__code__  # not compiled again
    fresh = environment(None, templates).get_template("page.html")
    values = {"title": "Ferries", "tags": ["harbour", "boats"]}
    assert again.render(values) == fresh.render(values) == "<h1>Ferries</h1><li>HARBOUR</li><li>BOATS</li>"


def test_an_edited_template_is_compiled_again():
    memo = TemplateMemo()
    templates = {"page.html": "<h1>{{ title }}</h1>"}
    assert environment(memo, templates).get_template("page.html").render(title="A") == "<h1>A</h1>"
    templates["page.html"] = "<h2>{{ title }}</h2>"
    assert environment(memo, templates).get_template("page.html").render(title="A") == "<h2>A</h2>"


def test_code_compiled_under_other_options_is_never_reused():
    memo = TemplateMemo()
    templates = {"page.html": "{{ title }}", "filtered.html": "{{ title|shout }}"}
    escaped = environment(memo, templates, autoescape=True).get_template("page.html")
    plain = environment(memo, templates, autoescape=False).get_template("page.html")
    assert escaped.render(title="<b>") == "&lt;b&gt;" and plain.render(title="<b>") == "<b>"

    with_filter = environment(memo, templates)
    with_filter.filters["shout"] = str.upper
    assert with_filter.get_template("filtered.html").render(title="a") == "A"
    with pytest.raises(jinja2.TemplateAssertionError, match="shout"):  # as without the memo
        environment(memo, templates).get_template("filtered.html")


def test_a_theme_edited_between_two_builds_of_one_process_shows_the_edit(site, tmp_path):
    """As `serve` rebuilds: one process, the theme's template edited in between."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    site.add_article("harbour-ferry", title="Harbour ferry posts a profit", body="Fares rose.")
    site.build(THEME=str(theme))
    page = "2015/11/21/harbour-ferry-posts-a-profit/"
    assert "<!-- a theme edit -->" not in site.page(page)
    template = theme / "templates/base.html"
    template.write_text(template.read_text(encoding="utf-8") + "<!-- a theme edit -->\n", encoding="utf-8")
    site.build(THEME=str(theme))
    assert "<!-- a theme edit -->" in site.page(page)
