"""Edition dates and stories dated by a day alone (#32): an edition is dated by its own day in
every feed format, so readers list the newest edition first, whatever the dates of the stories it
picks; a story given only a day shows that day without a time on pages, and feeds date it at
DATE_ONLY_HOUR (noon) in the site's zone, with that day's offset."""

import calendar
import datetime as dt
import json
import re
import xml.etree.ElementTree as ElementTree
from zoneinfo import ZoneInfo

import feedparser
import pytest
from test_feeds import assert_valid_feeds, newsboat, newsboat_items

from newsdigest.settings import SettingsError
from newsdigest.site import feeds
from newsdigest.site.settings import SiteSettings

from conftest import Site, require

SITEURL = "https://digest.example.org"
ZONE = "America/New_York"  # summer time from 2023-03-12 to 2023-11-05
ATOM = "{http://www.w3.org/2005/Atom}"
STORIES = {
    # The only story of the edition of 2023-05-30 is a 2017 one the curator picked for it.
    "archive-pick": dict(title="Archive pick", date="2017-03-23T09:00:00-04:00", edition="2023-05-30"),
    "may-29": dict(title="Monday story", date="2023-05-29T08:00:00-04:00"),
    "may-31": dict(title="Wednesday story", date="2023-05-31T18:30:00-04:00"),
    # Days alone, on both sides of the changes of clock.
    "winter-day": dict(title="A winter day", date="2023-03-11", tags=["Days"], slug="winter-day"),
    "summer-day": dict(title="A summer day", date="2023-03-13", tags=["Days"], slug="summer-day"),
    "back-day": dict(title="The clocks go back", date="2023-11-05", tags=["Days"], slug="back-day"),
}
# Each edition's day, newest first, and its moment in feeds: noon in the site's zone, or its newest
# story's moment when that came out earlier the same day (a morning build is not dated hours ahead).
EDITIONS = {
    "2023-11-05": "2023-11-05T12:00:00-05:00",
    "2023-05-31": "2023-05-31T12:00:00-04:00",
    "2023-05-30": "2023-05-30T12:00:00-04:00",
    "2023-05-29": "2023-05-29T08:00:00-04:00",
    "2023-03-13": "2023-03-13T12:00:00-04:00",
    "2023-03-11": "2023-03-11T12:00:00-05:00",
}
DAYS_ALONE = {
    "A winter day": "2023-03-11T12:00:00-05:00",
    "A summer day": "2023-03-13T12:00:00-04:00",
    "The clocks go back": "2023-11-05T12:00:00-05:00",
}


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> Site:
    site = Site(tmp_path_factory.mktemp("edition-dates"))
    for name, story in STORIES.items():
        site.add_article(name, **story)
    site.build(SITEURL=SITEURL, TIMEZONE=ZONE)
    return site


def instant(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp())


def rss_times(path, element: str = "pubDate") -> dict[str, str]:
    """Each RSS item's link -> its time as written."""
    return {item.findtext("link"): item.findtext(element) for item in ElementTree.parse(path).getroot().iter("item")}


def atom_times(path, element: str) -> dict[str, str]:
    root = ElementTree.parse(path).getroot()
    return {
        entry.find(f"{ATOM}link").get("href"): entry.findtext(f"{ATOM}{element}")
        for entry in root.findall(f"{ATOM}entry")
    }


def json_times(path, key: str = "date_published") -> dict[str, str]:
    return {item["url"]: item[key] for item in json.loads(path.read_text())["items"]}


def rss_time(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso)
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z")


def test_an_edition_is_dated_by_its_own_day_in_rss_atom_and_json(dated):
    expected = {f"{SITEURL}/editions/{day}/": noon for day, noon in EDITIONS.items()}
    folder = dated.output / "editions"
    assert rss_times(folder / "feed.rss.xml") == {link: rss_time(noon) for link, noon in expected.items()}
    assert atom_times(folder / "feed.atom.xml", "published") == expected
    assert json_times(folder / "feed.json") == expected
    # The edition of 2023-05-30 picks a 2017 story: it is still dated 2023-05-30 ...
    picked = f"{SITEURL}/editions/2023-05-30/"
    assert atom_times(folder / "feed.atom.xml", "updated")[picked] == EDITIONS["2023-05-30"]
    assert json_times(folder / "feed.json", "date_modified")[picked] == EDITIONS["2023-05-30"]
    # ... and an edition whose story came later that day was updated then.
    assert atom_times(folder / "feed.atom.xml", "updated")[f"{SITEURL}/editions/2023-05-31/"] == (
        "2023-05-31T18:30:00-04:00"
    )


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_the_editions_feed_lists_the_newest_day_first_and_readers_sorting_by_date_agree(dated, fmt):
    data = dated.output / "editions" / f"feed.{feeds.FILE_NAMES[fmt]}"
    if fmt == "json":
        items = json.loads(data.read_text())["items"]
        listed = [(item["url"], instant(item["date_published"])) for item in items]
    else:
        parsed = feedparser.parse(data.read_bytes())
        listed = [(entry.link, calendar.timegm(entry.published_parsed)) for entry in parsed.entries]
    days = [f"{SITEURL}/editions/{day}/" for day in EDITIONS]
    assert [link for link, _ in listed] == days
    by_date = sorted(listed, key=lambda pair: pair[1], reverse=True)  # as a reader sorts them
    assert [link for link, _ in by_date] == days


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_newsboat_sorts_the_editions_newest_day_first(dated, tmp_path, fmt):
    require(newsboat is not None, "newsboat is not installed (apt-get install newsboat)")
    stored = newsboat_items(dated.output / f"editions/feed.{fmt}.xml", tmp_path / "editions")
    by_date = [time for _, time in sorted(stored, key=lambda item: item[1], reverse=True)]
    assert by_date == [instant(noon) for noon in EDITIONS.values()]


