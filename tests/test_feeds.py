"""Feeds: no error in the W3C feed validator, JSON feeds by the JSON Feed 1.1 rules, read back
identical by feedparser and by a real feed reader (newsboat) at the right times, the curator's
note first, the editions feed the newsletter, stable across edits and rebuilds."""

import calendar
import datetime as dt
import html
import importlib.util
import json
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import jsonschema
import lxml.etree
import lxml.html
import pytest
from feedgen.feed import FeedGenerator

from newsdigest.site import feeds
from newsdigest.site.feeds import xml_safe

from conftest import SHARED, Site, require, require_shared

SITEURL = "https://digest.example.org"
HOSTILE_TITLE = "Bombs & <script>alert(1)</script> ]]> \u200fمرحبا\u200f 🔥 end"


def shown(detail) -> str:
    """A feedparser text construct as a reader shows it (Atom titles and summaries are HTML)."""
    return html.unescape(detail.value) if detail.type == "text/html" else detail.value


def feed_files(output: Path) -> list[Path]:
    return sorted(
        p for p in output.rglob("*") if p.name in {"all.rss.xml", "all.atom.xml", "feed.rss.xml", "feed.atom.xml"}
    )


def build_sample(site, **overrides):
    site.add_article(
        "older",
        title="Older story",
        tags=["Mali"],
        section="World",
        source="VICE News",
        subtitle="The older standfirst.",
        date="2015-11-20T09:00:00-05:00",
        source_url="https://news.example/older",
        authors=["Jane Doe"],
        image="/images/siege.jpg",
        body="See [the newer one](/2015/11/21/newer-story/) and ![map](/images/map.png).",
    )
    site.add_article(
        "newer",
        title="Newer story",
        tags=["Mali", "Bamako"],
        section="World",
        source="Reuters",
        subtitle="The newer standfirst.",
        date="2015-11-21T17:01:00-05:00",
        body="Newer body.",
    )
    return site.build(SITEURL=SITEURL, **overrides)


def test_every_feed_parses_and_matches_the_stories(site):
    build_sample(site)
    files = feed_files(site.output)
    assert {p.relative_to(site.output).as_posix() for p in files} >= {
        "feeds/all.rss.xml",
        "feeds/all.atom.xml",
        "tags/mali/feed.rss.xml",
        "tags/bamako/feed.atom.xml",
        "sections/world/feed.rss.xml",
        "sources/reuters/feed.atom.xml",
    }
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    site_feed = feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes())
    assert [e.title for e in site_feed.entries] == ["Newer story", "Older story"]  # newest first
    assert [e.link for e in site_feed.entries] == [
        f"{SITEURL}/2015/11/21/newer-story/",
        f"{SITEURL}/2015/11/20/older-story/",
    ]
    newer = site_feed.entries[0]
    assert dt.datetime(*newer.published_parsed[:6]) == dt.datetime(2015, 11, 21, 22, 1)
    assert [t.term for t in newer.tags] == ["Mali", "Bamako"]
    assert newer.summary == "The newer standfirst."
    rss = feedparser.parse((site.output / "feeds/all.rss.xml").read_bytes())
    older = rss.entries[1]
    assert older.author_detail.name == "Jane Doe" or older.get("author") == "Jane Doe"
    assert older.source.href == "https://news.example/older" and older.source.title == "VICE News"
    assert older.enclosures[0].href == f"{SITEURL}/images/siege.jpg"
    assert f'href="{SITEURL}/2015/11/21/newer-story/"' in older.content[0].value
    assert f'src="{SITEURL}/images/map.png"' in older.content[0].value
    mali = feedparser.parse((site.output / "tags/mali/feed.rss.xml").read_bytes())
    assert len(mali.entries) == 2 and mali.feed.link == f"{SITEURL}/tags/mali/"
    assert len(feedparser.parse((site.output / "tags/bamako/feed.rss.xml").read_bytes()).entries) == 1


def test_feed_dates_come_from_the_content_not_the_clock(site):
    build_sample(site)
    atom = feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes())
    assert dt.datetime(*atom.feed.updated_parsed[:6]) == dt.datetime(2015, 11, 21, 22, 1)
    assert (
        "<lastBuildDate>Sat, 21 Nov 2015 17:01:00 -0500</lastBuildDate>"
        in (site.output / "feeds/all.rss.xml").read_text()
    )


