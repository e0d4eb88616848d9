"""Same content, same site, byte for byte; and the plain Pelican route builds the same site."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newsdigest.build.run import build
from newsdigest.site.settings import SiteSettings

from conftest import ROOT, Site, run_cli, tree


def test_two_builds_are_byte_identical(site, tmp_path):
    for number in range(5):
        site.add_article(
            f"story-{number}", title=f"Story {number}", tags=["Mali", f"t{number}"], date="2015-11-21T10:00:00Z"
        )
    site.build()
    first = tree(site.output)
    site.output.rename(tmp_path / "first")
    # Touch every source so modification times differ; output must not.
    for path in site.content.rglob("*.md"):
        path.write_text(path.read_text())
    site.build()
    assert tree(site.output) == first


@pytest.mark.slow  # the sample site, built twice with search, through two commands
def test_plain_pelican_route_builds_the_same_site(site, tmp_path):
    pelican = Path(sys.executable).parent / "pelican"
    out_plain, out_ours = tmp_path / "plain", tmp_path / "ours"
    # The project's settings with search on, each route with a cache of its own: neither reuses the other's pages.
    settings = site.settings_file(SEARCH_ENABLED=True, CACHE_PATH=str(tmp_path / "cache-plain"))
    subprocess.run(
        [str(pelican), str(ROOT / "content"), "-s", str(settings), "-o", str(out_plain)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    settings = site.settings_file(SEARCH_ENABLED=True, CACHE_PATH=str(tmp_path / "cache-ours"))
    result = run_cli(
        "build", "--settings", str(settings), "--content", str(ROOT / "content"), "--output", str(out_ours)
    )
    assert result.returncode == 0, result.stderr
    assert any(out_ours.glob("pagefind*/**/*")), "the site was built without its search index"
    assert tree(out_plain) == tree(out_ours)


@pytest.mark.slow  # plain Pelican's command line
def test_plain_pelican_route_is_strict_too(site):
    site.write("articles/undated.md", "---\ntitle: No date\n---\n")
    pelican = Path(sys.executable).parent / "pelican"
    result = subprocess.run(
        [str(pelican), str(site.content), "-s", str(site.settings_file()), "-o", str(site.output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "undated.md" in result.stdout + result.stderr


def test_production_settings_give_absolute_links_everywhere(site):
    site.add_article("story", title="A story", tags=["Mali"], section="World", source="VICE News")
    site.build(SITEURL="https://digest.example.org")
    for page in ("", "2015/11/21/a-story/", "tags/mali/", "editions/2015-11-21/", "feeds/"):
        html = site.page(page)
        relative = [
            href
            for href in re.findall(r'(?:href|src)="([^"]+)"', html)
            if not href.startswith(("https://", "#", "mailto:"))
        ]
        assert relative == [], f"{page or 'front page'}: {relative}"


def test_a_settings_file_without_newsdigest_settings_builds_the_defaults(tmp_path):
    """Every newsdigest setting left out: the same site as a settings file spelling out each
    default, templates included (the search link, term feeds, the note's label, the age notice)."""
    defaults = SiteSettings().values()
    sites = {}
    for name in ("spelled", "bare"):
        site = sites[name] = Site(tmp_path / name)
        site.add_article("old", title="An old story", date="2009-03-01T10:00:00Z", tags=["Mali"], section="World")
        site.add_article(
            "new",
            title="A new story",
            date="2015-11-21T10:00:00Z",
            tags=["Mali", "Bamako"],
            section="World",
            source="VICE News",
            note="Why this story matters.",
        )
    spelled = sites["spelled"].settings_file(RELATIVE_URLS=False, **defaults)  # links from the root, as served
    bare = sites["bare"].settings_file(RELATIVE_URLS=False)
    with bare.open("a", encoding="utf-8") as handle:
        handle.write(f"for _name in {sorted(defaults)!r}:\n    globals().pop(_name, None)\n")
    for name, settings in (("spelled", spelled), ("bare", bare)):
        build(settings, content=sites[name].content, output=sites[name].output)
    site = sites["bare"]
    assert tree(site.output) == tree(sites["spelled"].output)
    story, term = site.page("2015/11/21/a-new-story/"), site.page("tags/mali/")
    assert "Why it matters:</strong> Why this story matters." in story and 'href="/search/"' in story
    assert "This story is over 6 years old." in site.page("2009/03/01/an-old-story/")
    assert 'href="/tags/mali/feed.atom.xml"' in term


def test_a_setting_of_the_wrong_type_fails_the_build_naming_it(site):
    site.add_article("story")
    settings = site.settings_file(RELATED_MAX="five", FEED_KINDS="tags")
    result = run_cli("build", "--settings", str(settings), "--content", str(site.content), "--output", str(site.output))
    assert result.returncode == 1
    assert f"{settings}: RELATED_MAX must be a whole number, not 'five'" in result.stderr
    assert f"{settings}: FEED_KINDS must be a list of strings, not 'tags'" in result.stderr
    assert not site.output.exists()


STORIES_BY_LANGUAGE = {
    "en": "Flooded villages wait for the aid convoy",
    "fr": "Les villages inondés attendent le convoi",
    "de": "Überflutete Dörfer warten auf den Hilfskonvoi",
    "es": "Los pueblos inundados esperan el convoy",
    "pl": "Zalane wioski czekają na konwój",
    "ar": "القرى المغمورة تنتظر قافلة المساعدات",
    "zh": "被洪水淹没的村庄等待救援车队",
    "ko": "침수된 마을들이 구호 차량을 기다린다",
}


def test_a_site_in_eight_languages_gives_the_same_search_bundle_twice(site, tmp_path):
    # Pagefind lists a bundle's languages in hash-map order, which changes from run to run.
    for number, (lang, title) in enumerate(STORIES_BY_LANGUAGE.items()):
        site.add_article(f"story-{lang}", body=f"{title}. " * 20, title=title, lang=lang, date=f"2015-11-2{number % 3}")
    site.build(SEARCH_ENABLED=True, SEARCH_BLOCK_STORIES=1000)
    entries = sorted(site.output.glob("pagefind/*/pagefind-entry.json"))
    assert entries, "no search bundle was written"
    found = []
    for entry in entries:
        languages = list(json.loads(entry.read_text(encoding="utf-8"))["languages"])
        assert languages == sorted(languages), f"{entry.parent.name}: {languages}"
        found += languages
    assert sorted(found) == sorted(STORIES_BY_LANGUAGE)
    first = tree(site.output)
    site.output.rename(tmp_path / "first")
    shutil.rmtree(site.root / ".cache")
    site.build(SEARCH_ENABLED=True, SEARCH_BLOCK_STORIES=1000)
    assert tree(site.output) == first
