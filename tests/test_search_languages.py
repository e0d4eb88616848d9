"""Search and reading on a site in nine languages, in a real browser (Debian's Chromium): every
fresh load of the search page answers in every language, with no console error, whole words
first and nothing unrelated; stories written right to left read right to left.

The site is tests/fixtures/languages/ (two short stories in each of English, French, Spanish,
German, Polish, Arabic, Chinese, Korean, and one in Hebrew; our own text), built with search on."""

import functools
import re
import shutil
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from test_browser import ARTIFACTS, SCHEMES, WIDTHS, _QuietHandler, browser  # noqa: F401 - the browser fixture, shared

from newsdigest.serve.server import SiteServer

from conftest import ROOT, Site

pytestmark = pytest.mark.browser
LANGUAGES = ROOT / "tests/fixtures/languages"
LOADS = 30
# Fresh loads open at once, each in a context of its own: a load waits on the network and on its
# workers as much as it computes, and the others use that time.
LOADS_AT_ONCE = 3
ANSWER_SECONDS = 20  # from its load: a search that has not answered by then hangs
# A query in each language and the headline it must find first.
QUERIES = [
    ("ferry", "Harbour ferry adds an early sailing for commuters"),
    ("boulangers", "Les boulangers de Lyon en grève contre la hausse du prix de la farine"),
    ("sequía", "La sequía obliga a Murcia a limitar el riego de los huertos"),
    ("Hochwasser", "Hochwasser am Rhein sperrt die Uferstraße in Köln"),
    ("Krakowie", "Nowy most w Krakowie połączy dwa brzegi Wisły"),
    ("مكتبة", "افتتاح مكتبة عامة جديدة في عمّان"),
    ("地铁", "北京地铁新线路开通运营"),
    ("博物馆", "上海博物馆举办丝绸之路展览"),
    ("터미널", "부산항에 새 여객 터미널 문을 열어"),
    ("רכבת", "רכבת חדשה תחבר את חיפה לירושלים"),
]
STATUS = "document.getElementById('search-status').textContent"


ARABIC_STORY = "2015/11/16/ftth-mktb-m-jdyd-fy-mwn/"
MIXED_LIST = "archives/2015/11/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("languages"))
    shutil.copytree(LANGUAGES, site.content, dirs_exist_ok=True)
    site.build(SEARCH_ENABLED=True, SEARCH_BLOCK_STORIES=4)
    return site


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(_QuietHandler, directory=str(site.output))
    server = SiteServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def fresh_search(browser, base_url: str, words: str) -> dict:  # noqa: F811 - the fixture's value
    """Load the search page in a new context with `words` in its address; what it answered."""
    return what_it_answered(open_search(browser, base_url, words))