def test_json_feed_follows_the_1_1_spec(site):
    build_sample(site)
    for path in sorted(p for p in site.output.rglob("*.json") if p.name in ("all.json", "feed.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert isinstance(document["title"], str) and document["title"]
        for key in ("home_page_url", "feed_url"):
            assert document[key].startswith(SITEURL)
        assert isinstance(document["items"], list) and document["items"]
        for item in document["items"]:
            assert isinstance(item["id"], str) and item["id"]
            assert isinstance(item.get("content_html", item.get("content_text")), str)
            assert item["url"].startswith(SITEURL)
            for key in ("date_published", "date_modified"):
                dt.datetime.fromisoformat(item[key])  # RFC 3339
                assert dt.datetime.fromisoformat(item[key]).tzinfo is not None
            assert all(isinstance(tag, str) for tag in item.get("tags", []))
            assert all(isinstance(author["name"], str) for author in item.get("authors", []))
    site_json = json.loads((site.output / "feeds/all.json").read_text())
    assert [item["title"] for item in site_json["items"]] == ["Newer story", "Older story"]


def test_entry_ids_survive_edits_and_rebuilds_are_byte_identical(site):
    build_sample(site)

    def ids():
        return [e.id for e in feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes()).entries]

    first_ids = ids()
    first_bytes = {p: p.read_bytes() for p in feed_files(site.output)}
    build_sample(site)
    assert {p: p.read_bytes() for p in feed_files(site.output)} == first_bytes
    newer = site.content / "articles/newer.md"
    newer.write_text(
        newer.read_text()
        .replace("title: Newer story", "title: Newer story, corrected")
        .replace("Newer body.", "Newer body, corrected.")
    )
    site.build(SITEURL=SITEURL)
    assert ids() == first_ids


def test_summary_only_feeds_carry_the_note_and_standfirst_but_no_story(site):
    site.add_article(
        "noted",
        title="Noted story",
        subtitle="The noted standfirst.",
        note="Why we picked it.",
        date="2015-11-22T09:00:00-05:00",
        body="The noted body.",
    )
    build_sample(site, FEED_SUMMARY_ONLY=True)
    for name in ("feeds/all.rss.xml", "feeds/all.atom.xml"):
        parsed = feedparser.parse((site.output / name).read_bytes())
        noted, newer = parsed.entries[0], parsed.entries[1]
        assert noted.content[0].value == (
            "<p><strong>Why it matters:</strong> Why we picked it.</p>\n<p><em>The noted standfirst.</em></p>"
        )
        assert html.unescape(noted.summary) == "Why we picked it." and newer.summary == "The newer standfirst."
        assert newer.content[0].value == "<p><em>The newer standfirst.</em></p>"
        assert not any("body" in entry.content[0].value for entry in parsed.entries)
    assert "body" not in (site.output / "feeds/all.json").read_text()
    edition = feedparser.parse((site.output / "editions/feed.atom.xml").read_bytes()).entries[0]
    assert "Why we picked it." in edition.content[0].value  # the editions feed is the newsletter still


def test_item_limit(site):
    for number in range(7):
        site.add_article(f"s{number}", title=f"Story {number}", date=f"2015-11-{10 + number}T10:00:00Z")
    site.build(SITEURL=SITEURL, FEED_MAX_ITEMS=3)
    parsed = feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["Story 6", "Story 5", "Story 4"]


def test_websub_hub_in_rss_atom_and_json(site):
    build_sample(site, FEED_WEBSUB_HUB="https://hub.example/")
    rss = ElementTree.parse(site.output / "feeds/all.rss.xml").getroot()
    atom_link = "{http://www.w3.org/2005/Atom}link"
    assert [link.get("rel") for link in rss.find("channel").findall(atom_link)] == ["self", "hub"]
    atom = feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes())
    assert {link.rel: link.href for link in atom.feed.links}["hub"] == "https://hub.example/"
    assert json.loads((site.output / "feeds/all.json").read_text())["hubs"] == [
        {"type": "WebSub", "url": "https://hub.example/"}
    ]


def test_hostile_text_reads_back_identical(site):
    site.add_article(
        "hostile",
        title=HOSTILE_TITLE + "\x07",
        tags=["<b>bold</b> & co"],
        subtitle="Standfirst with ]]> and </script> and \x1b escape",
        body="Body with ]]> & <em>emphasis</em> 🔥 \u200f.",
    )
    site.build(SITEURL=SITEURL)
    for name in ("feeds/all.rss.xml", "feeds/all.atom.xml"):
        parsed = feedparser.parse((site.output / name).read_bytes())
        assert not parsed.bozo
        entry = parsed.entries[0]
        assert shown(entry.title_detail) == HOSTILE_TITLE
        summary = html.unescape(entry.summary)  # HTML in RSS and (type="html") in Atom
        assert summary == "Standfirst with ]]> and </script> and  escape"
        assert "<script" not in entry.content[0].value
        assert "]]&gt;" in entry.content[0].value and "🔥" in entry.content[0].value
    item = json.loads((site.output / "feeds/all.json").read_text())["items"][0]
    assert item["title"] == HOSTILE_TITLE and item["tags"] == ["<b>bold</b> & co"]


