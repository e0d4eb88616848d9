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
        ("Sports Reporter", []),  # a word before the role qualifies it: no one is named
        ("Rasender Reporter", []),
        ("Paddy, Reporter", ["Paddy"]),
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


# Bylines as the web writes them: title case, dated, with a handle, an affiliation or a team.
@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Glen Owen And Brendan Carlin For The Evening Post", ["Glen Owen", "Brendan Carlin"]),
        ("E. MARTEL / J. I. DA COSTA", ["E. Martel", "J. I. Da Costa"]),
        ("John E Smith", ["John E Smith"]),  # a one-letter initial is no separator
        ("Lena Holt from University of Leeds", ["Lena Holt"]),
        ("Williams Prado @wprado", ["Williams Prado"]),
        ("Posted on September 21, 2020 by Ada Tzur", ["Ada Tzur"]),
        ("22.11.2022 Christian Mahr", ["Christian Mahr"]),
        ("04.02.2022 | 13:10 Uhr | Uta Helm", ["Uta Helm"]),
        ("VON MORITZ GANTER am 21. April 2020", ["Moritz Ganter"]),
        ("Von R. R. am", ["R. R."]),
        ("Veröffentlicht am 19.10.19 um 14:34 Uhr", []),
        (
            "Posted by Nina Park, Varun Das and Kiran Nair - Safe Browsing team",
            ["Nina Park", "Varun Das", "Kiran Nair"],
        ),
        ("Amber Gell  Shares", ["Amber Gell"]),
        ("von Gesponserte Inhalte", []),  # a forum's advertisement, not its poster
        ("Landesanstalt für Wald und Forstwirtschaft", []),  # an institution, not "Forstwirtschaft"
        ("Par Olivier Minet Olivier Minet", ["Olivier Minet"]),  # a screen-reader copy beside the name
        ("Humbert Humbert", ["Humbert Humbert"]),
        ("Interview: Julia Laut", ["Julia Laut"]),
        ("Blog Beitrag von Rita Kor", ["Rita Kor"]),
        ("Markus Hafner, London, Beat Bummel", ["Markus Hafner", "Beat Bummel"]),  # a dateline's place
        ("Jane Doe, AP", ["Jane Doe", "AP"]),  # an agency's capitals stay
        ("Jörg Staff", ["Jörg Staff"]),  # a surname, not "staff"
        ("Adam Aaron CityVoice Staff", ["Adam Aaron"]),
        ("Jane Doe and staff", ["Jane Doe"]),
    ],
)
def test_bylines_as_the_web_writes_them(byline, names):
    assert bylines.names(byline) == names


def test_a_byline_element_may_hold_a_user_name_but_not_a_lead_word_alone():
    blog = page(byline="<span class='byline'><span class='author vcard'><a class='url fn n'>tlow</a></span></span>")
    assert credited(blog) == ["tlow"]
    assert bylines.names("By", handles=True) == []  # "<span class=author>By</span> <a>Daniel</a>"


@pytest.mark.parametrize(
    "line",
    ["Von Anna Berg und Jonas Wild", "Por Agencia EFE", "---- by Kenneth Sorin", "Written by: Julie Moll"],
)
def test_a_plain_text_byline_under_the_headline(line):
    names = bylines.signed(line)
    assert names and names == bylines.names(line)
    html = (
        f"<html lang='de'><head><title>Budget settled</title></head><body><main><h1>Budget settled</h1>"
        f"<p><i>{line}</i></p>{STORY}{STORY}</main></body></html>"
    )
    assert credited(html) == names


@pytest.mark.parametrize(
    "line",
    [
        "Von Kopf bis Fuß",
        "By The Numbers",
        "Von Sprachregeln, Gender-Politik und «ganz normalem Deutsch»",
        "Von Berlin nach Paris",
    ],
)
def test_a_heading_or_a_sentence_that_starts_like_a_byline_credits_nobody(line):
    assert bylines.signed(line) == []
    html = page(byline=f"<p><i>{line}</i></p>")
    if not line.startswith("By "):  # a "By …" line atop the body is clipping.absorb_paragraphs' to read
        assert credited(html) == []


def test_a_plain_text_byline_at_the_end_of_the_story():
    tail = "<p>Text: Klaus Stein</p>"
    html = page().replace("</article>", f"{STORY}{tail}</article>")
    assert credited(html) == ["Klaus Stein"]


def test_a_dateline_credits_its_agency():
    assert bylines.dateline_agency("Hamburg (dpa/lno) – Trotz eines Gesprächs") == ["dpa/lno"]
    assert bylines.dateline_agency("WASHINGTON (AP) — The council") == ["AP"]
    assert bylines.dateline_agency("The council (in full) met") == []
    html = page().replace("<p>The council", "<p>Bogotá (dpa) - The council", 1)
    assert credited(html) == ["dpa"]


