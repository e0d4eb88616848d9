"""Credits: a story's authors are the people who wrote it, as its own byline names them; never
commenters, the authors of a rail of other stories, a weekday or a job title glued to a name, or
the publication itself. Hand-made pages (our own text) reproduce each kind of page that went
wrong; tests/test_corpus_quality.py measures the whole on real pages."""

from __future__ import annotations

import json

import pytest

from newsdigest.ingest import bylines, html_page

STORY = (
    "<p>" + "The council met on Monday to settle the budget for the coming year, after weeks of talks. " * 4 + "</p>"
)


def page(head: str = "", before: str = "", byline: str = "", after: str = "") -> str:
    return (
        f"<html lang='en'><head><title>Budget settled</title>{head}</head><body>{before}"
        f"<article><h1>Budget settled</h1>{byline}{STORY}{STORY}</article>{after}</body></html>"
    )


def credited(html: str) -> list[str]:
    return html_page.parse(html, "https://news.example/2024/budget").authors


def test_commenters_are_not_credited():
    comments = "".join(
        f"<li class='comment'><div class='comment-meta'><span class='author name'>{who}</span></div>"
        f"<p>I agree with this.</p></li>"
        for who in ("Tobsen", "Javasmom", "Roger-Wielgus")
    )
    html = page(
        byline="<div class='entry-meta'><a class='author vcard' href='/author/paddy'>Paddy</a></div>",
        after=f"<div id='comments' class='comments-area'><ol class='commentlist'>{comments}</ol></div>",
    )
    assert credited(html) == ["Paddy"]


def test_a_comment_form_and_a_recent_comments_widget_are_not_bylines():
    html = page(
        byline="<p class='byline'>By Nora Lind</p>",
        after="<aside><div class='recent-comments'><p class='comment-author'>Drips</p></div></aside>"
        "<form class='comment-form'><div class='comment-form-author'><label>Name *</label></div></form>",
    )
    assert credited(html) == ["Nora Lind"]


def test_the_authors_of_a_more_from_rail_are_not_credited():
    rail = "".join(
        f"<li><a href='/story/{n}'>Another story {n}</a> <a rel='author' href='/by/{n}'>{who}</a></li>"
        for n, who in enumerate(("Ann Weller", "Bo Strand", "Cy Mendes", "Di Porter"))
    )
    html = page(
        before=f"<div class='more-stories'><h2>More from the desk</h2><ul>{rail}</ul></div>",
        byline="<div class='byline'>By Evan Holt and Fay Ruiz</div>",
        after=f"<div class='related-posts'><ul>{rail}</ul></div>",
    )
    assert credited(html) == ["Evan Holt", "Fay Ruiz"]


def test_a_long_list_of_names_is_no_byline():
    names = ", ".join(f"Writer{letter} Surname" for letter in "ABCDEFGHIJ")
    html = page(byline=f"<div class='authors'>{names}</div>")
    assert len(credited(html)) <= 6


def test_an_author_box_longer_than_a_byline_gives_way_to_the_name_in_it():
    html = page(
        byline="<div class='post-author'><a class='author' href='/a/kim'>Kim Sato</a>"
        "<p>Kim Sato writes about cities, trains and the people who run them, and has done for twenty years. "
        "Before that she taught geography in three countries and wrote two books about harbours. </p>" * 2 + "</div>"
    )
    assert credited(html) == ["Kim Sato"]


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Alex Marlow Thursday, November 9, 2023 4:41AM", ["Alex Marlow"]),
        ("Andrea Stein Senior Washington Correspondent", ["Andrea Stein"]),
        ("By Jane Doe, Senior Political Writer", ["Jane Doe"]),
        ("Story By David Brandt", ["David Brandt"]),
        ("Veröffentlicht von Chris Jung", ["Chris Jung"]),
        ("Eingestellt von Lena Roth", ["Lena Roth"]),
        ("Author Dana Lemke", ["Dana Lemke"]),
        ("Autorin: Mia Kern", ["Mia Kern"]),
        ("FOCUS-Online-Experte Robin Tal", ["Robin Tal"]),
        ("Barbara Stahl Philosophe", ["Barbara Stahl"]),
        ("Grant Tilly, PhD", ["Grant Tilly"]),
        ("Perry Bacon Jr.", ["Perry Bacon Jr."]),
        ("R. R.", ["R. R."]),
        ("Von Anna Berg und Jonas Wild", ["Anna Berg", "Jonas Wild"]),
        ("Donnerstag", []),
        ("Plácido Domingo", ["Plácido Domingo"]),  # a weekday only ends a name before a date
    ],
)
def test_a_byline_without_weekday_title_or_label(byline, names):
    assert bylines.names(byline) == names


def test_user_names_count_only_where_a_field_holds_nothing_but_an_author():
    assert bylines.names("mh") == []  # free text: a lower-case word is no name
    assert bylines.names("mh", handles=True) == ["mh"]
    assert bylines.names("det/dpa", handles=True) == ["det/dpa"]
    assert bylines.names("admin", handles=True) == []  # the site's account, not a person
    html = page(head='<meta name="author" content="telebasel">')
    assert credited(html) == ["telebasel"]


@pytest.mark.parametrize(
    ("byline", "names"),
    [("By The Associated Press", ["The Associated Press"]), ("AP", ["AP"]), ("Reuters", ["Reuters"]), ("AFP", ["AFP"])],
)
def test_agencies_are_credited_as_such(byline, names):
    assert bylines.names(byline) == names
    assert credited(page(byline=f"<p class='byline'>{byline}</p>")) == names


def test_json_ld_credits_its_article_not_the_stories_it_lists():
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "https://news.example/2024/budget#page", "author": "Site Team"},
            {
                "@type": "NewsArticle",
                "headline": "Budget settled",
                "author": [{"@id": "https://news.example/#/person/1"}],
                "publisher": {"@type": "Organization", "name": "Example News"},
            },
            {"@type": "Person", "@id": "https://news.example/#/person/1", "name": "Ola Brandt"},
            {
                "@type": "ItemList",
                "itemListElement": [
                    {"@type": "NewsArticle", "headline": "Other", "author": {"@type": "Person", "name": "Pia Lund"}}
                ],
            },
        ],
    }
    html = page(head=f"<script type='application/ld+json'>{json.dumps(data)}</script>")
    assert credited(html) == ["Ola Brandt"]


def test_json_ld_creator_stands_for_author():
    data = {"@type": "NewsArticle", "headline": "Budget settled", "creator": ["Tom Hale"]}
    html = page(
        head=f"<script type='application/ld+json'>{json.dumps(data)}</script>",
        after="<div class='comments'><span class='author'>Herr Sven Eck</span></div>",
    )
    assert credited(html) == ["Tom Hale"]


def test_the_publication_is_not_an_author_but_a_blogger_who_publishes_is():
    glued = page(
        head='<meta property="og:site_name" content="CityVoice"><meta name="author" content="Ada Berg CityVoice">'
    )
    assert credited(glued) == ["Ada Berg"]
    itself = page(head='<meta property="og:site_name" content="USA Today"><meta name="author" content="USA TODAY">')
    assert credited(itself) == []
    blog = {
        "@type": "BlogPosting",
        "headline": "Budget settled",
        "author": {"@type": "Person", "name": "Chris Hale"},
        "publisher": {"@type": "Person", "name": "Chris Hale"},
    }
    assert credited(page(head=f"<script type='application/ld+json'>{json.dumps(blog)}</script>")) == ["Chris Hale"]