def open_search(browser, base_url: str, words: str) -> tuple:  # noqa: F811 - the fixture's value
    """Load the search page in a new context with `words` in its address: the search runs on."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}search/?q={words}")
    return context, page, errors, time.monotonic() + ANSWER_SECONDS


def what_it_answered(opened: tuple) -> dict:
    """What a search page opened by `open_search` answered, within ANSWER_SECONDS of its load."""
    context, page, errors, deadline = opened
    try:
        page.wait_for_function(f"/match/i.test({STATUS})", timeout=max(deadline - time.monotonic(), 0.001) * 1000)
        answered = True
    except Exception:  # noqa: BLE001 - a search that never answers is what this test looks for
        answered = False
    found = {
        "answered": answered,
        "status": page.evaluate(STATUS),
        "titles": page.eval_on_selector_all("#search-results .card-title a", "links => links.map(a => a.textContent)"),
        "marks": page.eval_on_selector_all("#search-results mark", "marks => marks.map(m => m.textContent)"),
        "errors": errors,
    }
    context.close()
    return found


def test_every_fresh_load_answers_in_every_language_with_no_console_error(browser, base_url):  # noqa: F811
    answers = []
    for first in range(0, LOADS, LOADS_AT_ONCE):
        loads = range(first, min(first + LOADS_AT_ONCE, LOADS))
        opened = [open_search(browser, base_url, QUERIES[load % len(QUERIES)][0]) for load in loads]
        answers += [what_it_answered(page) for page in opened]
    hung = [load for load, answer in enumerate(answers) if not answer["answered"]]
    errors = [error for answer in answers for error in answer["errors"]]
    print(f"search loads {LOADS}: answered {LOADS - len(hung)}, console errors {len(errors)}")
    assert hung == [] and errors == [], (hung, errors)
    for load, answer in enumerate(answers):
        words, headline = QUERIES[load % len(QUERIES)]
        assert answer["titles"][:1] == [headline], (words, answer)


def test_whole_words_first_and_nothing_unrelated(browser, base_url):  # noqa: F811
    marines = fresh_search(browser, base_url, "Marines")
    assert marines["titles"][0] == "Marines open a recruiting office by the station"
    assert "Harbour ferry adds an early sailing for commuters" in marines["titles"]  # "Marine engineers"
    for words in ("zzzqqq", "Mali"):  # "Mali" is no part of "malicious"
        nothing = fresh_search(browser, base_url, words)
        assert nothing["status"] == f"No story matches “{words}”.", nothing
        assert nothing["titles"] == []
    spanish = fresh_search(browser, base_url, "sequía")
    assert spanish["titles"] == ["La sequía obliga a Murcia a limitar el riego de los huertos"]  # no French story
    assert set(spanish["marks"]) == {"sequía"}


def test_a_story_written_right_to_left_reads_right_to_left(browser, base_url):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + ARABIC_STORY)
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("article.story", "dir") == "rtl"
    assert page.get_attribute(".site-header", "dir") == "ltr"  # the site's own words keep their direction
    assert page.get_attribute(".story .meta", "dir") == "ltr"
    lead = page.locator(".story .prose p").first
    assert lead.evaluate("p => getComputedStyle(p).direction") == "rtl"
    # the paragraph's text sits against its right edge, where an Arabic reader starts
    text_right = lead.evaluate(
        "p => { const text = document.createRange(); text.selectNodeContents(p); "
        "return text.getBoundingClientRect().right; }"
    )
    box_right = lead.evaluate("p => p.getBoundingClientRect().right")
    assert abs(text_right - box_right) < 2
    context.close()


def test_a_list_mixing_scripts_gives_each_story_its_direction(browser, base_url):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + MIXED_LIST)
    directions = page.eval_on_selector_all(
        ".card-title", "titles => titles.map(t => [t.textContent.trim(), getComputedStyle(t).direction])"
    )
    right_to_left = re.compile(r"[\u0590-\u06ff]")  # Hebrew and Arabic letters
    assert {"rtl", "ltr"} == {direction for _, direction in directions}
    for title, direction in directions:
        assert direction == ("rtl" if right_to_left.search(title) else "ltr"), title
    context.close()


def test_feeds_carry_each_entry_language(site):
    atom = ET.parse(site.output / "feeds/all.atom.xml").getroot()
    space = "{http://www.w3.org/2005/Atom}"
    languages = {
        entry.findtext(f"{space}title"): entry.get("{http://www.w3.org/XML/1998/namespace}lang")
        for entry in atom.iter(f"{space}entry")
    }
    assert languages["افتتاح مكتبة عامة جديدة في عمّان"] == "ar"
    assert languages["北京地铁新线路开通运营"] == "zh"


@pytest.mark.review
def test_screenshots_of_right_to_left_pages_for_review(browser, base_url):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for scheme in SCHEMES:
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = context.new_page()
            for name, path in (("arabic-story", ARABIC_STORY), ("mixed-list", MIXED_LIST)):
                page.goto(base_url + path)
                shot = ARTIFACTS / f"{name}-{width}-{scheme}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
            context.close()