def test_author_fields_beyond_meta_author():
    dublin = page(head='<meta name="dc.creator" content="Elisa Gibb">')
    assert credited(dublin) == ["Elisa Gibb"]

    def yoast(label: str, data: str) -> str:
        return page(head=f'<meta name="twitter:label1" content="{label}"><meta name="twitter:data1" content="{data}">')

    assert credited(yoast("Verfasst von", "Karo Herr")) == ["Karo Herr"]
    assert credited(yoast("Lesezeit", "3 Minuten")) == []


def test_the_site_or_a_user_name_in_the_metadata_gives_way_to_the_byline_the_page_shows():
    site = '<meta property="og:site_name" content="City Courier">'
    shown = "<div class='article-author'>von Arian Schlicht</div>"
    for author in ("City Courier", "arianschlicht"):
        assert credited(page(head=f'{site}<meta name="author" content="{author}">', byline=shown)) == ["Arian Schlicht"]
    # "City Courier, Frankfurt, Germany": the site and its address, no places as authors
    assert credited(page(head=site + '<meta name="author" content="City Courier, Frankfurt, Germany">')) == []
    # A link to the site's own profile ("Google") is no byline beside the people's.
    blog = page(
        head='<meta property="og:site_name" content="Google Security Blog">',
        byline="<a rel='author' href='/profile/1'>Google</a><span class='byline-author'>Posted by Nina Park</span>",
    )
    assert credited(blog) == ["Nina Park"]


def test_a_rail_of_teasers_with_bylines_credits_none_of_them():
    teasers = "".join(
        f"<div class='media-box'><div class='media-box__article'><h3>Other {n}</h3>"
        f"<span class='media-box__article__autor'>Von {who}</span></div></div>"
        for n, who in enumerate(("Clara Moll", "Hilde Butt", "Max Schu"))
    )
    html = page(before=teasers, byline="<p class='article__info'>Von Lisa Pet</p>")
    assert credited(html) == ["Lisa Pet"]


def test_a_photo_credit_is_no_byline():
    for credit in (
        "<span class='media-license-author'>zvg</span>",
        "<span class='image-credit-author'>Ingo Sch</span>",
    ):
        assert credited(page(byline=f"<figure><img src='/a.jpg'>{credit}</figure>")) == []


def test_a_recipe_and_a_forum_thread_credit_who_wrote_them():
    for kind, who in (("Recipe", "jesusfreak"), ("DiscussionForumPosting", "Pepemaus")):
        data = {"@type": kind, "name": "Budget settled", "author": {"@type": "Person", "name": who}}
        assert credited(page(head=f"<script type='application/ld+json'>{json.dumps(data)}</script>")) == [who]


def test_plural_byline_names():
    html = page(byline="<div class='dates_auteurs'>par <span class='auteurs'>Didier Roux</span>, 21 juin 2018</div>")
    assert credited(html) == ["Didier Roux"]


def test_the_benchmark_compares_people_not_raw_bylines():
    """The corpus gives some bylines as raw strings; the scorer reads every credit, expected or
    given, ours or trafilatura's, through the same byline reader."""
    from newsdigest_bench import boilerplate

    def scored(expected: tuple[str, ...], given: tuple[str, ...]) -> tuple[int, int]:
        scores = boilerplate.Credits()
        scores.add(boilerplate.Page("page.html", "", b"", (), (), expected), given)
        return scores.exact, scores.stranger

    assert scored(("Benja Fisch und Marc Theu",), ("Benja Fisch", "Marc Theu")) == (1, 0)
    assert scored(("Mike L. Ander, PhD",), ("Mike L. Ander",)) == (1, 0)
    assert scored(("Rodo Costa.",), ("Rodo Costa",)) == (1, 0)
    assert scored(("telebasel",), ("telebasel",)) == (1, 0)  # a user name stands as it is
    assert scored(("Ann Lee",), ("Ann Lee", "Bo Strand")) == (0, 1)


def test_a_company_in_the_author_field_is_not_a_person():
    for owner in ("Pixel Werkstatt GmbH www.pixel-werkstatt.example", "Talbote Online", "Gartenfreunde e. V."):
        assert credited(page(head=f"<meta name='author' content='{owner}'>")) == []
    assert bylines.is_organisation("Nordbahn AG") and not bylines.is_organisation("Ralf Ag")


def test_an_author_field_that_repeats_the_copyright_names_the_owner():
    head = "<meta name='author' content='Angler Rundschau'><meta name='copyright' content='© 2022 Angler Rundschau'>"
    assert credited(page(head=head)) == []


def test_a_byline_in_a_wrapper_named_sidebar_that_holds_the_story_counts():
    html = (
        "<html><head><title>Budget settled</title></head><body><div id='sidebar' class='content-area'>"
        f"<article><h1>Budget settled</h1><span class='author vcard'>Hanne Vogt</span>{STORY}{STORY}</article>"
        "</div><div class='sidebar'><span class='author'>Ole Brand</span></div></body></html>"
    )
    assert credited(html) == ["Hanne Vogt"]


