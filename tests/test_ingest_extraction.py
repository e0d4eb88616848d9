"""Body extraction on pages nobody tuned it for: landmarks and furniture out, inline links kept
inside their paragraph, pages trafilatura chokes on (control characters, a <noscript> that seems
to hold the page) still read. On real pages: tests/test_corpus_quality.py."""

from __future__ import annotations

import pytest

from newsdigest.ingest import furniture, html_page
from newsdigest_bench.ingest import shown_text

STORY = (
    "<p>The council voted on Tuesday to close the old harbour bridge to lorries from March, after "
    "engineers found cracks in two of its piers.</p><p>Drivers will use the ring road instead, which adds "
    "about ten minutes to a crossing at busy times, the council said.</p><p>Repairs are expected to take "
    "a year and to cost about four million pounds, paid for by the regional transport fund.</p>"
)


def _page(body: str, head: str = "") -> str:
    return (
        "<html><head><title>Harbour bridge closes to lorries</title>"
        '<meta property="article:published_time" content="2021-03-02T08:00:00+00:00">'
        f"{head}</head><body>{body}</body></html>"
    )


def _story(body: str):
    return html_page.parse(_page(body), "https://harbour.example/news/bridge")


@pytest.mark.parametrize("pattern", furniture.landmarks(), ids=[p.example for p in furniture.landmarks()])
def test_each_landmark_pattern_takes_its_example_out(pattern):
    element = html_page.parse_tree(pattern.example).find(".//body/*")
    assert furniture.is_landmark(element)
    story = _story(f"<article><h1>Harbour bridge closes to lorries</h1>{STORY}{pattern.example}</article>")
    assert "Widget text here" not in story.body
    assert "cracks in two of its piers" in story.body


def test_an_inline_link_never_splits_a_paragraph_or_glues_words():
    """AOL's layout: a paragraph in <p>, then the next one as loose text beside it."""
    story = _story(
        '<div class="article"><h1>Harbour bridge closes to lorries</h1><div class="body">'
        "<p>The council voted on Tuesday to close the old harbour bridge to lorries from March.</p>"
        'In a <a href="/speech">\n speech\n</a>\nin the town hall, the mayor <span><a href="/said">said</a></span> '
        'that the <a href="/ring">ring road</a> would take the traffic while the piers are repaired.'
        "<p>Repairs are expected to take a year and to cost about four million pounds, paid for by the "
        "regional transport fund, officials said.</p></div></div>"
    )
    joined = [p for p in story.paragraphs if "speech" in p]
    assert joined == [
        (
            "In a [speech](https://harbour.example/speech) in the town hall, the mayor "
            "[said](https://harbour.example/said) that the [ring road](https://harbour.example/ring) would take "
            "the traffic while the piers are repaired."
        )
    ]
    assert story.paragraphs[0].startswith("The council voted") and "from March." in story.paragraphs[0]


def test_a_link_in_text_broken_by_line_breaks_stays_in_its_sentence():
    """A review's layout: one <span> around figures and loose text, paragraphs apart by <br>s."""
    story = _story(
        '<div class="article"><h1>Harbour bridge closes to lorries</h1><span>'
        '<div class="img"><img src="/bridge.jpg" alt="The bridge"></div><br><br>'
        "The new piers take the same loads as the "
        '<a href="/old-piers">old stone piers</a> but thanks to steel cores they should last twice as long.<br><br>'
        "The council expects the work to finish in the spring, weather permitting, and the bridge to reopen."
        f"<div>{STORY}</div></span></div>"
    )
    assert (
        "The new piers take the same loads as the [old stone piers](https://harbour.example/old-piers) but thanks"
        in story.body
    )


def test_a_page_with_control_characters_is_read():
    """A bell character in a footnote ("WWF\\x07 (2020)") made trafilatura discard the whole page."""
    story = _story(
        f"<article><h1>Harbour bridge closes to lorries</h1>{STORY}<p>Source: report\x07 (2020).</p></article>"
    )
    assert "cracks in two of its piers" in story.body and "Source: report (2020)." in story.body


