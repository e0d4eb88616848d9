"""Only web addresses reach links, images and feeds; a story with a hostile one still builds."""

import datetime as dt

import pytest

from newsdigest.content import model, safe_urls
from newsdigest.ingest import html_page
from newsdigest.site import feeds

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "\x01javascript:alert(1)",
    "http://",
    "https:///nohost",
    "//evil.example/x",
    "https://" + "a" * 5000 + ".example/",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_anything_but_a_web_address_is_refused(value):
    assert safe_urls.web_url(value) is None
    assert safe_urls.image_url(value) is None


def test_web_addresses_and_site_paths_are_kept():
    assert safe_urls.web_url("https://www.example.org/story?id=1#top") == "https://www.example.org/story?id=1#top"
    assert safe_urls.web_url(" HTTP://Example.org/a ") == "HTTP://Example.org/a"
    assert safe_urls.image_url("/images/lead.jpg") == "/images/lead.jpg"
    assert safe_urls.image_url("images/lead.jpg") == "images/lead.jpg"
    assert safe_urls.web_url("/images/lead.jpg") is None  # a source is another site, never ours
    assert safe_urls.image_url("../../etc/passwd") is None


def test_front_matter_drops_an_unsafe_address_with_a_warning_naming_the_field():
    warnings = []
    metadata = model.normalise(
        {"title": "T", "source_url": "javascript:alert(1)", "image": "data:image/svg+xml,<svg onload=alert(1)>"},
        require_date=False,
        timezone=None,
        warnings=warnings,
    )
    assert metadata.source_url is None and metadata.image is None
    assert sorted(warning.key for warning in warnings) == ["image", "source_url"]


def test_a_story_with_a_javascript_source_link_builds_without_it(site, caplog):
    site.add_article(
        "hostile-link",
        title="A story",
        source="Example",
        source_url="javascript:alert(document.domain)",
        image="javascript:alert(2)",
    )
    site.build()
    html = site.page("2015/11/21/a-story/")
    assert "javascript:" not in html
    for feed in ("feeds/all.rss.xml", "feeds/all.atom.xml", "feeds/all.json"):
        assert "javascript:" not in (site.output / feed).read_text(encoding="utf-8")
    assert any(
        "hostile-link.md" in record.getMessage() and "source_url" in record.getMessage() for record in caplog.records
    )


def test_feed_entries_carry_only_web_addresses():
    moment = dt.datetime(2015, 11, 21, tzinfo=dt.UTC)
    entry = feeds.Entry(
        id="tag:x,2015-11-21:a",
        title="A",
        link="https://digest.example/a/",
        published=moment,
        updated=moment,
        source_name="Example",
        source_url="javascript:alert(1)",
        image_url="data:image/svg+xml,<svg onload=alert(1)>",
    )
    assert entry.source_url == "" and entry.image_url == ""
    feed = feeds.Feed(
        title="F",
        home_url="https://digest.example/",
        description="",
        self_urls={fmt: f"https://digest.example/feed.{fmt}" for fmt in feeds.FORMATS},
        entries=(entry,),
    )
    for data in feeds.render_all(feed).values():
        assert b"javascript:" not in data and b"data:image" not in data


def test_a_tag_image_that_is_no_address_is_left_out_with_a_warning_naming_the_file(site, caplog):
    site.write("tags.yml", "Mali:\n  image: javascript:alert(1)\n  description: West Africa.\n")
    site.add_article("story", title="Story", tags=["Mali"])
    site.build()
    page = site.page("tags/mali/")
    assert "West Africa." in page and "javascript:" not in page
    assert any("tags.yml" in record.getMessage() and "image" in record.getMessage() for record in caplog.records)


def test_a_malformed_link_on_a_page_is_dropped_and_the_page_still_ingests():
    assert safe_urls.joined_web_url("https://news.example/a/", "http://[ccpa-preferences]/") is None
    assert safe_urls.joined_web_url("https://news.example/a/", "../b?x=1") == "https://news.example/b?x=1"
    page = (
        "<html><head><title>Council backs the new bridge</title></head><body><article>"
        "<h1>Council backs the new bridge</h1>"
        + "<p>The council voted on Tuesday to build the bridge across the river, ending a long dispute.</p>" * 3
        + '<p>Read <a href="http://[ccpa-preferences]/">your privacy choices</a> here.</p></article></body></html>'
    )
    story = html_page.parse(page, "https://news.example/a/bridge")
    assert "privacy choices" in story.body
    assert "ccpa-preferences" not in story.body