def test_a_link_to_the_author_page_that_spells_the_name_is_a_byline():
    html = page(
        byline="<div class='my-2'><a href='/autoren/joerg-muehlbach-4711'><span class='copy'>© Foto Agentur</span>"
        "<span>Jörg Mühlbach</span></a> am 3. März</div>",
        after="<div class='teaser'><a href='/autoren/ines-kalt-12'>Ines Kalt</a></div>",
    )
    assert credited(html) == ["Jörg Mühlbach"]
    assert credited(page(byline="<div><a href='/author/nuts/'>Marta Lind</a></div>")) == []  # spells someone else


def test_a_user_name_is_written_out_as_the_page_writes_it():
    head = "<meta name='author' content='ruth.kalbfleisch'>"
    signed = "<p>Die Gemeinde hat entschieden. (Ruth M. Kalbfleisch)</p>"
    assert credited(page(head=head, after=signed)) == ["Ruth M. Kalbfleisch"]
    assert credited(page(head=head)) == ["ruth.kalbfleisch"]


def test_a_labelled_author_after_the_story():
    block = (
        "<div class='info'><span class='lbl'>Datum:</span> 19.11.2021<br><span class='lbl'>Autor:</span> Lea Sommer<br>"
        "<span class='lbl'>Quelle:</span> Wochenblatt<br></div>"
    )
    assert credited(page(after=block)) == ["Lea Sommer"]
    credit_list = (
        "<div class='credits'><div class='credit'><div class='label'>Interview</div>"
        "<div class='text'>TOM HALDE</div></div>"
        "<div class='credit'><div class='label'>Fotograf</div><div class='text'>Ina Ruf</div></div></div>"
    )
    assert credited(page(after=credit_list)) == ["Tom Halde"]


def test_a_signature_at_the_top_of_the_story_names_its_writer():
    head = "<meta name='author' content='Ines Upload'>"
    assert credited(page(head=head, byline="<p>Von Mat\u00adthi\u00adas Lohr, dpa</p>")) == ["Matthias Lohr"]


def test_a_heading_that_starts_with_by_is_no_byline():
    html = page(byline="<p>By The Numbers</p>")
    story = html_page.parse(html, "https://news.example/2024/budget")
    assert story.authors == []
    assert "By The Numbers" in story.paragraphs


def test_a_first_name_is_written_in_full_from_the_author_description():
    person = {"@type": "Person", "name": "Jorinde", "description": "Jorinde Alm - Tischlerin und Radlerin seit 2001."}
    data = {"@type": "NewsArticle", "headline": "Budget settled", "author": person}
    assert credited(page(head=f"<script type='application/ld+json'>{json.dumps(data)}</script>")) == ["Jorinde Alm"]
    person["description"] = "Schreibt über Räder."
    assert credited(page(head=f"<script type='application/ld+json'>{json.dumps(data)}</script>")) == ["Jorinde"]


def test_a_label_over_line_breaks_and_an_agency_after_a_slash():
    after_breaks = "<div class='info'><b>Von:</b> <br><br> Götz Berger</div>"
    assert credited(page(after=after_breaks)) == ["Götz Berger"]
    heading_label = "<div class='col'><h5 class='title-inline'>Autor: </h5>Pia Maler/SP-X<br></div>"
    assert credited(page(byline=heading_label)) == ["Pia Maler"]
    assert bylines.names("det/dpa", handles=True) == ["det/dpa"]  # a handle keeps its slash


def test_an_author_box_in_the_article_names_its_writer():
    box = (
        "<div class='author-info'><img alt=''><h3><a href='/in/rita'>Rita Kern</a><a class='follow'>Follow</a></h3>"
        "<p>Rita writes about towns.</p></div>"
    )
    assert credited(page(byline=box)) == ["Rita Kern"]
    rail = "<aside><div class='author-bio'><h3>Otto Wend</h3></div></aside>"
    assert credited(page(after=rail)) == []


def test_a_surname_typed_in_lower_case_in_the_author_field():
    assert credited(page(head="<meta name='Author' content='Tarik bashir'>")) == ["Tarik bashir"]
    assert credited(page(byline="<div class='entry-meta-author'><img alt='x'>Tarik <b>sitename</b></div>")) == []


def test_the_piece_and_its_interviewee_around_the_writer():
    signature = "<p>Ein Interview von Kai Ebner mit Luise Tann.</p>"
    assert credited(page(head="<meta name='author' content='Ines Upload'>", byline=signature)) == ["Kai Ebner"]
    assert bylines.names("Von Kai Ebner mit dpa") == ["Kai Ebner"]
