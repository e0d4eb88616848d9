"""A story's date is the one its page states of itself (metadata, or the dateline in the
article's header), never one from links, rails, comments or a copyright line, with its time and
offset kept; a page that states none fails, named, asking for --date. A lead image is never a
logo, a spacer or a thumbnail, and the theme never shows an image wider than it is. The pages
here are hand-made, each in the layout of a kind of page that went wrong, with our own text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from newsdigest.content import frontmatter
from newsdigest.ingest import Options, images, ingest, moments

from conftest import ROOT

STORY = "<p>" + "The harbour board met on Tuesday and agreed to widen the channel before winter. " * 4 + "</p>"


def page(head: str = "", header: str = "", after: str = "", headline: str = "Harbour channel to be widened") -> str:
    return (
        f'<!doctype html><html lang="en"><head><title>{headline} | Coast Gazette</title>{head}</head><body>'
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><header><h1>{headline}</h1>{header}</header>{STORY}{STORY}</article>"
        f"{after}</body></html>"
    )


def ingest_page(tmp_path: Path, html: str, name: str = "story.html", **changes):
    """The report, and the story's front matter when one was written."""
    (tmp_path / name).write_text(html, encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    report = ingest([str(tmp_path / name)], Options(content=content, site_timezone="UTC", **changes))
    written = [frontmatter.parse(path.read_text(encoding="utf-8")).metadata for path in content.rglob("*.md")]
    return report, written[0] if written else None


SIDEBAR = (
    '<aside class="most-read"><h2>Most read</h2><ul>'
    '<li><a href="/2012/03/01/old"><time datetime="2012-03-01T08:00:00Z">1 March 2012</time> Pier closes</a></li>'
    "</ul></aside>"
)
COMMENTS = (
    '<section class="comments"><div class="comment"><span class="comment-date">5 August 2013 10:02</span>'
    "<p>Long overdue.</p></div></section>"
)
FOOTER = "<footer><p>© 2013 Coast Gazette Ltd</p></footer>"


def test_a_page_without_a_date_of_its_own_fails_named_and_asks_for_one(tmp_path):
    """Dates in a rail's links, in comments and in the copyright line are not the story's."""
    report, written = ingest_page(tmp_path, page(after=SIDEBAR + COMMENTS + FOOTER), name="undated-story.html")
    [outcome] = report.outcomes
    assert written is None and outcome.status == "failed"
    assert outcome.input.endswith("undated-story.html") and "--date" in outcome.detail


def test_a_date_given_on_the_command_line_dates_such_a_page(tmp_path):
    import datetime as dt

    report, written = ingest_page(tmp_path, page(after=FOOTER), date=dt.datetime(2013, 8, 4, 9, 0))
    assert report.count("written") == 1 and written["date"] == "2013-08-04T09:00:00+00:00"


def test_the_dateline_in_the_articles_header_beats_a_rail_and_a_copyright_year(tmp_path):
    header = '<p class="dateline">Published 4 August 2013</p>'
    report, written = ingest_page(tmp_path, page(header=header, after=SIDEBAR + FOOTER))
    assert report.count("written") == 1, report.outcomes
    assert written["date"] == "2013-08-04"  # a day alone stays a day


@pytest.mark.parametrize(
    ("header", "date"),
    [
        ('<p class="timestamp">Updated 2:34 AM ET, Tue November 19, 2019</p>', "2019-11-19T02:34:00-05:00"),
        ('<span class="date">4. August 2013, 09:15 Uhr</span>', "2013-08-04T09:15:00+00:00"),  # the site's zone
        ('<time datetime="2013-08-04T09:15:00+02:00">4 August</time>', "2013-08-04T09:15:00+02:00"),
    ],
)
def test_a_header_that_gives_a_time_and_an_offset_keeps_them(tmp_path, header, date):
    report, written = ingest_page(tmp_path, page(header=header, after=SIDEBAR))
    assert written is not None, report.outcomes
    assert written["date"] == date


def test_metadata_that_gives_a_day_takes_its_time_from_the_header(tmp_path):
    head = '<meta property="article:published_time" content="2013-08-04">'
    header = '<time datetime="2013-08-04T09:15:00+02:00">4 August 2013, 09:15</time>'
    _, written = ingest_page(tmp_path, page(head=head, header=header, after=SIDEBAR))
    assert written["date"] == "2013-08-04T09:15:00+02:00"


def test_metadata_beats_the_page_and_its_day_is_never_moved_by_a_time_elsewhere():
    assert moments.stated(["2013-08-04", "2012-03-01T08:00:00Z"]) == moments.parse_moment("2013-08-04")
    assert moments.stated(["0001-01-01T00:00:00Z"]) is None  # a placeholder, not a date


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("© 2013 Coast Gazette", None),
        ("Summer 2013", None),  # htmldate gives a year alone as 1 January
        ("le 4 août 2013", "2013-08-04"),
        ("Aug 4, 2013 | 10:12 a.m. EDT", "2013-08-04T10:12:00-04:00"),
    ],
)
def test_a_dateline_is_read_in_many_languages_and_a_year_alone_is_no_date(line, expected):
    moment = moments.from_dateline(line)
    assert (moment.isoformat() if moment else None) == expected


