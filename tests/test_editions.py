"""Editions: the day's picks in the site's timezone, lead first, by section; a feed; a newsletter."""

import re
import shutil
import subprocess
from html.parser import HTMLParser

import feedparser
import pytest

from conftest import ROOT, require, run_cli

SITEURL = "https://digest.example.org"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def test_grouping_follows_the_site_timezone(site):
    site.add_article("late", title="Late story", date="2015-11-21T23:30:00Z")
    site.build(TIMEZONE="UTC")
    assert "Late story" in site.page("editions/2015-11-21/")
    site.remove_output()
    site.build(TIMEZONE="Asia/Tokyo")
    assert "Late story" in site.page("editions/2015-11-22/")
    assert not (site.output / "editions/2015-11-21").exists()


def test_edition_override_lead_sections_and_notes(site):
    site.add_article(
        "a",
        title="World story",
        section="World",
        date="2015-11-21T10:00:00Z",
        note="Why A matters.",
        subtitle="Standfirst A.",
        source="VICE News",
    )
    site.add_article("b", title="Business story", section="Business", date="2015-11-21T11:00:00Z")
    site.add_article("c", title="Lead story", section="World", featured=True, date="2015-11-21T09:00:00Z")
    site.add_article("d", title="Held over", date="2015-11-22T08:00:00Z", edition="2015-11-21")
    site.write("editions/2015-11-21.md", "---\ntitle: Saturday's digest\n---\nA *busy* day.\n")
    site.build()
    page = site.page("editions/2015-11-21/")
    assert "Saturday&#39;s digest" in page and "<em>busy</em>" in page
    order = [page.index(title) for title in ("Lead story", "Business story", "World story", "Held over")]
    assert order == sorted(order)  # lead first, then sections alphabetically, then the rest
    assert "Why A matters." in page and "Standfirst A." in page and "VICE News" in page
    assert not (site.output / "editions/2015-11-22").exists()
    story = site.page("2015/11/21/world-story/")
    assert 'href="/editions/2015-11-21/"' in story
    front = site.page("")
    assert "Saturday&#39;s digest" in front and 'href="/editions/"' in front


def test_previous_next_and_archive(site):
    for day in (20, 21, 22):
        site.add_article(f"s{day}", title=f"Story {day}", date=f"2015-11-{day}T12:00:00Z")
    site.build(TIMEZONE="UTC")
    middle = site.page("editions/2015-11-21/")
    assert 'rel="prev" href="/editions/2015-11-20/"' in middle and 'rel="next" href="/editions/2015-11-22/"' in middle
    archive = site.page("editions/")
    assert archive.index("2015-11-22") < archive.index("2015-11-21") < archive.index("2015-11-20")


def test_drafts_are_in_no_edition_page_feed_or_front_page(site):
    site.add_article("public", title="Public story", date="2015-11-21T12:00:00Z")
    site.add_article("secret", title="Secret draft", date="2015-11-21T13:00:00Z", status="draft")
    site.build(SITEURL=SITEURL)
    everything = "".join(p.read_text(errors="replace") for p in site.output.rglob("*") if p.is_file())
    assert "Secret draft" not in everything
    assert "Public story" in site.page("editions/2015-11-21/")


def test_weekly_editions(site):
    site.add_article("mon", title="Monday story", date="2015-11-16T12:00:00Z")
    site.add_article("sun", title="Sunday story", date="2015-11-22T12:00:00Z")
    site.add_article("next", title="Next week story", date="2015-11-23T12:00:00Z")
    site.build(TIMEZONE="UTC", EDITION_PERIOD="week")
    week = site.page("editions/2015-11-16/")
    assert "Monday story" in week and "Sunday story" in week and "Next week story" not in week
    assert "week of November 16, 2015" in week
    assert "Next week story" in site.page("editions/2015-11-23/")


def test_editions_feed_parses(site):
    site.add_article("a", title="Story A", date="2015-11-20T12:00:00Z")
    site.add_article("b", title="Story B", date="2015-11-21T12:00:00Z")
    site.build(SITEURL=SITEURL, TIMEZONE="UTC")
    for name in ("editions/feed.rss.xml", "editions/feed.atom.xml"):
        parsed = feedparser.parse((site.output / name).read_bytes())
        assert not parsed.bozo
        assert [e.link for e in parsed.entries] == [
            f"{SITEURL}/editions/2015-11-21/",
            f"{SITEURL}/editions/2015-11-20/",
        ]
        assert f"{SITEURL}/2015/11/21/story-b/" in parsed.entries[0].content[0].value


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.scripts = [], 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.urls += [value for name, value in attrs if name in ("href", "src") and value]


def test_newsletter_is_absolute_script_free_and_plain_text_too(site):
    site.add_article(
        "a",
        title="A <b>bold</b> headline",
        date="2015-11-21T12:00:00Z",
        note="Note & more.",
        subtitle="Standfirst </script> here.",
    )
    site.build(SITEURL=SITEURL, TIMEZONE="UTC")
    html = site.page("editions/2015-11-21/email.html")
    links = _Links()
    links.feed(html)
    assert links.scripts == 0 and links.urls
    assert all(url.startswith(SITEURL) for url in links.urls), links.urls
    assert "max-width:600px" in html and "<style" not in html and "<link" not in html
    text = (site.output / "editions/2015-11-21/email.txt").read_text()
    assert "A <b>bold</b> headline" in text and "Why it matters: Note & more." in text
    assert re.search(rf"^{SITEURL}/2015/11/21/[a-z-]+/$", text, re.M)
    result = run_cli("edition", "2015-11-21", "--output", str(site.output))
    assert result.returncode == 0
    assert result.stdout.split() == [
        str(site.output / "editions/2015-11-21/email.html"),
        str(site.output / "editions/2015-11-21/email.txt"),
    ]
    assert run_cli("edition", "2015-11-30", "--output", str(site.output)).returncode == 1


@pytest.mark.slow  # the W3C checker starts a Java VM
def test_newsletter_and_edition_pages_pass_the_w3c_checker(site):
    require(
        VNU.is_file() and shutil.which("java") is not None,
        "the W3C checker needs node_modules/vnu-jar (npm ci, run by make test) and java",
    )
    site.add_article("a", title="A story", section="World", featured=True, date="2015-11-21T12:00:00Z", note="Why.")
    site.add_article("b", title="B story", section="Business", date="2015-11-21T13:00:00Z", subtitle="Standfirst.")
    site.build(SITEURL=SITEURL, TIMEZONE="UTC")
    pages = [
        site.output / "editions/2015-11-21/email.html",
        site.output / "editions/2015-11-21/index.html",
        site.output / "editions/index.html",
    ]
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *map(str, pages)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr


def test_an_edition_without_a_featured_story_leads_with_its_newest_illustrated_one():
    from newsdigest.site.editions import choose_lead

    stories = ["newest", "illustrated", "older illustrated", "featured"]  # newest first
    featured = lambda story: story == "featured"  # noqa: E731
    illustrated = lambda story: "illustrated" in story  # noqa: E731
    assert choose_lead(stories, featured, illustrated) == "featured"
    assert choose_lead(stories[:3], featured, illustrated) == "illustrated"
    assert choose_lead(["newest", "older"], featured, illustrated) == "newest"
    assert choose_lead([], featured, illustrated) is None