def test_a_noscript_that_seems_to_hold_the_page_keeps_the_story():
    """'<noscript><div></noscript>': a browser reads the <div> as text; lxml nests the page in it."""
    story = _story(
        '<noscript><div id="nojs"></noscript><div id="main"><h1>Harbour bridge closes to lorries</h1>'
        f'<div id="text">{STORY}</div></div><noscript></div></noscript>'
    )
    assert "cracks in two of its piers" in story.body


def test_a_menu_left_open_around_the_story_keeps_the_story():
    """A <nav> whose last item was never closed holds the page's <main>: the story stays."""
    site_links = "".join(
        f"<div class='site-links'><p><a href='/office/{n}'>Harbour office {n}: open daily</a></p></div>"
        for n in range(60)
    )
    story = _story(
        f'{site_links}<header><nav class="navigation"><ul class="menu"><li><a href="/a">Sport</a></li>'
        f'<li class="menu-item"><a href="/b">News</a><main><article><h1>Harbour bridge closes to lorries</h1>'
        f"{STORY}</article></main>"
    )
    assert "cracks in two of its piers" in story.body and "Sport" not in story.body


def test_what_follows_the_article_end_is_left_out():
    """A "more on this" rail after the last paragraph: its heading, linked headlines, pictures and dates."""
    story = _story(
        f'<article><h1>Harbour bridge closes to lorries</h1>{STORY}<img src="/bridge.jpg" alt="The bridge">'
        '<div class="box"><a href="/tunnel"><h3>Tunnel reopens after repairs</h3></a>'
        '<p><img src="/tunnel.jpg" alt="teaser"></p><p>21. Januar 2022</p></div></article>'
    )
    assert story.paragraphs[-1].startswith("![The bridge]")
    assert "Tunnel reopens" not in story.body and "tunnel.jpg" not in story.body and "2022" not in story.body


def test_a_story_cut_into_chunks_with_ads_between_them_comes_out_whole():
    """A long story in several containers of one class, an ad rail after each (a Wired-like layout):
    every chunk, in order, and no ad (the extractor alone keeps the first chunk)."""
    subjects = ("the old steel deck", "the two river piers", "the approach roads", "the toll booths")
    chunks = [
        [
            f"Engineers inspected {subject} for the {order} time this year, part {part} of a survey that "
            f"the council ordered after cracks were found, and they wrote down every fault they saw there."
            for part in ("one", "two", "three", "four")
        ]
        for subject, order in zip(subjects, ("first", "second", "third", "fourth"), strict=True)
    ]
    body = "".join(
        '<div class="grid grid-layout--adrail"><div class="grid--item body body__container article__body">'
        + "".join(f"<p>{text}</p>" for text in chunk)
        + '</div><div class="ad-rail"><p>Advertisement: cheap flights to the sun</p></div></div>'
        for chunk in chunks
    )
    headline = "<h1>Harbour bridge closes to lorries</h1>"
    story = _story(f'<article>{headline}<div class="article__chunks">{body}</div></article>')
    every = [text for chunk in chunks for text in chunk]
    assert [paragraph for paragraph in story.plain_paragraphs if paragraph in every] == every
    assert "cheap flights" not in story.body


def test_see_also_lines_in_other_languages_become_related_headlines():
    story = _story(
        f"<article><h1>Harbour bridge closes to lorries</h1>{STORY}"
        "<p>Lea también: <a href='/otra'>El puente viejo cierra al tráfico pesado</a></p>"
        "<p>Das könnte Sie auch interessieren!</p><p>23.10.2018, 14:05 Uhr</p></article>"
    )
    assert story.related == ["El puente viejo cierra al tráfico pesado"]
    assert "puente" not in story.body and "interessieren" not in story.body and "23.10.2018" not in story.body


def test_the_shown_text_of_a_link_has_no_gap_of_its_own():
    assert shown_text("By **Ann Lee**: the [bridge](https://harbour.example/b), closed.").strip() == (
        "By Ann Lee: the bridge, closed."
    )
