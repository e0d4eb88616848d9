"""The site in a real browser (Debian's Chromium, driven by Playwright), built from the sample
digest the tests own (the project's content/ and tests/fixtures/sample-digest/: synthetic
stories over three days in six sections, illustrations, notes, an edition's introduction;
nothing from ../shared) plus stories that test the edges:
accessible in light and dark at phone and desktop widths, no horizontal scroll on a phone,
images that never shift the page or show a broken icon, print and reduced motion, search
that works offline in every language, hostile text that runs nothing, and screenshots of
every page type for review in tests/artifacts/."""

import functools
import http.server
import shutil
import threading
import time
from pathlib import Path

import pytest
from playwright import sync_api

from newsdigest.content import frontmatter
from newsdigest.serve.server import SiteServer
from newsdigest_bench.sample_site import illustration

from conftest import ROOT, Site, require

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "tests/artifacts"
SAMPLE_DIGEST = ROOT / "tests/fixtures/sample-digest"
# Debian's Chromium, never a downloaded one; no background traffic on this closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
pytestmark = pytest.mark.browser
WIDTHS = (360, 1280)
SCHEMES = ("light", "dark")
# An address nothing answers on: the image every browser fails to load.
UNREACHABLE_IMAGE = "http://127.0.0.1:9/photo.jpg"

FEATURE_BODY = """The council voted 31 to 12 on Tuesday night after a [three-hour debate](https://news.example/debate).

## What changes

- Four new lanes, separated from traffic by kerbs.
- Twenty junctions redesigned.
- A 20 mph limit in the centre.

> "This is the biggest change to our streets in a generation," the council leader said.

| Route | Length | Opens |
|---|---|---|
| North Road | 3.2 km | 2016 |
| River Walk | 1.8 km | 2017 |

![A cyclist on a painted lane](/images/feature-inline.jpg)

### What comes next

1. A consultation on the routes.
2. Building work from the spring.
"""

PAGE_TYPES = {
    "front": "",
    "story with image": "2015/11/21/council-approves-new-cycle-lanes/",
    "story without image": "2015/11/21/putin-calls-for-fight-against-global-terror-as-mali-hunts-suspects-in-deadly/",
    "story in french": "2015/11/20/la-greve-continue-a-paris/",
    "story with a broken image": "2015/11/20/a-photo-that-never-loads/",
    "hostile story": "2015/11/21/breaking-script-alert-document-domain-script/",
    "tags": "tags/",
    "tag": "tags/mali/",
    "section": "sections/world/",
    "source": "sources/vice-news/",
    "author": "authors/jane-doe/",
    "edition": "editions/2015-11-21/",
    "editions": "editions/",
    "archive": "archives/",
    "month": "archives/2015/11/",
    "page": "about/",
    "feeds": "feeds/",
    "search": "search/",
    "404": "404.html",
}


def write_sample_digest(content: Path) -> None:
    """The project's own content (the seed story, the about page, tags.yml) and the synthetic
    stories of tests/fixtures/sample-digest/, with an illustration drawn for each image they name."""
    shutil.copytree(ROOT / "content", content, dirs_exist_ok=True)
    shutil.copytree(SAMPLE_DIGEST, content, dirs_exist_ok=True)
    for story in sorted((SAMPLE_DIGEST / "articles").rglob("*.md")):
        image = frontmatter.parse(story.read_text(encoding="utf-8")).metadata.get("image")
        if image:
            illustration(content / image.lstrip("/"), story.stem)