def test_feed_page_opml_and_discovery(site):
    build_sample(site)
    opml = ElementTree.parse(site.output / "feeds/feeds.opml").getroot()
    urls = [outline.get("xmlUrl") for outline in opml.iter("outline")]
    assert urls[0] == f"{SITEURL}/feeds/all.rss.xml" and f"{SITEURL}/tags/mali/feed.rss.xml" in urls
    for url in urls:
        assert (site.output / url.removeprefix(SITEURL + "/")).is_file()
    listing = site.page("feeds/")
    assert 'href="https://digest.example.org/tags/bamako/feed.json"' in listing
    head = site.page("").split("</head>")[0]
    assert f'type="application/rss+xml" title="The Daily Digest (RSS)" href="{SITEURL}/feeds/all.rss.xml"' in head
    term_head = site.page("tags/mali/").split("</head>")[0]
    assert f'href="{SITEURL}/tags/mali/feed.atom.xml"' in term_head


def test_no_pelican_feed_is_written(site, tmp_path):
    build_sample(site)
    xml_files = [
        p
        for p in site.output.rglob("*")
        if (p.suffix in {".xml", ".json"} or p.name.endswith(".opml"))
        and "pagefind" not in p.relative_to(site.output).parts
    ]
    for path in xml_files:
        assert path.name in {
            "all.rss.xml",
            "all.atom.xml",
            "all.json",
            "feed.rss.xml",
            "feed.atom.xml",
            "feed.json",
            "feeds.opml",
            "sitemap.xml",
            "news-sitemap.xml",
        }, path
        if path.suffix == ".xml" and "sitemap" not in path.name:
            assert b"<generator>newsdigest</generator>" in path.read_bytes(), path


def test_term_feeds_can_be_limited_to_some_kinds(site):
    build_sample(site, FEED_KINDS=["sections"])
    assert (site.output / "sections/world/feed.rss.xml").is_file()
    assert not list((site.output / "tags").rglob("feed.*")) and not list((site.output / "sources").rglob("feed.*"))
    assert "feed.rss.xml" not in site.page("tags/mali/")
    for url in [o.get("xmlUrl") for o in ElementTree.parse(site.output / "feeds/feeds.opml").getroot().iter("outline")]:
        assert (site.output / url.removeprefix(SITEURL + "/")).is_file()


# -- A site with every kind of story, checked by the W3C validator and real readers -----------

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DC = "{http://purl.org/dc/elements/1.1/}"
FEEDVALIDATE = SHARED / "tools" / "feedvalidate.py"
JSON_FEED_SCHEMA = Path(__file__).parent / "jsonfeed-1.1.schema.json"
# An hour ago, with a fraction of a second, in a zone with a half-hour offset.
FRESH = (dt.datetime.now(dt.timezone(dt.timedelta(hours=5, minutes=30))) - dt.timedelta(hours=1)).isoformat()
STORIES = {
    "lead": dict(
        title="Mali hunts suspects after hotel siege",
        featured=True,
        subtitle="Officials said more than three suspects are at large.",
        date="2015-11-21T17:01:00-05:00",
        source="VICE News",
        source_url="https://news.example/mali-siege",
        authors=["Jane Doe", "John Roe"],
        note="The first attack of its kind in Bamako.",
        image="/images/siege.jpg",
        image_alt="Soldiers outside the hotel",
        tags=["Mali", "Bamako"],
        section="World",
        body="See [the wire copy](/2023/06/07/wire-copy/) and ![map](/images/map.png).",
    ),
    "wire": dict(
        title="Wire copy",
        subtitle="Agencies report.",
        date="2023-06-07T16:54:26.829000-04:00",
        source="Reuters",
        note="Times with a fraction of a second.",
        tags=["Mali"],
        section="World",
        body="Wire body.",
    ),
    "bare": dict(
        title="A story with nothing but a body",
        date="2015-11-21T10:00:00-05:00",
        tags=["Mali"],
        body="Just the words of the story, with no standfirst and no byline.",
    ),
    "french": dict(
        title="Le Mali décrète l'état d'urgence",
        lang="fr",
        date="2015-11-21T11:00:00+01:00",
        subtitle="Le gouvernement annonce dix jours d'état d'urgence.",
        source="Le Monde",
        source_url="https://lemonde.example/mali",
        note="The French press calls it a turning point.",
        tags=["Mali"],
        section="World",
        body="Le corps du texte.",
    ),
    "hostile": dict(
        title=HOSTILE_TITLE + "\x07",
        subtitle="Standfirst with ]]> and </script> and \x1b escape",
        source="Evil <b>Corp</b>",
        authors=["<i>Mallory</i>"],
        note="<script>alert(2)</script> & a note",
        tags=["<b>bold</b> & co"],
        section="World",
        date="2015-11-21T12:00:00-05:00",
        body="Body with ]]> & <em>emphasis</em> 🔥 \u200f. <script>alert(3)</script>",
    ),
    "archive": dict(
        title="The Wall is open",
        subtitle="East Germans cross freely for the first time since 1961.",
        date="1989-11-09T18:53:00+01:00",
        source="Archive",
        authors=["Old Hand"],
        tags=["Berlin"],
        section="Europe",
        body="From the archive.",
    ),
    "fresh": dict(
        title="A story from an hour ago",
        subtitle="Just in.",
        date=FRESH,
        source="The Hindu",
        tags=["Mali"],
        section="World",
        body="Fresh body.",
    ),
}
SHOWN_TITLES = {name: HOSTILE_TITLE if name == "hostile" else story["title"] for name, story in STORIES.items()}


