"""Feeds: well-formed in every format, read back identical by feedparser and by a real
feed reader (newsboat), stable across edits and rebuilds."""

import datetime as dt
import html
import json
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import feedparser
import pytest

SITEURL = "https://digest.example.org"
HOSTILE_TITLE = "Bombs & <script>alert(1)</script> ]]> \u200fمرحبا\u200f 🔥 end"


def feed_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*") if p.name in {"all.rss.xml", "all.atom.xml", "feed.rss.xml", "feed.atom.xml"})


def build_sample(site, **overrides):
    site.add_article("older", title="Older story", tags=["Mali"], section="World", source="VICE News",
                     subtitle="The older standfirst.", date="2015-11-20T09:00:00-05:00",
                     source_url="https://news.example/older", authors=["Jane Doe"], image="/images/siege.jpg",
                     body='See [the newer one](/2015/11/21/newer-story/) and ![map](/images/map.png).')
    site.add_article("newer", title="Newer story", tags=["Mali", "Bamako"], section="World", source="Reuters",
                     subtitle="The newer standfirst.", date="2015-11-21T17:01:00-05:00", body="Newer body.")
    return site.build(SITEURL=SITEURL, **overrides)


def test_every_feed_parses_and_matches_the_stories(site):
    build_sample(site)
    files = feed_files(site.output)
    assert {p.relative_to(site.output).as_posix() for p in files} >= {
        "feeds/all.rss.xml", "feeds/all.atom.xml", "tags/mali/feed.rss.xml", "tags/bamako/feed.atom.xml",
        "sections/world/feed.rss.xml", "sources/reuters/feed.atom.xml"}
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    site_feed = feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes())
    assert [e.title for e in site_feed.entries] == ["Newer story", "Older story"]  # newest first
    assert [e.link for e in site_feed.entries] == [f"{SITEURL}/2015/11/21/newer-story/", f"{SITEURL}/2015/11/20/older-story/"]
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
    assert "<lastBuildDate>Sat, 21 Nov 2015 17:01:00 -0500</lastBuildDate>" in (site.output / "feeds/all.rss.xml").read_text()


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
    newer.write_text(newer.read_text().replace("title: Newer story", "title: Newer story, corrected")
                     .replace("Newer body.", "Newer body, corrected."))
    site.build(SITEURL=SITEURL)
    assert ids() == first_ids


def test_summary_only_feeds_carry_no_full_text(site):
    build_sample(site, FEED_SUMMARY_ONLY=True)
    for name in ("feeds/all.rss.xml", "feeds/all.atom.xml"):
        parsed = feedparser.parse((site.output / name).read_bytes())
        assert all("content" not in entry for entry in parsed.entries)
        assert parsed.entries[0].summary == "The newer standfirst."
    assert "content_html" not in (site.output / "feeds/all.json").read_text()


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
    assert [l.get("rel") for l in rss.find("channel").findall(atom_link)] == ["self", "hub"]
    atom = feedparser.parse((site.output / "feeds/all.atom.xml").read_bytes())
    assert {l.rel: l.href for l in atom.feed.links}["hub"] == "https://hub.example/"
    assert json.loads((site.output / "feeds/all.json").read_text())["hubs"] == [{"type": "WebSub", "url": "https://hub.example/"}]


def test_hostile_text_reads_back_identical(site):
    site.add_article("hostile", title=HOSTILE_TITLE + "\x07", tags=["<b>bold</b> & co"],
                     subtitle="Standfirst with ]]> and </script> and \x1b escape",
                     body="Body with ]]> & <em>emphasis</em> 🔥 \u200f.")
    site.build(SITEURL=SITEURL)
    for name in ("feeds/all.rss.xml", "feeds/all.atom.xml"):
        parsed = feedparser.parse((site.output / name).read_bytes())
        assert not parsed.bozo
        entry = parsed.entries[0]
        assert entry.title == HOSTILE_TITLE
        summary = html.unescape(entry.summary) if name.endswith("rss.xml") else entry.summary  # RSS: HTML
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
    xml_files = [p for p in site.output.rglob("*") if (p.suffix in {".xml", ".json"} or p.name.endswith(".opml"))
                 and "pagefind" not in p.relative_to(site.output).parts]
    for path in xml_files:
        assert path.name in {"all.rss.xml", "all.atom.xml", "all.json", "feed.rss.xml", "feed.atom.xml", "feed.json",
                             "feeds.opml", "sitemap.xml", "news-sitemap.xml"}, path
        if path.suffix == ".xml" and "sitemap" not in path.name:
            assert b"<generator>newsdigest</generator>" in path.read_bytes(), path


newsboat = shutil.which("newsboat")


@pytest.mark.skipif(newsboat is None, reason="newsboat is not installed (apt-get install newsboat; .ci/run installs it)")
@pytest.mark.parametrize("name", ["feeds/all.rss.xml", "feeds/all.atom.xml", "tags/mali/feed.rss.xml"])
def test_newsboat_loads_the_feed(site, tmp_path, name):
    build_sample(site)
    urls, config = tmp_path / "urls", tmp_path / "config"
    cache, errors = tmp_path / "cache.db", tmp_path / "errors.log"
    urls.write_text(f"file://{site.output / name}\n")
    config.write_text(f'error-log "{errors}"\n')
    # newsboat always exits 0: what it stored in its cache and its error log tell whether it worked.
    subprocess.run([newsboat, "-u", str(urls), "-c", str(cache), "-C", str(config), "-x", "reload"],
                   capture_output=True, timeout=60, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert not errors.exists() or errors.read_text().strip() == ""
    with sqlite3.connect(cache) as db:
        rows = db.execute("SELECT title, url FROM rss_item ORDER BY pubDate DESC").fetchall()
        feed_titles = db.execute("SELECT title FROM rss_feed").fetchall()
    expected = [("Newer story", f"{SITEURL}/2015/11/21/newer-story/"), ("Older story", f"{SITEURL}/2015/11/20/older-story/")]
    assert rows == expected
    assert feed_titles and feed_titles[0][0]


def test_term_feeds_can_be_limited_to_some_kinds(site):
    build_sample(site, FEED_KINDS=["sections"])
    assert (site.output / "sections/world/feed.rss.xml").is_file()
    assert not list((site.output / "tags").rglob("feed.*")) and not list((site.output / "sources").rglob("feed.*"))
    assert "feed.rss.xml" not in site.page("tags/mali/")
    for url in [o.get("xmlUrl") for o in ElementTree.parse(site.output / "feeds/feeds.opml").getroot().iter("outline")]:
        assert (site.output / url.removeprefix(SITEURL + "/")).is_file()