def build_browser_site(root: Path) -> Site:
    site = Site(root)
    write_sample_digest(site.content)
    illustration(site.content / "images/feature.jpg", "feature")
    illustration(site.content / "images/feature-inline.jpg", "inline", size=(900, 600))
    site.add_article(
        "feature",
        title="Council approves new cycle lanes",
        authors=["Jane Doe", "Sam Okafor"],
        source="Sample Gazette",
        source_url="https://news.example/cycle-lanes",
        section="World",
        subtitle="Four routes and twenty junctions will change by 2017.",
        tags=["Mali", "Transport"],
        image="/images/feature.jpg",
        image_alt="Cyclists waiting at a red light",
        image_caption="Morning traffic on North Road.",
        image_credit="Sample illustration",
        note="A city-wide plan that other councils are watching.",
        contributors=["Wire Service"],
        date="2015-11-21T18:30:00-05:00",
        body=FEATURE_BODY,
    )
    site.add_article(
        "paris",
        title="La grève continue à Paris",
        lang="fr",
        tags=["Mali"],
        section="World",
        source="Le Courrier",
        subtitle="Les syndicats appellent à une nouvelle journée de mobilisation.",
        date="2015-11-20T09:00:00+01:00",
        body="Les syndicats appellent à une nouvelle journée de grève jeudi.\n\nLes transports seront perturbés.",
    )
    site.add_article(
        "broken",
        title="A photo that never loads",
        image=UNREACHABLE_IMAGE,
        tags=["Mali"],
        image_alt="A photo that is not there",
        image_credit="Nobody",
        section="World",
        subtitle="Its lead image lives on a server that does not answer.",
        date="2015-11-20T12:00:00Z",
    )
    site.add_article(
        "hostile",
        title="Breaking <script>alert(document.domain)</script>",
        tags=["Mali"],
        subtitle="Standfirst </script><script>alert(2)</script>",
        section="World",
        date="2015-11-21T10:00:00Z",
        body='Text <img src="/theme/favicon.svg" onerror="alert(3)"> and more.',
    )
    site.build(SEARCH_ENABLED=True, SEARCH_BLOCK_STORIES=2, TAXONOMY_KINDS=["tags", "sections", "sources", "authors"])
    return site


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    site = build_browser_site(tmp_path_factory.mktemp("browser"))
    handler = functools.partial(_QuietHandler, directory=str(site.output))
    server = SiteServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def browser():
    require(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install chromium)")
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


def load_every_image(page) -> None:
    """Lazy images below the fold load too (a full-page screenshot does not scroll)."""
    page.evaluate("""async () => {
        for (const image of document.images) image.loading = "eager";
        await Promise.all([...document.images].map((image) => image.decode().catch(() => null)));
    }""")


def search(page, base_url, words):
    page.goto(base_url + "search/")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.fill("#search-input", words)
    page.press("#search-input", "Enter")
    try:
        page.wait_for_selector("#search-results .card-title a", timeout=15000)
        page.wait_for_function("document.getElementById('search-status').textContent.includes('match')", timeout=15000)
    except sync_api.TimeoutError:
        status = page.inner_text("#search-status")
        raise AssertionError(f"searching {words!r}: {status!r}; console errors: {errors}") from None
    assert errors == [], f"searching {words!r}: {errors}"  # every index chunk loaded
    return page.eval_on_selector_all("#search-results .card-title a", "links => links.map(a => a.href)")


def test_search_finds_stories_offline_in_their_own_language_as_cards(page, base_url):
    found = search(page, base_url, "Bamako")
    assert any(PAGE_TYPES["story without image"] in link for link in found)
    # French stemming: "syndicat" finds "syndicats", indexed in French in a bundle of its own.
    found = search(page, base_url, "syndicat")
    assert found == [base_url + PAGE_TYPES["story in french"]]
    assert page.get_attribute("#search-results .card-title", "lang") == "fr"
    status = page.inner_text("#search-status")
    assert "1 story matches" in status
    page.goto(base_url + "search/?q=cycle+lanes")
    page.wait_for_selector("#search-results .card-image img", timeout=15000)
    assert base_url + PAGE_TYPES["story with image"] in page.eval_on_selector_all(
        "#search-results .card-title a", "links => links.map(a => a.href)"
    )


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_horizontal_scroll_on_a_phone(page, base_url, name):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(base_url + PAGE_TYPES[name])
    load_every_image(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow}px of horizontal scroll at 360px"


@pytest.mark.review
def test_screenshots_of_every_page_type_for_review(browser, base_url):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for scheme in SCHEMES:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            for name, path in PAGE_TYPES.items():
                page.goto(base_url + path)
                if name == "search":
                    page.fill("#search-input", "Mali")
                    page.wait_for_selector("#search-results .card", timeout=15000)
                load_every_image(page)
                shot = ARTIFACTS / f"{name.replace(' ', '-')}-{width}-{scheme}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
            context.close()


