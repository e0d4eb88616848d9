"""Front matter reads back exactly as written; the content model types every field."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from newsdigest.content import frontmatter, model as content_model


def test_round_trip_survives_any_title():
    nasty = [
        "Colon: here",
        'It\'s "quoted"',
        "---",
        "# not a heading",
        "line\nbreak",
        "no",
        "2015",
        "null",
        "[x]",
        "  padded  ",
    ]
    for title in nasty:
        text = frontmatter.dump({"title": title, "tags": ["no", "on", "a, b"]}, "Body")
        document = frontmatter.parse(text)
        assert document.metadata["title"] == title
        assert document.metadata["tags"] == ["no", "on", "a, b"]
        assert document.body.strip() == "Body"


def test_lists_stay_lists_and_a_single_value_becomes_one_item():
    metadata = content_model.normalise(
        {"title": "T", "date": "2015-11-21T17:01:00-05:00", "tags": "Mali, Bamako", "authors": ["Doe, Jane"]},
        require_date=True,
        timezone=None,
    )
    assert metadata.tags == ("Mali, Bamako",)
    assert metadata.authors == ("Doe, Jane",)


def test_dates_keep_their_instant_and_take_the_site_zone():
    zone = ZoneInfo("Asia/Tokyo")
    metadata = content_model.normalise({"title": "T", "date": "2015-11-21T23:30:00Z"}, require_date=True, timezone=zone)
    assert metadata.date == dt.datetime(2015, 11, 21, 23, 30, tzinfo=dt.UTC)
    assert metadata.date is not None and metadata.date.utcoffset() == dt.timedelta(hours=9)


def test_unknown_keys_pass_through_and_unknown_status_is_refused():
    story = content_model.normalise({"mood": ["grim"], "title": "T"}, require_date=False, timezone=None)
    assert story.to_metadata() == {"mood": ["grim"], "title": "T"} and list(story.to_metadata()) == ["mood", "title"]
    with pytest.raises(content_model.ContentError, match="status"):
        content_model.normalise({"title": "T", "status": "maybe"}, require_date=False, timezone=None)


def test_front_matter_errors_carry_file_line_numbers():
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.parse("---\ntitle: A\ntitle: B\n---\n")
    assert error.value.line == 3 and "duplicate" in error.value.message
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.parse("---\ntitle: A\n  bad: indent\n---\n")
    assert error.value.line == 3


def test_article_page_shows_the_model(site):
    site.add_article(
        "seedlike",
        title="Headline",
        subtitle="A “curly” standfirst",
        source="VICE News",
        source_url="https://news.example/story",
        contributors=["Reuters"],
        image_credit="Joe Penney/Reuters",
        note="Why it matters.",
        body="Para one.\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\nPara two.",
    )
    site.build()
    page = site.page("2015/11/21/headline/")
    assert "A “curly” standfirst" in page
    assert '<a href="https://news.example/story">VICE News</a>' in page
    assert "Reuters contributed to this report." in page
    assert "Joe Penney/Reuters" in page and "Why it matters." in page
    assert "<script>alert(1)" not in page and "onerror" not in page
    assert "<p>Para one.</p>" in page and "<p>Para two.</p>" in page


def test_invisible_characters_leave_headlines_names_and_tags():
    metadata = content_model.normalise(
        {
            "title": "Mali \u202egpj.exe\u202c hotel siege\u200b",
            "tags": ["Ma\u200bli", "\u2066Bamako\u2069", "\u200b"],
            "authors": ["Jane\u200d Doe"],
            "source": "\ufeffVICE News",
        },
        require_date=False,
        timezone=None,
    )
    assert metadata.title == "Mali gpj.exe hotel siege"
    assert metadata.tags == ("Mali", "Bamako")
    assert metadata.authors == ("Jane Doe",) and metadata.source == "VICE News"


def test_joiners_that_shape_words_and_emoji_stay():
    persian, family = "می\u200cخواهم", "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    metadata = content_model.normalise({"title": f"{persian} {family}"}, require_date=False, timezone=None)
    assert metadata.title == f"{persian} {family}"


def test_a_tag_spelled_with_a_zero_width_space_is_the_same_tag(site):
    site.add_article("one", title="One", tags=["Mali"])
    site.add_article("two", title="Two \u202eowT", tags=["Ma\u200bli"])
    site.build()
    page = site.page("tags/mali/")
    assert "One" in page and "Two owT" in page
    assert "\u200b" not in page and "\u202e" not in page
    feed = (site.output / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert "\u202e" not in feed and "Two owT" in feed


def test_a_language_tag_is_kept_normalised_and_anything_else_left_out_with_a_warning():
    warnings = []
    for value, kept in (("fr", "fr"), ("pt_BR", "pt-BR"), ("zh-Hant", "zh-Hant")):
        assert content_model.normalise({"title": "T", "lang": value}, require_date=False, timezone=None).lang == kept
    metadata = content_model.normalise(
        {"title": "T", "lang": 'en" onload="x'}, require_date=False, timezone=None, warnings=warnings
    )
    assert (
        metadata.lang is None
        and "lang" not in metadata.to_metadata()
        and [warning.key for warning in warnings] == ["lang"]
    )
    assert "is not a language tag" in warnings[0].message


def test_the_metadata_keeps_the_files_key_order_and_marks_a_day_alone():
    story = content_model.normalise(
        {"date_only": False, "tags": "Mali", "date": "2015-11-21", "title": " T ", "image": None},
        require_date=True,
        timezone=ZoneInfo("UTC"),
    )
    assert story.date_only and story.image is None
    assert story.to_metadata() == {
        "date_only": True,
        "tags": ["Mali"],
        "date": dt.datetime(2015, 11, 21, tzinfo=ZoneInfo("UTC")),
        "title": "T",
    }
    assert list(story.to_metadata()) == ["date_only", "tags", "date", "title"]