def instant(text: str) -> int:
    """The UTC instant of an ISO 8601 time, in whole seconds."""
    return int(dt.datetime.fromisoformat(text).replace(microsecond=0).timestamp())


def every_story_site(root: Path, **settings) -> Site:
    site = Site(root)
    for name, story in STORIES.items():
        site.add_article(name, **story)
    site.write("editions/2015-11-21.md", "---\ntitle: Mali under siege\n---\nWhat we watched today.\n")
    site.build(SITEURL=SITEURL, **settings)
    return site


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    return every_story_site(tmp_path_factory.mktemp("every-story"))


@pytest.mark.parametrize(
    "settings",
    [{}, {"FEED_SUMMARY_ONLY": True, "FEED_WEBSUB_HUB": "https://hub.example/"}],
    ids=["full-text", "summaries-and-websub"],
)
def test_every_feed_has_no_error_in_the_w3c_validator(everything, tmp_path, settings):
    if settings:
        everything = every_story_site(tmp_path, **settings)
    files = feed_files(everything.output)
    terms = [
        page.parent.relative_to(everything.output).as_posix()
        for kind in ("tags", "sections", "sources")
        for page in (everything.output / kind).glob("*/index.html")
    ]
    assert len(terms) >= 10
    expected = {"feeds/all", "editions/feed", *(f"{term}/feed" for term in terms)}
    assert {p.relative_to(everything.output).as_posix().rsplit(".", 2)[0] for p in files} == expected
    assert len(files) == 2 * len(expected)
    assert_valid_feeds(files, everything.output)


def assert_valid_feeds(files, output) -> None:
    """Every feed file in `files` (under the built site `output`) has no error and no warning a
    reader would notice in the W3C validator."""
    validate = load_feed_validator().validate
    for path in files:
        relative = path.relative_to(output).as_posix()
        errors, events = validate(str(path), f"{SITEURL}/{relative}")
        assert not errors, f"{relative}: {[(type(e).__name__, e.params) for e in errors]}"
        noticed = [(type(event).__name__, event.params) for event in events if not expected_warning(event)]
        assert not noticed, f"{relative}: {noticed}"