def test_an_address_with_a_day_in_it_dates_a_page_that_states_none(tmp_path):
    head = '<link rel="canonical" href="https://gazette.example/2013/08/04/harbour-channel">'
    _, written = ingest_page(tmp_path, page(head=head, after=FOOTER))
    assert written["date"] == "2013-08-04"


DATED = '<meta property="article:published_time" content="2013-08-04T09:15:00+01:00">'


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="og:image" content="https://gazette.example/static/gazette-logo.png">',
        '<meta property="og:image" content="https://gazette.example/static/og-default.png">',
        '<meta property="og:image" content="https://gazette.example/img/1x1.gif">',
        '<meta property="og:image" content="https://gazette.example/img/harbour-60x60.jpg">',
        '<meta property="og:image" content="https://gazette.example/img/harbour.jpg?w=60&h=60">',
        (
            '<meta property="og:image" content="https://gazette.example/img/harbour.jpg">'
            '<meta property="og:image:width" content="120">'
        ),
    ],
)
def test_a_logo_a_spacer_or_a_thumbnail_is_no_lead_image(tmp_path, head):
    report, written = ingest_page(tmp_path, page(head=DATED + head))
    assert written is not None, report.outcomes
    assert "image" not in written


def test_a_thumbnail_is_known_by_its_width_attribute_in_the_page(tmp_path):
    head = '<meta property="og:image" content="https://gazette.example/img/harbour.jpg">'
    figure = '<img src="https://gazette.example/img/harbour.jpg" width="60" height="60" alt="The harbour">'
    _, written = ingest_page(tmp_path, page(head=DATED + head, header=figure))
    assert "image" not in written


def test_a_picture_of_the_story_stays_the_lead_image(tmp_path):
    head = (
        '<meta property="og:image" content="https://gazette.example/img/harbour-1200x630.jpg">'
        '<meta property="og:image:width" content="1200">'
    )
    _, written = ingest_page(tmp_path, page(head=DATED + head))
    assert written["image"] == "https://gazette.example/img/harbour-1200x630.jpg"


def test_a_fetched_image_narrower_than_a_lead_image_is_left_out():
    from PIL import Image

    small = io.BytesIO()
    Image.new("RGB", (60, 60), "navy").save(small, "PNG")
    with pytest.raises(images.TooSmall, match="60 px wide"):
        images._resized_jpeg(small.getvalue(), "https://gazette.example/img/harbour.png")
    large = io.BytesIO()
    Image.new("RGB", (800, 450), "navy").save(large, "PNG")
    assert images._resized_jpeg(large.getvalue(), "https://gazette.example/img/harbour.png")


def test_the_theme_never_shows_an_image_wider_than_it_is():
    """Body images keep their natural width (at most the column's); a lead image of known size
    is not stretched to the column, one of unknown size is scaled down into its box, never up."""
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "theme/static/css/site.css").read_text(encoding="utf-8"), flags=re.S)
    rules: dict[str, str] = {}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        rules.setdefault(selector.strip(), body)  # the screen's rule, not print's
    # No CSS width on a body image or a lead image of known size: its own width (or its width
    # attribute) holds, at most the column's; only boxes of a fixed shape (cards, a lead image of
    # unknown size) set one, and a lead image is scaled down into its box, never up.
    sets_width = re.compile(r"(?<![-\w])width\s*:")
    for selector in (".prose img", ".frame img", "img, svg, video"):
        assert not sets_width.search(rules[selector]), selector
    assert "max-width: 100%" in rules[".prose img"] and "max-width: 100%" in rules["img, svg, video"]
    assert "width: fit-content" in rules[".lead-figure .frame:not(.frame-wide)"]
    assert "scale-down" in rules[".lead-figure .frame-wide img"]
    templates = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "theme/templates").glob("*.html"))
    assert not re.search(r'<img[^>]*width="100%"', templates)
