"""A development build (the project's settings: RELATIVE_URLS) opens from the disk, without a
server: in Debian's Chromium over file://, the stylesheet loads, every internal link opens a
file (a folder's index.html), the navigation works, and an old address sends the reader on.
A publish build keeps clean addresses from SITEURL."""

import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright import sync_api

from conftest import ROOT, require

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = [
    "index.html",
    "2015/11/21/mali-hunts-suspects/index.html",
    "2015/11/21/bamako-stays-under-curfew/index.html",
    "tags/index.html",
    "tags/mali/index.html",
    "editions/index.html",
    "editions/2015-11-21/index.html",
    "archives/index.html",
    "feeds/index.html",
    "about/index.html",
    "sources/vice-news/index.html",
]


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("preview"))
    site.add_article(
        "lead",
        title="Mali hunts suspects",
        tags=["Mali"],
        section="World",
        source="VICE News",
        date="2015-11-21T17:01:00-05:00",
        body="See [the other story]({filename}/articles/other.md).",
    )
    site.add_article(
        "other",
        title="Bamako under curfew",
        tags=["Mali", "Bamako"],
        date="2015-11-21T10:00:00Z",
        body="![A map](/images/map.svg)",
    )
    site.write("images/map.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>')
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout this digest.\n")
    site.build(RELATIVE_URLS=True, SEARCH_ENABLED=False)
    site.add_article(
        "other",
        title="Bamako stays under curfew",
        tags=["Mali", "Bamako"],
        date="2015-11-21T10:00:00Z",
        body="![A map](/images/map.svg)",
    )
    site.build(RELATIVE_URLS=True, SEARCH_ENABLED=False)
    return site


@pytest.fixture(scope="module")
def page():
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page()
        browser.close()


def test_every_page_opens_from_the_disk_with_its_stylesheet_and_links_to_files(preview, page):
    root = preview.output
    checked = set()
    for relative in PAGES:
        page.goto((root / relative).as_uri())
        sheets = page.eval_on_selector_all('link[rel="stylesheet"]', "links => links.map(l => [l.href, !!l.sheet])")
        assert sheets and all(loaded for _, loaded in sheets), (relative, sheets)
        links = page.eval_on_selector_all("a[href], link[href], img[src]", "nodes => nodes.map(n => n.href || n.src)")
        for link in links:
            parts = urlsplit(link)
            if parts.scheme != "file":
                assert parts.scheme in ("http", "https"), (relative, link)  # feeds' own links, other sites
                continue
            target = Path(unquote(parts.path))
            checked.add(target)
            assert target.is_file(), f"{relative}: {link} opens no file"
    assert root.resolve() / "images/map.svg" in {path.resolve() for path in checked}
    assert len(checked) > 25


def test_the_navigation_and_an_old_address_lead_to_pages(preview, page):
    root = preview.output
    page.goto((root / "2015/11/21/mali-hunts-suspects/index.html").as_uri())
    page.click("text=Tags")
    assert page.url == (root / "tags/index.html").as_uri() and page.locator("h1").count() == 1
    page.click("text=Mali")
    assert page.url == (root / "tags/mali/index.html").as_uri()
    page.goto((root / "2015/11/21/bamako-under-curfew/index.html").as_uri())
    page.wait_for_url((root / "2015/11/21/bamako-stays-under-curfew/index.html").as_uri(), timeout=10000)


def test_a_publish_build_keeps_clean_absolute_addresses(site):
    site.add_article("lead", title="Mali hunts suspects", tags=["Mali"])
    site.build(SITEURL="https://digest.example.org", RELATIVE_URLS=False, SEARCH_ENABLED=False)
    story = site.page("2015/11/21/mali-hunts-suspects/")
    assert 'href="https://digest.example.org/tags/mali/"' in story and "index.html" not in story.replace(
        "https://digest.example.org/404.html", ""
    )
    assert '<link rel="canonical" href="https://digest.example.org/2015/11/21/mali-hunts-suspects/">' in story


def test_the_project_settings_build_for_the_disk_and_publishconf_for_the_web():
    settings = (ROOT / "pelicanconf.py").read_text()
    assert "RELATIVE_URLS = True" in settings
    assert "RELATIVE_URLS = False" in (ROOT / "publishconf.py").read_text()


def test_the_preview_pages_and_the_redirect_page_pass_the_w3c_checker(preview):
    require(
        VNU.is_file() and shutil.which("java") is not None,
        "the W3C checker needs node_modules/vnu-jar (npm ci, run by make test) and java",
    )
    pages = sorted(str(path) for path in preview.output.rglob("*.html"))
    assert str(preview.output / "2015/11/21/bamako-under-curfew/index.html") in pages
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *pages], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr.replace(str(preview.output), "")