def load_feed_validator():
    """The W3C validator as ../shared/tools/feedvalidate.py runs it (its `validate`)."""
    require_shared(FEEDVALIDATE)
    require(importlib.util.find_spec("html5lib") is not None, "the validator needs html5lib (in the test extra)")
    spec = importlib.util.spec_from_file_location("feedvalidate", FEEDVALIDATE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def expected_warning(event) -> bool:
    """Warnings no reader notices: the 1989 story is older than the validator's 1990 cut-off,
    and the hostile headline, tag, source and byline literally hold "</script>", "</b>", "</i>"
    (RSS has no way to say a title is text; Atom names are text only)."""
    name = type(event).__name__
    if name == "ImplausibleDate":
        return "1989" in event.params["value"]
    if name in ("ContainsHTML", "ContainsUndeclaredHTML"):
        return event.params["value"] in ("script", "b", "i")
    return False


def test_readers_parse_every_feed_and_json_feeds_follow_the_1_1_rules(everything):
    validator = jsonschema.Draft202012Validator(json.loads(JSON_FEED_SCHEMA.read_text()))
    for path in feed_files(everything.output):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        document = json.loads(path.with_name(path.name.rsplit(".", 2)[0] + ".json").read_text(encoding="utf-8"))
        assert not [error.message for error in validator.iter_errors(document)], path
        assert [item["id"] for item in document["items"]] == [entry.id for entry in parsed.entries]
    assert len(json.loads((everything.output / "feeds/all.json").read_text())["items"]) == len(STORIES)


def test_entries_are_by_their_authors_else_their_source_and_feeds_by_the_site(everything):
    atom = ElementTree.parse(everything.output / "feeds/all.atom.xml").getroot()
    assert [(a.findtext(f"{ATOM}name"), a.findtext(f"{ATOM}uri")) for a in atom.findall(f"{ATOM}author")] == [
        ("The Daily Digest", f"{SITEURL}/")
    ]
    by_title = {html.unescape(entry.findtext(f"{ATOM}title")): entry for entry in atom.findall(f"{ATOM}entry")}

    def authors(name):
        return [
            (a.findtext(f"{ATOM}name"), a.findtext(f"{ATOM}uri"))
            for a in by_title[SHOWN_TITLES[name]].findall(f"{ATOM}author")
        ]

    assert authors("lead") == [("Jane Doe", None), ("John Roe", None)]
    assert authors("wire") == [("Reuters", f"{SITEURL}/sources/reuters/")]
    assert authors("bare") == []  # the feed's author, the site, applies
    assert (everything.output / "sources/reuters/index.html").is_file()
    rss = ElementTree.parse(everything.output / "feeds/all.rss.xml").getroot()
    creators = {item.findtext("title"): [c.text for c in item.findall(f"{DC}creator")] for item in rss.iter("item")}
    assert creators[SHOWN_TITLES["lead"]] == ["Jane Doe, John Roe"] and creators["Wire copy"] == ["Reuters"]
    assert creators[SHOWN_TITLES["bare"]] == []
    assert rss.find("channel").findtext(f"{DC}publisher") == "The Daily Digest"
    document = json.loads((everything.output / "feeds/all.json").read_text())
    assert document["authors"] == [{"name": "The Daily Digest", "url": f"{SITEURL}/"}]
    items = {item["title"]: item for item in document["items"]}
    assert items["Wire copy"]["authors"] == [{"name": "Reuters", "url": f"{SITEURL}/sources/reuters/"}]
    assert items[SHOWN_TITLES["lead"]]["authors"] == [{"name": "Jane Doe"}, {"name": "John Roe"}]
    assert "authors" not in items[SHOWN_TITLES["bare"]]


ATOM_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
RSS_TIME = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d\d:\d\d:\d\d [+-]\d{4}"
)


def test_every_time_is_whole_seconds_with_its_offset_and_the_right_instant(everything):
    for path in feed_files(everything.output):
        root = ElementTree.parse(path).getroot()
        if path.name.endswith(".atom.xml"):
            times = [e.text for e in root.iter() if e.tag in (f"{ATOM}updated", f"{ATOM}published")]
            assert times and all(ATOM_TIME.fullmatch(text) for text in times), (path, times)
        else:
            times = [e.text for e in root.iter() if e.tag in ("pubDate", "lastBuildDate")]
            assert times and all(RSS_TIME.fullmatch(text) for text in times), (path, times)
        json_feed = json.loads(path.with_name(path.name.rsplit(".", 2)[0] + ".json").read_text())
        for item in json_feed["items"]:
            assert ATOM_TIME.fullmatch(item["date_published"]) and ATOM_TIME.fullmatch(item["date_modified"])
    expected = {SHOWN_TITLES[name]: instant(story["date"]) for name, story in STORIES.items()}
    for name in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        parsed = feedparser.parse((everything.output / name).read_bytes())
        assert {shown(e.title_detail): calendar.timegm(e.published_parsed) for e in parsed.entries} == expected
    items = json.loads((everything.output / "feeds/all.json").read_text())["items"]
    assert {item["title"]: instant(item["date_published"]) for item in items} == expected


def test_each_entry_opens_with_the_curators_note_then_the_standfirst(everything):
    lead = STORIES["lead"]
    note = f"<p><strong>Why it matters:</strong> {lead['note']}</p>"
    standfirst = f"<p><em>{lead['subtitle']}</em></p>"
    for name in ("feeds/all.atom.xml", "feeds/all.rss.xml"):
        entries = {shown(e.title_detail): e for e in feedparser.parse((everything.output / name).read_bytes()).entries}
        content = entries[lead["title"]].content[0].value
        assert content.startswith(f'{note}\n{standfirst}\n<p>See <a href="{SITEURL}/2023/06/07/wire-copy/"'), content
        assert html.unescape(entries[lead["title"]].summary) == lead["note"]
        hostile = entries[HOSTILE_TITLE]
        assert html.unescape(hostile.summary) == STORIES["hostile"]["note"]
        assert hostile.content[0].value.startswith(
            "<p><strong>Why it matters:</strong> &lt;script&gt;alert(2)&lt;/script&gt; &amp; a note</p>"
        )
        archive = entries["The Wall is open"]  # no note: the standfirst leads and summarises
        assert archive.content[0].value.startswith(f"<p><em>{STORIES['archive']['subtitle']}</em></p>\n<p>From")
        assert html.unescape(archive.summary) == STORIES["archive"]["subtitle"]
        bare = entries[STORIES["bare"]["title"]]  # neither: the story's opening words summarise it
        assert bare.content[0].value.startswith("<p>Just the words")
        assert html.unescape(bare.summary) == STORIES["bare"]["body"]
    items = {item["title"]: item for item in json.loads((everything.output / "feeds/all.json").read_text())["items"]}
    assert items[lead["title"]]["summary"] == lead["note"] and items[lead["title"]]["content_html"].startswith(note)


