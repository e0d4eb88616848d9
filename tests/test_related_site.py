"""Related stories only when they are related (issue 30): a small varied site built by Pelican
shows no unrelated link and each reason names what the two stories share. (On real pages labelled
by a reader, shown links are precise: tests/test_corpus_quality.py, which ingests those pages once.)"""

import html
import itertools
import re
from pathlib import Path

import pytest
import yaml

FIXTURE = Path(__file__).parent / "fixtures" / "related-site.yml"
SECTION = re.compile(r'<section class="related".*?</section>', re.S)
ITEM = re.compile(r'<a href="/([^"]+)">.*?<p class="reason">(.*?)</p>', re.S)


def _stories():
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["stories"]


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    from conftest import Site

    site = Site(tmp_path_factory.mktemp("related-site"))
    for number, story in enumerate(_stories()):
        site.add_article(
            f"story-{number}", title=story["title"], date=story["date"], body=story["body"], slug=f"story-{number}"
        )
    site.build()
    return site


def _links(site) -> dict[str, dict[str, str]]:
    """Each story page's computed related stories: its address -> {linked address: reason}."""
    found = {}
    for page in (site.output / "2026").rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        address = str(page.parent.relative_to(site.output)) + "/"
        section = SECTION.search(text)
        found[address] = (
            {url: html.unescape(reason) for url, reason in ITEM.findall(section.group(0))} if section else {}
        )
    return found


def _address(site, title: str) -> str:
    """A fixture story's address (its slug is story-<its place in the fixture>)."""
    for number, story in enumerate(_stories()):
        if story["title"] == title:
            return f"{str(story['date'])[:10].replace('-', '/')}/story-{number}/"
    raise AssertionError(title)


def test_a_small_varied_site_links_only_stories_a_reader_would_relate(fixture_site):
    stories = _stories()
    group = {_address(fixture_site, s["title"]): s.get("group") for s in stories}
    links = _links(fixture_site)
    wrong = [
        (page, url) for page, found in links.items() for url in found if not group[page] or group[page] != group[url]
    ]
    assert not wrong, wrong
    for name, members in itertools.groupby(sorted((g, a) for a, g in group.items() if g), key=lambda item: item[0]):
        addresses = [address for _, address in members]
        for page in addresses:
            assert set(links[page]) == set(addresses) - {page}, (name, page, links[page])
    # most stories have no neighbour: they show no list at all, not "the least unrelated"
    assert sum(not found for found in links.values()) >= len(stories) - 7


def test_each_reason_names_what_the_two_stories_share_and_how_they_stand_in_time(fixture_site):
    links = _links(fixture_site)
    reasons = [reason for found in links.values() for reason in found.values()]
    assert reasons and not any("similar coverage" in reason for reason in reasons)
    flood = links[_address(fixture_site, "Storm Hadria floods the Kettering valley")]
    assert all(reason.startswith("Same event: 3 reports on ") for reason in flood.values()), flood
    assert any("Hadria" in reason or "Kettering" in reason or "Barton Seagrave" in reason for reason in flood.values())
    win = links[_address(fixture_site, "Lisbon Open chess title goes to Mirela Dovgan")]
    (reason,) = win.values()
    assert reason.startswith("Follows up 4 days later, on ") and "Dovgan" in reason, reason
    (earlier,) = links[_address(fixture_site, "Mirela Dovgan accepts her Candidates place")].values()
    assert earlier.startswith("Earlier report, 4 days before, on "), earlier


def test_a_reason_made_of_hostile_page_text_is_escaped(site):
    hostile = '<img src=x onerror="alert(1)"> Radisson Blu'
    text = (
        "Gunmen attacked the {0} hotel in Bamako, Mali, and held guests hostage. Soldiers of Mali freed the "
        "guests of the {0} hotel in Bamako after a long siege; the Mali government declared an emergency."
    )
    site.add_article("a", title="Siege at a Bamako hotel", body=text.format(hostile), date="2026-03-01T10:00:00Z")
    site.add_article("b", title="Bamako hotel siege ends", body=text.format(hostile), date="2026-03-01T12:00:00Z")
    for number in range(8):
        site.add_article(f"other-{number}", title=f"Allotment news {number}", body=f"Leeks and onions {number}.")
    site.build()
    page = site.page("2026/03/01/siege-at-a-bamako-hotel/")
    assert "<img src=x" not in page
