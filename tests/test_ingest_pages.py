"""Ingest keeps a story whole: hand-made pages in publishers' layouts (tests/pages) come out
with their links, images, lists, quotes, subheads and tables, the right headline, byline,
source, date and language, and none of the page's furniture; hostile and outsized input is
defused or cut, and the cut is named."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from newsdigest.build.run import load_settings
from newsdigest.content import document, frontmatter
from newsdigest.ingest import Options, bylines, furniture, headlines, html_page, ingest, language, moments, reading
from newsdigest.ingest.page_tree import _largest_in_srcset
from newsdigest.ingest.sources import SourceNames
from newsdigest_bench.ingest import Structure

from conftest import ROOT, require, run_cli

PAGES = Path(__file__).parent / "pages"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
EXPECTED = yaml.safe_load((PAGES / "expected.yml").read_text(encoding="utf-8"))
SETTINGS = load_settings(str(ROOT / "pelicanconf.py"))
MARKDOWN = document.markdown_config(SETTINGS["MARKDOWN"])
COUNTED = {
    "links": r'<a href="https?://',
    "images": r"<img ",
    "list_items": r"<li>",
    "subheads": r"<h[23]>",
    "quotes": r"<blockquote>",
    "figcaptions": r"<figcaption>",
    "table_rows": r"<tr>",
}


def ingest_one(tmp_path: Path, *paths: Path | str, **changes):
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    options = Options(content=content, site_timezone="UTC", source_names=SETTINGS["SOURCE_NAMES"], **changes)
    report = ingest([str(path) for path in paths], options)
    written = {path: path.read_text(encoding="utf-8") for path in sorted(content.rglob("*.md"))}
    return report, written


def test_there_are_enough_pages_and_each_has_its_expectations():
    pages = {path.name for path in PAGES.glob("*.html")}
    assert len(pages) >= 30
    assert pages == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_page_comes_out_whole(tmp_path, name):
    expected = EXPECTED[name]
    report, written = ingest_one(tmp_path, PAGES / name)
    assert report.count("written") == 1, report.outcomes
    [text] = written.values()
    story = frontmatter.parse(text)
    meta = story.metadata
    for key in ("title", "subtitle", "source", "lang", "image", "image_alt", "image_credit", "image_caption"):
        if key in expected:
            assert meta.get(key) == expected[key], key
    assert meta.get("authors", []) == expected.get("authors", [])
    assert meta.get("related", []) == expected.get("related", [])
    assert meta["date"] == expected["date"]
    if "source" not in expected:
        assert "source" not in meta
    html = document.render_markdown(story.body, MARKDOWN)
    counts = {key: len(re.findall(pattern, html)) for key, pattern in COUNTED.items()}
    assert counts == {key: expected.get(key, 0) for key in COUNTED}
    for piece in expected.get("contains", []):
        assert piece in story.body
    written_text = re.sub(r"(?m)^ingested_from: .*$", "", text)  # the input's own name may say anything
    for piece in expected.get("absent", []):
        assert piece not in written_text, piece
    # What a reader sees: no tag printed as text, no entity, in the headline, standfirst or body.
    shown = Structure()
    shown.count(html_page.parse(reading.decode((PAGES / name).read_bytes())), name)
    assert shown.problems == []


def test_ingested_pages_build_into_valid_pages_in_their_language(site):
    ingest(
        [str(PAGES / "lemonde-french.html"), str(PAGES / "date-only.html"), str(PAGES / "bbc-2015-section-line.html")],
        Options(content=site.content, site_timezone="UTC", source_names=SETTINGS["SOURCE_NAMES"]),
    )
    site.build()
    french = site.page("2019/11/18/la-ville-ouvre-trois-nouvelles-pistes-cyclables/")
    assert '<html lang="fr" dir="ltr">' in french
    assert re.search(
        r'<a href="https://www.lemonde.fr/societe/article/2018/09/01/plan-velo_5349.html"[^>]*>'
        r"premier plan vélo</a>",
        french,
    )
    fair = site.page("2019/10/12/autumn-fair-raises-funds-for-church-roof/")
    assert (
        re.search(r'<time datetime="2019-10-12">(<span[^>]*>)?October 12, 2019(</span>)?</time>', fair)
        and "12:00 AM" not in fair
    )
    ferry = site.page("2015/07/24/ferry-strike-ends-after-two-weeks/")
    assert re.search(
        r'<figure>\s*<p><img alt="Ferries in port" src="http://ichef.bbci.example/news/624/ferries-in-port.jpg">'
        r"</p>\s*<figcaption>Ferries stayed in port for fourteen days <small>Photo: Reuters</small>"
        r"</figcaption>\s*</figure>",
        ferry,
    )
    atom = (site.output / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert atom.count('xml:lang="fr"') == 1 and atom.count("<dc:language>") == 0
    assert (site.output / "feeds/all.rss.xml").read_text(encoding="utf-8").count("<dc:language>fr</dc:language>") == 1
    assert '"language": "fr"' in (site.output / "feeds/all.json").read_text(encoding="utf-8")


@pytest.mark.slow  # the W3C checker starts a Java VM
def test_every_ingested_page_passes_the_w3c_checker(site):
    require(
        VNU.is_file() and shutil.which("java") is not None,
        "the W3C checker needs node_modules/vnu-jar (npm ci, run by make test) and java",
    )
    report = ingest(
        [str(page) for page in sorted(PAGES.glob("*.html"))],
        Options(content=site.content, site_timezone="UTC", source_names=SETTINGS["SOURCE_NAMES"]),
    )
    assert report.count("written") == len(EXPECTED), report.outcomes
    site.build()
    stories = sorted(str(path) for path in site.output.glob("[0-9]*/*/*/*/index.html"))
    assert len(stories) == len(EXPECTED)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *stories], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr.replace(str(site.output), "")


# Furniture patterns: each one matches its example, and a page holding the example loses it.

PATTERNS = furniture.patterns()
STORY = (
    "<p>The river rose above its banks on Monday night, flooding the lower town and closing the bridge, "
    "officials said.</p><p>Residents moved to higher ground, and the school opened as a shelter for families "
    "who could not stay with friends or relatives.</p><p>The water is expected to fall by Wednesday, when "
    "engineers will inspect the bridge before it reopens to traffic.</p>"
)


def _page(inside: str) -> str:
    return (
        '<html><head><title>River floods lower town</title><link rel="canonical" href="https://town.example/flood">'
        '<meta property="article:published_time" content="2019-11-18T08:00:00+00:00"></head><body><article>'
        f'<h1>River floods lower town</h1><div class="story-text">{STORY}{inside}</div></article></body></html>'
    )


def _body(html: str) -> str:
    return html_page.parse(html).body


@pytest.mark.parametrize("pattern", PATTERNS, ids=[f"{p.kind}:{p.example}" for p in PATTERNS])
def test_each_furniture_pattern_matches_its_example_and_takes_it_out(pattern):
    if pattern.kind == "blocks":
        assert furniture.is_furniture_name(pattern.example)
        body = _body(_page(f'<div class="{pattern.example}"><p>Widget text here</p></div>'))
        assert "Widget text here" not in body
    elif pattern.kind == "story":
        element = html_page.parse_tree(f'<div class="{pattern.example} share-tools"></div>').find(".//div")
        assert not furniture.is_furniture_element(element)
    elif pattern.kind == "lines":
        assert furniture.is_furniture_line(pattern.example)
        assert pattern.example not in _body(_page(f"<p>{pattern.example}</p>"))
    elif pattern.kind == "links":
        assert furniture.is_furniture_link(pattern.example)
        body = _body(
            _page(f'<p>Read the council\'s full flood report <a href="{pattern.example}">here and now</a>.</p>')
        )
        assert "here and now" not in body and pattern.example not in body
    else:
        assert furniture.is_furniture_image(pattern.example, "") or furniture.is_furniture_image(
            "x.jpg", pattern.example
        )


@pytest.mark.parametrize(
    "text",
    [
        "The share price rose by a third on the news.",
        "Sign up for route alerts by text message.",
        "Updated figures for 2019 show a rise.",
        "Print editions sold out by noon on Monday across the county.",
    ],
)
def test_story_sentences_are_not_furniture(text):
    assert not furniture.is_furniture_line(text)


def test_an_element_that_holds_the_story_is_kept_whatever_its_name():
    body = _body(_page("").replace('<div class="story-text">', '<div class="entry-content entry-content-read-more">'))
    assert "The river rose above its banks" in body


# The deciding modules, on the cases the pages above do not cover.


@pytest.mark.parametrize(
    "byline, names",
    [
        ("By Jane Doe and John Roe in Paris | Updated 21 Nov 2015, 941 comments", ["Jane Doe", "John Roe"]),
        ("Par Marie Dupont et Jean Martin", ["Marie Dupont", "Jean Martin"]),
        ("By Seung Min Kim for The Washington Post", ["Seung Min Kim"]),
        ("By Mark Sweney and agencies", ["Mark Sweney"]),
        ("Carrie Arnold Contributing Writer", ["Carrie Arnold"]),
        ("About the author", []),
        ("https://www.facebook.com/jane.doe", []),
        ("Ursula von der Leyen", ["Ursula von der Leyen"]),
    ],
)
def test_bylines_are_split_into_names(byline, names):
    assert bylines.names(byline) == names


def test_headline_candidates_agree_and_the_generic_title_loses():
    names = ["BBC News", "bbc.co.uk"]
    assert (
        headlines.choose(
            [
                ("json-ld", "BBC News"),
                ("og", "Storm hits coast - BBC News"),
                ("h1", "Storm hits coast"),
                ("title", "BBC News"),
            ],
            names,
        )
        == "Storm hits coast"
    )
    assert (
        headlines.choose(
            [
                ("og", "Storm hits the coast"),
                ("h1", "Menu"),
                ("title", "Storm hits the coast | World news | The Times"),
            ],
            ["The Times"],
        )
        == "Storm hits the coast"
    )


def test_the_most_precise_date_wins_and_a_day_stays_a_day():
    assert moments.most_precise(["2019-11-18T10:15:00", "2019-11-18T09:15:00.250Z"]) == dt.datetime(
        2019, 11, 18, 9, 15, tzinfo=dt.UTC
    )
    assert moments.most_precise(["2019-11-18", "November 18, 2019"]) == dt.date(2019, 11, 18)
    assert moments.most_precise(["2019-11-18", "2019-11-18T08:00:00"]) == dt.datetime(2019, 11, 18, 8, 0)
    assert moments.parse_moment("Mon, 18 Nov 2019 10:00:00 IST") == dt.datetime(
        2019, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
    )


def test_source_names_fold_spellings_and_name_hosts():
    names = SourceNames({"theguardian.com": "The Guardian"}, known=["VICE News"])
    assert names.name("http://www.tmz.com") == "TMZ"
    assert names.name("the Guardian") == names.name("", "https://www.theguardian.com/world/x") == "The Guardian"
    assert names.name("vice news") == "VICE News"
    assert names.name("", "https://www.breitbart.com/politics/x") == "Breitbart"


def test_language_declared_unless_the_text_plainly_says_otherwise():
    german = (
        "Die Stadt will bis zum Sommer fünf neue Radwege bauen, teilte der Bürgermeister am Montag mit. "
        "Die Kosten übernimmt zur Hälfte das Land, den Rest zahlt die Stadt aus ihrem Haushalt."
    )
    assert language.story_language("en", german) == "de"
    assert language.story_language("de", german) == "de"
    assert language.story_language("fr", "Oui.") == "fr"
    assert language.language_code("en-GB") == "en" and language.language_code("fr_FR") == "fr"
    assert language.language_code("und") == ""


def test_srcset_addresses_may_hold_commas():
    assert (
        _largest_in_srcset("https://x/w_800,h_600/a.jpg 800w, https://x/w_1600,h_1200/a.jpg 1600w")
        == "https://x/w_1600,h_1200/a.jpg"
    )
    assert _largest_in_srcset("/a.jpg 1x, /a@2x.jpg 2x") == "/a@2x.jpg"


@pytest.mark.parametrize(
    "text",
    [
        "# not a heading",
        "1. not a list",
        "- not a bullet",
        "> not a quote",
        "*not emphasis* and _not_ either",
        "[not a link](https://example.org)",
        "see [x](javascript:alert(1)) now",
        "<script>alert(1)</script> stays text",
        "AT&T &amp;amp; R&D",
        "back\\slash and `ticks` and {: .attr}",
        "---",
        "| not | a table |",
    ],
)
def test_scraped_text_shows_exactly_as_written(text):
    body = _body(_page(f"<p>{html_module.escape(text)}</p>"))
    shown = [
        html_module.unescape(re.sub(r"<[^>]+>", "", paragraph))
        for paragraph in document.render_markdown(body, MARKDOWN).split("\n")
    ]
    expected = text.replace("&amp;amp;", "&")  # a publisher's double escape is decoded once more
    assert expected in shown


# Hostile and outsized input: defused, cut in bounded work, and the cut named.


@pytest.mark.slow  # megabytes of input
def test_outsized_input_is_cut_and_the_cut_is_named(tmp_path):
    page = tmp_path / "outsized.html"
    page.write_text(
        '<html><head><title>Outsized</title><link rel="canonical" href="https://big.example/story">'
        '<meta property="article:published_time" content="2019-11-18T08:00:00+00:00"></head><body><article>'
        "<h1>Outsized</h1><p>"
        + "word " * 100_000
        + "</p>"
        + "".join(
            f'<p>Paragraph {i} with <a href="https://big.example/{i}">link {i}</a> in it.</p>' for i in range(5000)
        )
        + f'<p><img src="https://big.example/{"a" * 10_000}.jpg" alt="huge address"></p>'
        + "<table>"
        + "".join(f"<tr><td>row {i}</td><td>{i}</td></tr>" for i in range(1000))
        + "</table>"
        + "</article></body></html>",
        encoding="utf-8",
    )
    result = run_cli("ingest", "--content", str(tmp_path / "content"), str(page))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith(f"WARNING: {page}: ")]
    cut = next(
        re.search(r"a paragraph of ([\d,]+) characters cut to ([\d,]+)$", line)
        for line in warnings
        if "a paragraph of" in line
    )
    assert int(cut.group(1).replace(",", "")) >= 499_000 and int(cut.group(2).replace(",", "")) <= 20_000
    assert any("links after the first 1,000 kept as text" in line for line in warnings)
    assert any("an image with an address of 10,0" in line for line in warnings)
    assert any("a table of 1,000 rows cut to 200" in line for line in warnings)
    [path] = (tmp_path / "content").rglob("*.md")
    body = frontmatter.parse(path.read_text(encoding="utf-8")).body
    assert body.count("](https://big.example/") == 1000 and "a" * 5000 not in body
    assert "| row 199 | 199 |" in body and "row 200" not in body


def test_deep_lists_and_quotes_are_flattened_to_what_the_build_converts(tmp_path):
    depth = 60
    nested_list = "".join(f"<ul><li>level {level}" for level in range(depth)) + "</li></ul>" * depth
    nested_quote = "<blockquote><p>quoted</p>" * depth + "</blockquote>" * depth
    page = tmp_path / "deep.html"
    page.write_text(
        "<html><head><title>Readers ask why the lists go so deep</title>"
        '<link rel="canonical" href="https://deep.example/story">'
        '<meta property="article:published_time" content="2019-11-18T08:00:00+00:00"></head><body><article>'
        "<h1>Readers ask why the lists go so deep</h1><p>"
        + "A story paragraph that says something. " * 10
        + "</p>"
        + nested_list
        + nested_quote
        + "<p>"
        + "The end of the story, told plainly. " * 10
        + "</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    result = run_cli("ingest", "--content", str(tmp_path / "content"), str(page))
    assert result.returncode == 0, result.stderr
    [path] = (tmp_path / "content").rglob("*.md")
    body = frontmatter.parse(path.read_text(encoding="utf-8")).body
    document.check_nesting(body)  # the build converts it: no BodyError
    assert "level 0" in body and f"level {depth - 1}" in body  # flattened, nothing lost
    assert any("nested over 32 levels deep flattened" in line for line in result.stderr.splitlines())


def test_hostile_markup_never_reaches_the_markdown(tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(
        '<html><head><title>Hostile</title><link rel="canonical" href="https://bad.example/story">'
        '<meta property="article:published_time" content="2019-11-18T08:00:00+00:00"></head><body><article>'
        "<h1>Hostile</h1>"
        + "".join(
            f"<p>Paragraph {i} of a story long enough to be read as the article by the extractor.</p>" for i in range(4)
        )
        + '<p><a href="javascript:alert(1)">js</a> <a href="JaVaScRiPt:alert(2)">js2</a> '
        '<a href="java\tscript:x">tab</a> '
        '<a href="vbscript:msgbox">vb</a> <a href="data:text/html;base64,PHNjcmlwdD4=">data</a> '
        '<a href="https://good.example/ok" onclick="alert(3)">fine</a></p>'
        '<p><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="d">'
        '<img src="https://good.example/a.jpg" onerror="x()" alt="ok">'
        '</p><svg onload="alert(4)"><script>alert(5)</script></svg><iframe srcdoc="&lt;script&gt;"></iframe>'
        "<style>p{}</style><script>alert(6)</script>"
        "<p>The last paragraph with &lt;marquee&gt;scrolling&lt;/marquee&gt; as text.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    _, written = ingest_one(tmp_path, page)
    [text] = written.values()
    for active in (
        "javascript",
        "JaVaScRiPt",
        "vbscript",
        "data:",
        "onclick",
        "onerror",
        "onload",
        "<svg",
        "<iframe",
        "<style",
        "<script",
        "alert(5)",
        "alert(6)",
        "<img",
    ):
        assert active not in text, active
    assert "[fine](https://good.example/ok)" in text and "![ok](https://good.example/a.jpg)" in text
    html = document.render_markdown(frontmatter.parse(text).body, MARKDOWN)
    assert "&lt;marquee&gt;scrolling&lt;/marquee&gt; as text" in html


def test_feed_entries_keep_links_images_and_language(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Le Quotidien</title><id>urn:q</id>
<link href="https://quotidien.example/"/><updated>2019-11-18T10:00:00Z</updated>
<entry><title>Le pont rouvre &amp;quot;enfin&amp;quot;</title><id>urn:q:1</id><link href="https://quotidien.example/pont"/>
<updated>2019-11-18T10:00:00Z</updated><author><name>Par Claire Petit</name></author>
<content type="html">&lt;p&gt;Le pont rouvre lundi après huit mois de travaux, selon la &lt;a href="/mairie"&gt;mairie&lt;/a&gt;.&lt;/p&gt;
&lt;figure&gt;&lt;img src="https://quotidien.example/pont.jpg" alt="Le pont"&gt;&lt;figcaption&gt;Le pont au matin. Photo : Luc Roy&lt;/figcaption&gt;&lt;/figure&gt;
&lt;ul&gt;&lt;li&gt;Deux voies&lt;/li&gt;&lt;li&gt;Une piste cyclable&lt;/li&gt;&lt;/ul&gt;
&lt;p&gt;Les travaux ont coûté douze millions d'euros, payés par la région et la ville.&lt;/p&gt;</content></entry>
</feed>""",  # noqa: E501 - a feed as servers send it, lines and all
        encoding="utf-8",
    )
    report, written = ingest_one(tmp_path, feed)
    assert report.count("written") == 1, report.outcomes
    [text] = written.values()
    story = frontmatter.parse(text)
    assert story.metadata["title"] == 'Le pont rouvre "enfin"' and story.metadata["lang"] == "fr"
    assert story.metadata["authors"] == ["Claire Petit"] and story.metadata["source"] == "Le Quotidien"
    assert "[mairie](https://quotidien.example/mairie)" in story.body
    assert "![Le pont](https://quotidien.example/pont.jpg)" in story.body and "Le pont au matin." in story.body
    assert "- Deux voies\n- Une piste cyclable" in story.body


def test_the_seed_and_plain_clippings_gain_no_language_in_the_site_language(tmp_path):
    clipping = tmp_path / "clip.txt"
    clipping.write_text(
        "Storm hits the coast\n\nNovember 21, 2015, 5:01pm\n\nThe storm reached the coast on Monday "
        "night, and the harbour wall held while the road behind it flooded.\n",
        encoding="utf-8",
    )
    french = tmp_path / "fr.txt"
    french.write_text(
        "Le pont rouvre enfin\n\nNovember 21, 2015, 5:01pm\n\nLe pont rouvre lundi après huit mois de "
        "travaux, a annoncé la mairie, qui promet une piste cyclable.\n",
        encoding="utf-8",
    )
    _, written = ingest_one(tmp_path, clipping, french)
    langs = {
        frontmatter.parse(text).metadata["title"]: frontmatter.parse(text).metadata.get("lang")
        for text in written.values()
    }
    assert langs == {"Storm hits the coast": None, "Le pont rouvre enfin": "fr"}