def text_of(fragment: str) -> str:
    return " ".join(lxml.html.fromstring(f"<div>{fragment}</div>").text_content().split())


def links_of(fragment: str) -> list[str]:
    return lxml.html.fromstring(f"<div>{fragment}</div>").xpath("//a/@href")


def test_the_editions_feed_carries_each_edition_as_its_newsletter(everything):
    atom = feedparser.parse((everything.output / "editions/feed.atom.xml").read_bytes())
    rss = feedparser.parse((everything.output / "editions/feed.rss.xml").read_bytes())
    items = json.loads((everything.output / "editions/feed.json").read_text())["items"]
    editions = sorted(p.parent.name for p in everything.output.glob("editions/*/email.html"))
    assert [e.link for e in atom.entries] == [f"{SITEURL}/editions/{day}/" for day in reversed(editions)]
    for atom_entry, rss_entry, item in zip(atom.entries, rss.entries, items, strict=True):
        email = lxml.html.parse(everything.output / atom_entry.link.removeprefix(SITEURL + "/") / "email.html")
        body = email.getroot().body
        content = atom_entry.content[0].value
        assert text_of(content) == " ".join(xml_safe(body.text_content()).split())  # XML holds no \x1b
        assert links_of(content) == body.xpath(".//a/@href") and all(u.startswith(SITEURL) for u in links_of(content))
        assert rss_entry.content[0].value == content  # both as feedparser reads them
        assert text_of(item["content_html"]) == text_of(content) and links_of(item["content_html"]) == links_of(content)
        assert "style=" not in content and "<table" not in content  # a reader lays it out in its own colours
    siege = next(e for e in atom.entries if e.link.endswith("/2015-11-21/"))
    assert siege.title == "Mali under siege"
    text = text_of(siege.content[0].value)
    for name in ("lead", "bare", "french", "hostile"):
        assert SHOWN_TITLES[name] in text
    for story in (STORIES["lead"], STORIES["french"]):
        assert f"Why it matters: {story['note']}" in text and story["subtitle"] in text and story["source"] in text
    assert text.index(STORIES["lead"]["title"]) < text.index(STORIES["french"]["title"])  # the lead first
    assert calendar.timegm(siege.published_parsed) == instant("2015-11-21T12:00:00-05:00")  # its day, at noon


def test_feeds_say_the_site_language_and_each_story_its_own(everything):
    atom = ElementTree.parse(everything.output / "feeds/all.atom.xml").getroot()
    assert atom.get(XML_LANG) == "en"
    languages = {html.unescape(e.findtext(f"{ATOM}title")): e.get(XML_LANG) for e in atom.findall(f"{ATOM}entry")}
    french = STORIES["french"]["title"]
    assert languages.pop(french) == "fr" and set(languages.values()) == {None}
    content = next(e for e in atom.findall(f"{ATOM}entry") if e.get(XML_LANG) == "fr").findtext(f"{ATOM}content")
    assert content.startswith('<p lang="en"><strong>Why it matters:</strong>')  # the curator writes in English
    rss = ElementTree.parse(everything.output / "feeds/all.rss.xml").getroot()
    assert rss.find("channel").findtext("language") == "en"
    assert {item.findtext("title"): item.findtext(f"{DC}language") for item in rss.iter("item")}[french] == "fr"
    assert sum(item.find(f"{DC}language") is not None for item in rss.iter("item")) == 1
    document = json.loads((everything.output / "feeds/all.json").read_text())
    assert document["language"] == "en"
    assert {item["title"]: item.get("language") for item in document["items"]}[french] == "fr"


newsboat = shutil.which("newsboat")