def test_hostile_text_runs_no_script(page, base_url):
    for name in ("hostile story", "front", "tag", "edition", "search"):
        page.goto(base_url + PAGE_TYPES[name])
        page.wait_for_load_state("load")
    search(page, base_url, "Breaking")
    assert page.dialogs == []
    page.goto(base_url + PAGE_TYPES["hostile story"])
    assert "<script>alert(document.domain)</script>" in page.inner_text("h1")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_accessibility_violations(page, base_url, name, width):
    require(AXE.is_file(), "axe-core is not installed (npm ci, run by make test)")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + PAGE_TYPES[name])
    if name == "search":  # with results on the page
        page.fill("#search-input", "Mali")
        page.wait_for_selector("#search-results .card", timeout=15000)
    load_every_image(page)
    page.add_script_tag(path=str(AXE))
    found = {}
    for scheme in SCHEMES:  # the page loaded once, checked in each scheme (only colours change)
        page.emulate_media(color_scheme=scheme)
        violations = page.evaluate("""async () => {
            const result = await axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
            return result.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(" | "));
        }""")
        if violations:
            found[scheme] = violations
    assert found == {}, f"{name} ({width}px): {found}"


def test_a_broken_image_leaves_a_plain_box_of_the_same_shape(page, base_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    for name in ("story with a broken image", "tag"):
        page.goto(base_url + PAGE_TYPES[name])
        load_every_image(page)
        frame = page.locator(f'.frame:has(img[src="{UNREACHABLE_IMAGE}"])').first
        box = frame.bounding_box()
        ratio = 16 / 9 if name.startswith("story") else 3 / 2
        assert box["width"] > 60 and abs(box["width"] / box["height"] - ratio) < 0.02, (name, box)
        shot = frame.screenshot()
        import io

        from PIL import Image  # Pillow is a project dependency; only this test reads pixels

        colours = Image.open(io.BytesIO(shot)).convert("RGB").getcolors(maxcolors=64)
        # one flat colour (allowing for the rounded corners' anti-aliasing): no icon, no alt text
        assert colours and max(colours)[0] > 0.97 * sum(count for count, _ in colours), (name, sorted(colours)[-3:])


def test_images_arriving_late_shift_nothing(browser, base_url):
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    page.route("**/*.jpg", lambda route: (time.sleep(0.4), route.continue_()))
    page.add_init_script("""window.shifts = 0; new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.shifts += entry.value;
    }).observe({type: "layout-shift", buffered: true});""")
    for name in ("front", "story with image", "tag", "edition"):
        page.goto(base_url + PAGE_TYPES[name])
        load_every_image(page)
        page.wait_for_timeout(100)
        assert page.evaluate("window.shifts") < 0.01, name
    context.close()


def test_print_reduced_motion_and_visible_focus(page, base_url):
    page.goto(base_url + PAGE_TYPES["story with image"])
    page.emulate_media(media="print")
    assert not page.is_visible(".site-nav") and not page.is_visible(".story-pager")
    assert page.is_visible(".prose") and page.is_visible(".curator-note")
    page.emulate_media(media="screen", reduced_motion="reduce")
    page.goto(base_url)
    assert page.eval_on_selector(".card-image img", "img => getComputedStyle(img).transitionDuration") == "0s"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_every_internal_link_resolves_in_the_browser(page, base_url):
    checked, broken = set(), []
    for name, path in PAGE_TYPES.items():
        page.goto(base_url + path)
        links = page.eval_on_selector_all(
            "a[href], link[href], script[src], img[src]", "nodes => nodes.map(n => n.href || n.src)"
        )
        for link in links:
            target = link.split("#", 1)[0]
            if not target.startswith(base_url) or target in checked:
                continue
            checked.add(target)
            response = page.request.get(target)
            if response.status != 200:
                broken.append(f"{name}: {target} -> {response.status}")
    assert len(checked) > 30 and broken == []
