"""The site in a real browser (Debian's Chromium, driven by Playwright): accessible in light
and dark, no horizontal scroll on a phone, search works offline, hostile text runs nothing."""

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from newsdigest.ingest import Options, ingest

from conftest import ROOT, SEED, Site, require_shared

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make test installs it)")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "tests/artifacts"
# Debian's Chromium, never a downloaded one; no background traffic on this closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)")

PAGE_TYPES = {
    "front": "", "story": "2015/11/21/putin-calls-for-fight-against-global-terror-as-mali-hunts-suspects-in-deadly/",
    "hostile story": "2015/11/22/breaking-script-alert-document-domain-script/", "tags": "tags/", "tag": "tags/mali/",
    "section": "sections/world/", "source": "sources/vice-news/", "edition": "editions/2015-11-21/",
    "editions": "editions/", "archive": "archives/", "month": "archives/2015/11/", "page": "about/",
    "feeds": "feeds/", "search": "search/", "404": "404.html",
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    require_shared(SEED)
    site = Site(tmp_path_factory.mktemp("browser"))
    ingest([str(SEED)], Options(content=site.content, section="World",
                                source_timezones={"VICE News": "America/New_York"}))
    site.add_article("hostile", title="Breaking <script>alert(document.domain)</script>", tags=["Mali"],
                     subtitle="Standfirst </script><script>alert(2)</script>", section="World",
                     date="2015-11-22T10:00:00Z", body='Text <img src="/theme/favicon.svg" onerror="alert(3)"> and more.')
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout this digest.\n")
    site.build(SEARCH_BLOCK_STORIES=1)  # a search bundle per story: the seed story is in a merged one
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def test_search_finds_the_seed_story_offline_in_a_merged_bundle(page, base_url):
    page.goto(base_url + "search/")
    page.fill(".pagefind-ui__search-input", "Bamako")
    link = page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    assert PAGE_TYPES["story"] in link.get_attribute("href")


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_horizontal_scroll_on_a_phone(page, base_url, name):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(base_url + PAGE_TYPES[name])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow}px of horizontal scroll at 360px"


def test_screenshots_for_review(page, base_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name in ("front", "story"):
            page.goto(base_url + PAGE_TYPES[name])
            path = ARTIFACTS / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000


def test_hostile_text_runs_no_script(page, base_url):
    for name in ("hostile story", "front", "tag", "edition", "search"):
        page.goto(base_url + PAGE_TYPES[name])
        page.wait_for_load_state("load")
    assert page.dialogs == []
    page.goto(base_url + PAGE_TYPES["hostile story"])
    assert "<script>alert(document.domain)</script>" in page.inner_text("h1")


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci, run by make test)")
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_accessibility_violations(page, base_url, name, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(base_url + PAGE_TYPES[name])
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
        return result.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(" | "));
    }""")
    assert violations == [], f"{name} ({scheme}): {violations}"


def test_every_internal_link_resolves_in_the_browser(page, base_url):
    checked, broken = set(), []
    for name, path in PAGE_TYPES.items():
        page.goto(base_url + path)
        links = page.eval_on_selector_all("a[href], link[href], script[src], img[src]",
                                          "nodes => nodes.map(n => n.href || n.src)")
        for link in links:
            target = link.split("#", 1)[0]
            if not target.startswith(base_url) or target in checked:
                continue
            checked.add(target)
            response = page.request.get(target)
            if response.status != 200:
                broken.append(f"{name}: {target} -> {response.status}")
    assert len(checked) > 30 and broken == []