def test_a_story_dated_by_its_day_is_that_day_at_noon_in_the_sites_zone_in_every_feed(dated):
    for feed in ("feeds/all", "tags/days/feed"):
        rss = {
            item.findtext("title"): item.findtext("pubDate")
            for item in ElementTree.parse(dated.output / f"{feed}.rss.xml").getroot().iter("item")
        }
        atom_root = ElementTree.parse(dated.output / f"{feed}.atom.xml").getroot()
        atom = {
            entry.findtext(f"{ATOM}title"): (entry.findtext(f"{ATOM}published"), entry.findtext(f"{ATOM}updated"))
            for entry in atom_root.findall(f"{ATOM}entry")
        }
        items = {item["title"]: item for item in json.loads((dated.output / f"{feed}.json").read_text())["items"]}
        for title, noon in DAYS_ALONE.items():
            assert rss[title] == rss_time(noon), (feed, title)
            assert atom[title] == (noon, noon), (feed, title)
            assert (items[title]["date_published"], items[title]["date_modified"]) == (noon, noon), (feed, title)
    # A story with a time keeps its own.
    assert json_times(dated.output / "feeds/all.json")[f"{SITEURL}/2023/05/29/monday-story/"] == (
        "2023-05-29T08:00:00-04:00"
    )


def test_pages_show_a_day_alone_without_a_time(dated):
    page = dated.page("2023/03/11/winter-day/")
    assert '<time datetime="2023-03-11"><span data-pagefind-meta="date">March 11, 2023</span></time>' in page
    assert '<meta property="article:published_time" content="2023-03-11">' in page
    (json_ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    data = json.loads(json_ld)
    assert (data["datePublished"], data["dateModified"]) == ("2023-03-11", "2023-03-11")
    assert "12:00 AM" not in page and "T00:00" not in page
    for listing in ("tags/days/", "editions/2023-03-11/", ""):
        shown = dated.page(listing)
        assert '<time datetime="2023-03-11">March 11, 2023</time>' in shown or listing == "", listing
        assert "2023-03-11T00:00" not in shown and "2023-11-05T00:00" not in shown, listing
    # A story with a time still says it.
    timed = dated.page("2023/05/29/monday-story/")
    assert '<meta property="article:published_time" content="2023-05-29T08:00:00-04:00">' in timed
    assert "8:00 AM EDT" in timed


def test_every_feed_of_editions_and_days_alone_has_no_error_in_the_w3c_validator(dated):
    files = sorted(dated.output.rglob("*.xml"))
    files = [path for path in files if path.name.endswith((".rss.xml", ".atom.xml"))]
    assert {path.relative_to(dated.output).as_posix() for path in files} >= {
        "editions/feed.rss.xml",
        "editions/feed.atom.xml",
        "feeds/all.rss.xml",
        "tags/days/feed.atom.xml",
    }
    assert_valid_feeds(files, dated.output)


def test_the_hour_is_a_setting_and_a_clock_change_never_hides_it():
    zone = ZoneInfo(ZONE)
    assert feeds.day_moment(dt.date(2023, 3, 11), zone).isoformat() == "2023-03-11T12:00:00-05:00"
    assert feeds.day_moment(dt.date(2023, 3, 12), zone, 7).isoformat() == "2023-03-12T07:00:00-04:00"
    # 02:00 does not exist on the day the clocks go forward: the same instant, read after the change.
    assert feeds.day_moment(dt.date(2023, 3, 12), zone, 2).isoformat() == "2023-03-12T03:00:00-04:00"
    assert SiteSettings.from_settings({}).feeds.date_only_hour == 12
    assert SiteSettings.from_settings({"DATE_ONLY_HOUR": 6}).feeds.date_only_hour == 6
    with pytest.raises(SettingsError, match="DATE_ONLY_HOUR must be one of"):
        SiteSettings.from_settings({"DATE_ONLY_HOUR": 24})


def test_an_edition_is_never_dated_after_its_newest_story_of_that_day_nor_on_another_day():
    zone = ZoneInfo(ZONE)
    day = dt.date(2023, 5, 30)
    at = dt.datetime.fromisoformat
    assert feeds.edition_moment(day, at("2023-05-30T06:41:00-04:00"), zone) == at("2023-05-30T06:41:00-04:00")
    assert feeds.edition_moment(day, at("2023-05-30T18:30:00-04:00"), zone) == at("2023-05-30T12:00:00-04:00")
    assert feeds.edition_moment(day, at("2017-03-23T09:00:00-04:00"), zone) == at("2023-05-30T12:00:00-04:00")
    # 01:00 UTC on the 31st is still the 30th in the site's zone.
    assert feeds.edition_moment(day, at("2023-05-31T01:00:00+00:00"), zone, 23) == at("2023-05-30T21:00:00-04:00")


def test_the_hour_setting_moves_days_alone_and_editions_in_feeds(tmp_path):
    site = Site(tmp_path)
    site.add_article("winter-day", **STORIES["winter-day"])
    site.build(SITEURL=SITEURL, TIMEZONE=ZONE, DATE_ONLY_HOUR=6)
    story = f"{SITEURL}/2023/03/11/winter-day/"
    assert json_times(site.output / "feeds/all.json") == {story: "2023-03-11T06:00:00-05:00"}
    assert json_times(site.output / "editions/feed.json") == {
        f"{SITEURL}/editions/2023-03-11/": "2023-03-11T06:00:00-05:00"
    }