def newsboat_items(feed: Path, folder: Path) -> list[tuple[str, int]]:
    """(title, publication time) of every item newsboat stores from `feed`, in its own cache;
    fails on anything in newsboat's error log."""
    folder.mkdir()
    urls, config, cache, errors = (folder / name for name in ("urls", "config", "cache.db", "errors.log"))
    urls.write_text(f"file://{feed}\n")
    config.write_text(f'error-log "{errors}"\n')
    # newsboat always exits 0: what it stored in its cache and its error log tell whether it worked.
    subprocess.run(
        [newsboat, "-u", str(urls), "-c", str(cache), "-C", str(config), "-x", "reload"],
        capture_output=True,
        timeout=60,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    assert not errors.exists() or errors.read_text().strip() == "", errors.read_text()
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT title FROM rss_feed").fetchone()[0]
        return sorted(db.execute("SELECT title, pubDate FROM rss_item").fetchall())


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_newsboat_loads_every_item_at_the_right_time(everything, tmp_path, fmt):
    require(newsboat is not None, "newsboat is not installed (apt-get install newsboat)")

    def expected(names):
        return sorted((SHOWN_TITLES[name], instant(STORIES[name]["date"])) for name in names)

    assert newsboat_items(everything.output / f"feeds/all.{fmt}.xml", tmp_path / "all") == expected(STORIES)
    mali = [name for name, story in STORIES.items() if "Mali" in story["tags"]]
    assert newsboat_items(everything.output / f"tags/mali/feed.{fmt}.xml", tmp_path / "mali") == expected(mali)
    editions = newsboat_items(everything.output / f"editions/feed.{fmt}.xml", tmp_path / "editions")
    zone = ZoneInfo("America/New_York")
    newest_by_day: dict[dt.date, dt.datetime] = {}
    for story in STORIES.values():
        moment = dt.datetime.fromisoformat(story["date"]).replace(microsecond=0)
        day = moment.astimezone(zone).date()
        newest_by_day[day] = max(newest_by_day.get(day, moment), moment)
    # Each edition is dated by its own day (noon, or its newest story when that came out earlier that day).
    by_day = {day: int(feeds.edition_moment(day, newest, zone).timestamp()) for day, newest in newest_by_day.items()}
    assert sorted(time for _, time in editions) == sorted(by_day.values())
    assert ("Mali under siege", instant("2015-11-21T12:00:00-05:00")) in editions


def test_updated_moves_only_when_the_story_says_it_changed(site):
    build_sample(site)

    def updated(name):
        parsed = feedparser.parse((site.output / name).read_bytes())
        return calendar.timegm(parsed.feed.updated_parsed), {
            e.title: calendar.timegm(e.updated_parsed) for e in parsed.entries
        }

    before = updated("feeds/all.atom.xml")
    newer = site.content / "articles/newer.md"
    newer.write_text(
        newer.read_text()
        .replace("Newer body.", "Newer body, corrected.")
        .replace("title: Newer story", "note: A note added later.\ntitle: Newer story")
    )
    site.build(SITEURL=SITEURL)
    assert updated("feeds/all.atom.xml") == before  # an edit alone is not an update readers are told of
    edition = feedparser.parse((site.output / "editions/feed.atom.xml").read_bytes()).entries[0]
    assert "A note added later." in edition.content[0].value  # but the newsletter entry shows the note
    newer.write_text(
        newer.read_text().replace("title: Newer story", "modified: 2015-11-22T08:30:00.5-05:00\ntitle: Newer story")
    )
    site.build(SITEURL=SITEURL)
    corrected = instant("2015-11-22T08:30:00-05:00")
    feed_updated, entries = updated("feeds/all.atom.xml")
    assert feed_updated == corrected and entries == {**before[1], "Newer story": corrected}
    assert "<updated>2015-11-22T08:30:00-05:00</updated>" in (site.output / "feeds/all.atom.xml").read_text()
    edition = feedparser.parse((site.output / "editions/feed.atom.xml").read_bytes()).entries[0]
    assert calendar.timegm(edition.updated_parsed) == corrected
    assert calendar.timegm(edition.published_parsed) == instant("2015-11-21T12:00:00-05:00")  # its own day


# -- The plain functions behind them ----------------------------------------------------------


def test_times_lose_their_fraction_never_their_offset():
    moment = dt.datetime.fromisoformat("2023-06-07T16:54:26.829000-04:00")
    assert feeds.whole_seconds(moment).isoformat() == "2023-06-07T16:54:26-04:00"
    with pytest.raises(ValueError, match="no UTC offset"):
        feeds.whole_seconds(dt.datetime(2023, 6, 7, 16, 54))


def test_who_an_entry_is_by():
    assert feeds.credited(["Jane Doe", "John Roe"], "VICE News", "https://d.example/sources/vice-news/") == (
        feeds.Person("Jane Doe"),
        feeds.Person("John Roe"),
    )
    assert feeds.credited([], "VICE News", "https://d.example/sources/vice-news/") == (
        feeds.Person("VICE News", "https://d.example/sources/vice-news/"),
    )
    assert feeds.credited([], "", "") == ()


def test_language_tags_are_checked():
    assert [feeds.language_tag(v) for v in ("fr", " pt-BR ", "zh-Hant-TW")] == ["fr", "pt-BR", "zh-Hant-TW"]
    assert [feeds.language_tag(v) for v in ("", None, "en<script>", "français", "e")] == [""] * 5


def test_a_newsletter_page_becomes_entry_content_a_reader_lays_out():
    page = """<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body style="margin:0">
    <table role="presentation" style="width:100%"><tr><td style="padding:0">
      <table role="presentation" style="max-width:600px"><tbody><tr><td>
        <h2 style="text-transform:uppercase">World</h2>
        <h3><a href="/2015/11/21/story/" style="color:#0b57a4">Story</a></h3>
        <p style="font-style:italic"><strong>Why it matters:</strong> A note.</p>
        <p style="margin:0"></p>
        <table><tr><td>a data cell</td></tr></table>
      </td></tr></tbody></table>
    </td></tr></table></body></html>"""
    fragment = feeds.page_body_html(page, "https://d.example/editions/2015-11-21/")
    tree = lxml.html.fromstring(f"<div>{fragment}</div>")
    assert [child.tag for child in tree] == ["h2", "h3", "p", "table"]
    assert tree.xpath("//a/@href") == ["https://d.example/2015/11/21/story/"]
    assert not tree.xpath("//@style | //@role") and tree.xpath("string(//td)") == "a data cell"
    assert text_of(fragment) == "World Story Why it matters: A note. a data cell"


def _story(number: int, **fields) -> feeds.Entry:
    moment = dt.datetime(2015, 11, 21, 12, number, tzinfo=dt.UTC)
    return feeds.Entry(
        id=f"tag:d.example,2015-11-21:articles/story-{number}.md",
        title=f"Story {number} </b> & co",
        link=f"https://d.example/2015/11/21/story-{number}/",
        published=moment,
        updated=moment,
        authors=(feeds.Person("Jane Doe"),),
        categories=("Mali", "Bamako"),
        note=f"Why story {number} matters.",
        standfirst="A standfirst.",
        body_html=f"<p>Body of story {number}, é &amp; more.</p>\n<p>Second paragraph.</p>",
        source_name="Reuters",
        source_url="https://news.example/story",
        image_url="https://d.example/images/map.png",
        **fields,
    )


def _feed(entries, language="en", note_label="Why it matters", hub_url=None) -> feeds.Feed:
    return feeds.Feed(
        title="Mali · Digest",
        home_url="https://d.example/tags/mali/",
        self_urls={fmt: f"https://d.example/tags/mali/feed.{feeds.FILE_NAMES[fmt]}" for fmt in feeds.FORMATS},
        description="Tag: Mali",
        author=feeds.Person("Digest", "https://d.example/"),
        language=language,
        hub_url=hub_url,
        entries=tuple(entries),
        note_label=note_label,
    )


def _laid_out_whole(fmt: str, data: bytes) -> bytes:
    """The document parsed, stripped of its layout and serialised again in one piece."""
    if fmt == "json":
        return (json.dumps(json.loads(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    tree = lxml.etree.fromstring(data, lxml.etree.XMLParser(remove_blank_text=True))
    return lxml.etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def test_feeds_sharing_stories_serialise_each_entry_once_and_read_as_if_written_whole(monkeypatch):
    built = []
    add_entry = FeedGenerator.add_entry
    monkeypatch.setattr(FeedGenerator, "add_entry", lambda self, *a, **k: built.append(1) or add_entry(self, *a, **k))
    stories = [_story(0, language="fr"), *(_story(number) for number in range(1, 5))]
    site_feed = _feed(stories, hub_url="https://hub.example/")
    tag_feed = _feed(stories[1:4])
    french_feed = _feed(stories[:2], language="fr")
    relabelled_feed = _feed(stories[3:], note_label="Pourquoi c'est important")
    all_feeds = (site_feed, tag_feed, french_feed, relabelled_feed, _feed([]))
    serialised = feeds.SerialisedEntries()
    written = [feeds.render_all(feed, serialised) for feed in all_feeds]

    # feedgen built each story's RSS item and Atom entry once per feed language and note label
    assert len(built) == 2 * (len(stories) + len(french_feed.entries) + len(relabelled_feed.entries))
    for feed, files in zip(all_feeds, written, strict=True):
        assert files == feeds.render_all(feed)  # as when the feed is the only one written
        for fmt, data in files.items():
            assert data == _laid_out_whole(fmt, data), fmt
            if fmt == "json":
                items = json.loads(data)["items"]
                assert [item["id"] for item in items] == [entry.id for entry in feed.entries]
                contents = [item["content_html"] for item in items]
            else:
                parsed = feedparser.parse(data)
                assert not parsed.bozo, (fmt, parsed.bozo_exception)
                assert [entry.id for entry in parsed.entries] == [entry.id for entry in feed.entries]
                contents = [entry.content[0].value for entry in parsed.entries]
            for entry, content in zip(feed.entries, contents, strict=True):
                assert f"{feed.note_label}:</strong> {entry.note}" in content
                # a French story's note is marked English in an English feed, and only there
                assert ('<p lang="en">' in content) == (entry.language == "fr" and feed.language == "en")
