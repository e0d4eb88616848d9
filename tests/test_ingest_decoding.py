"""Pages read as a browser reads them (byte-order mark, the HTTP header's charset, <meta charset>
or an XML declaration with the WHATWG labels, then detection); pages that once failed now
ingest; standfirsts are one or two sentences of the story; sources are the publisher's name."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from newsdigest.content import frontmatter
from newsdigest.ingest import IngestError, Options, html_page, ingest, reading
from newsdigest.ingest.sources import SourceNames
from newsdigest.ingest.standfirsts import MAX_CHARS, standfirst
from newsdigest_bench import boilerplate

from conftest import SHARED, require_shared

BOILERPLATE = SHARED / "corpora" / "boilerplate"
CURLY = "“It’s done,” she said — at €2m."


def _page(head: str, body: str = f"<p>{CURLY}</p>", title: str = "A headline") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>{body}</body></html>"


# Decoding


def test_a_page_declaring_windows_1252_keeps_its_curly_quotes():
    data = _page('<meta charset="windows-1252">').encode("cp1252")
    assert CURLY in reading.decode(data)


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO_8859-1", "latin1", "us-ascii", "ascii", "l1", "cp819"])
def test_latin1_and_ascii_labels_mean_windows_1252(label):
    # As in browsers: bytes 0x80-0x9F are curly quotes and dashes, not control codes.
    data = _page(f'<meta http-equiv="Content-Type" content="text/html; charset={label}">').encode("cp1252")
    text = reading.decode(data)
    assert CURLY in text and not any("\x80" <= char <= "\x9f" for char in text)


def test_a_meta_charset_late_in_a_long_head_counts():
    scripts = "<script>var x = 1;</script>" * 200  # past the first kilobyte
    data = _page(scripts + '<meta charset="windows-1251">', "<p>Новости дня</p>").encode("cp1251")
    assert "Новости дня" in reading.decode(data)


def test_the_http_header_comes_before_the_page_and_the_byte_order_mark_before_both():
    data = _page('<meta charset="utf-8">', "<p>Новости</p>").encode("cp1251")
    assert "Новости" in reading.decode(data, "windows-1251")
    with_mark = "\ufeff" + _page('<meta charset="windows-1252">', f"<p>{CURLY}</p>")
    assert reading.decode(with_mark.encode("utf-8"), "iso-8859-1") == with_mark[1:]
    assert reading.decode(with_mark[1:].encode("utf-16")) == with_mark[1:]  # Python's UTF-16 writes a mark
    assert reading.header_charset("text/html; charset=ISO-8859-1") == "ISO-8859-1"
    assert reading.header_charset('text/html;charset="utf-8"') == "utf-8"
    assert reading.header_charset("text/html") is None
    assert reading.header_charset("") is None


def test_a_feed_declares_its_encoding_in_its_xml_declaration():
    feed = '<?xml version="1.0" encoding="windows-1251"?><rss><channel><title>Лента</title></channel></rss>'
    assert "<title>Лента</title>" in reading.decode(feed.encode("cp1251"))


def test_utf8_bytes_win_over_a_legacy_declaration_and_a_stray_bad_byte_is_shown_as_a_browser_shows_it():
    # A page converted to UTF-8 when saved, its old declaration left in place.
    converted = _page('<meta charset="iso-8859-1">').encode("utf-8")
    assert CURLY in reading.decode(converted)
    # A UTF-8 page with one Latin-1 byte in an attribute: the page is read, the byte replaced.
    stray = (
        _page('<meta charset="utf-8">', '<p title="f\xfcr">Grüße</p>').encode("utf-8").replace(b"f\xc3\xbcr", b"f\xfcr")
    )
    text = reading.decode(stray)
    assert "Grüße" in text and "f\ufffdr" in text
    assert "<p>Grüße</p>" in reading.decode(_page('<meta charset="utf-16">', "<p>Grüße</p>").encode("utf-8"))


def test_a_page_that_declares_nothing_is_detected():
    assert CURLY in reading.decode(_page("").encode("cp1252"))  # little to tell: windows-1252
    russian = "Правительство объявило о новых мерах поддержки малого бизнеса и семей с детьми. " * 6
    assert russian in reading.decode(_page("", f"<p>{russian}</p>").encode("cp1251"))
    polish = (
        "Rząd ogłosił w środę, że od przyszłego roku zwiększy dopłaty dla rolników. Minister rolnictwa powiedział, "
        "że pieniądze trafią przede wszystkim do małych gospodarstw, które najbardziej ucierpiały podczas suszy. "
        "Według wstępnych szacunków susza zniszczyła jedną czwartą zbiorów zbóż w województwach wschodnich."
    )
    assert polish in reading.decode(_page("", f"<p>{polish}</p>").encode("cp1250"))
    assert "Grüße" in reading.decode(_page("", "<p>Grüße aus Köln</p>").encode("latin-1"))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 50, "binary file, not text"),
        ("\ufeffbinary\x00inside".encode("utf-16"), "binary file, not text"),
        (b"Headline\n\nBody \x81\x8d\x90 bytes\n", "undecodable bytes"),
    ],
)
def test_empty_binary_and_undecodable_input_is_refused_with_its_reason(data, reason):
    with pytest.raises(IngestError, match=f"^{reason}"):
        reading.decode(data)


def test_a_fetched_page_is_decoded_with_its_http_headers_charset(tmp_path):
    page = _page(
        "", "<article><h1>Новости дня</h1>" + "<p>Правительство объявило о новых мерах.</p>" * 5 + "</article>"
    )
    page = page.replace("<head>", '<head><meta property="article:published_time" content="2020-01-02T10:00:00Z">')
    (tmp_path / "story.html").write_bytes(page.encode("cp1251"))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def guess_type(self, path):
            return "text/html; charset=windows-1251"

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/story.html"
        report = ingest([url], Options(content=tmp_path / "content", allow_private=True))
    finally:
        server.shutdown()
    assert report.count("written") == 1, report.outcomes
    [path] = (tmp_path / "content").rglob("*.md")
    story = frontmatter.parse(path.read_text(encoding="utf-8"))
    assert story.metadata["title"] == "Новости дня" and "Правительство объявило" in story.body


def test_an_xhtml_page_with_an_xml_declaration_is_read():
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + _page(
        "",
        "<h1>Taucher üben</h1><p>Am Samstag übten zwölf Taucher im See das Retten aus dem Eis, vier Stunden lang.</p>",
    )
    tree = html_page.parse_tree(page)
    assert tree.findtext(".//h1") == "Taucher üben"


# Pages that failed: each real page trafilatura extracts now ingests (they are read at run time).

ONCE_FAILED = [
    "Sprzeciw-wobec-atak-w-na-Fundacj-Lux-Veritatis-RadioMaryja.pl.html",  # UTF-8 with one bad byte
    "der-erfolg-gibt-recht.de.rinderleber.html",
    "die-tagespost.de.Demut.html",  # iso-8859-1 declared, windows-1252 quotes
    "kyffhaeuser-nachrichten.de-Regen.html",
    "maescot.de.schafskunde.html",
    "mix1.de-clio.html",
    "rheinruhronline.de.essenwestviertel.html",
    "dsv.de-synchronschwimmen.html",  # XML declarations
    "feuerwehrtaucher-oldenburg.de.ausbildung.html",
    "tour-magazin.de-unfall.html",
    "iconmagazine.de.sharonstone.html",  # metadata naming only the site
    "mluk.brandenburg.de-erlegungspermie.html",  # og:site_name set to the headline
]


@pytest.mark.slow  # a corpus
def test_real_pages_that_failed_now_ingest():
    require_shared(BOILERPLATE)
    pages = {page.name: page for page in boilerplate.pages(BOILERPLATE) if page.name in ONCE_FAILED}
    assert set(pages) == set(ONCE_FAILED)
    for name, page in pages.items():
        story = html_page.parse(reading.decode(page.data), page.url or None)
        text = " ".join(story.plain_paragraphs)
        assert story.title and "\ufffd" not in story.title, name
        assert len(story.paragraphs) >= 2 and "\ufffd" not in text, name
    iconic = html_page.parse(reading.decode(pages["iconmagazine.de.sharonstone.html"].data))
    assert iconic.title == "Davor und Danach" and iconic.subtitle == ""
    ministry = pages["mluk.brandenburg.de-erlegungspermie.html"]
    assert html_page.parse(reading.decode(ministry.data), ministry.url).source == "MLUK"


# Standfirsts

HEADLINE = "Apple says iPhone sales rose in the summer"


@pytest.mark.parametrize(
    "description",
    [
        "(Aug. 13) -- Declaring",
        "WASHINGTON (AP) — Declaring",
        "Read 'Apple says iPhone sales rose…' on Yahoo! News.",
        "Apple says iPhone sales rose in the summer - Example News",
        "Sales",
        "A " + "very " * 70 + "long first sentence that never stops.",
    ],
)
def test_what_is_no_standfirst_is_left_out(description):
    assert standfirst(description, HEADLINE) == ""


def test_a_standfirst_is_one_or_two_sentences_of_the_story_within_the_limit():
    two = "Sales rose by a fifth in the three months to September. Analysts had expected less."
    assert standfirst(two, HEADLINE) == two
    assert standfirst("(Aug. 13) -- " + two, HEADLINE) == two
    assert standfirst("CUPERTINO, Calif. (AP) — " + two, HEADLINE) == two
    long = two + (
        " The chief executive said demand in China had recovered, and that the new models sold out within days"
        " in most shops across the country and in the company's own online store."
    )
    assert standfirst(long, HEADLINE) == two
    sentence = "The U.S. company sold more phones than ever in the three months to September, it said on Tuesday."
    paragraph = " ".join([sentence] * 5)  # 500 characters
    assert standfirst(paragraph, HEADLINE) == f"{sentence} {sentence}"
    assert len(standfirst(paragraph * 3, HEADLINE)) <= MAX_CHARS
    truncated = "Sales rose by a fifth in the three months to September. Analysts had expected a smaller rise, and the…"
    assert standfirst(truncated, HEADLINE) == "Sales rose by a fifth in the three months to September."
    assert standfirst(
        "Die Regierung hat am 13. August beschlossen, die Steuer zu senken. Das sagte der Minister.", "Steuer"
    ) == ("Die Regierung hat am 13. August beschlossen, die Steuer zu senken. Das sagte der Minister.")
    assert standfirst("A dek without a final stop, as many are", HEADLINE) == "A dek without a final stop, as many are"


def test_a_page_whose_metadata_describe_the_site_has_no_standfirst():
    page = _page(
        '<meta property="og:title" content="Stil Magazin"><meta property="og:site_name" content="Stil Magazin">'
        '<meta property="og:description" content="Geschichten aus Mode, Design und Kultur, zehnmal im Jahr.">'
        '<meta property="article:published_time" content="2022-11-03T08:00:00+01:00">',
        '<h1>Stil Magazin</h1><main><div class="title-text"><p>Häuser aus Lehm</p></div>'
        + "<p>Sie baut seit zwanzig Jahren mit Lehm, und ihre Häuser stehen in vier Ländern.</p>" * 3
        + "</main>",
        title="Stil Magazin",
    )
    story = html_page.parse(page, "https://stilmagazin.example/story/lehm/")
    assert story.title == "Häuser aus Lehm" and story.subtitle == "" and story.source == "Stil Magazin"


def test_a_feed_entrys_summary_is_held_to_the_standfirst_rule(tmp_path):
    sentence = "Shipments rose by a fifth in the three months to September, the company said on Tuesday."
    body = "&lt;p&gt;The company sold more phones than ever, and its shares rose after the figures.&lt;/p&gt;"
    entries = {
        "Apple says iPhone sales rose in the summer": "Read 'Apple says iPhone sales rose…' on Yahoo! News.",
        "Phone makers ship more handsets": " ".join([sentence] * 5),  # a 450-character paragraph
    }
    feed = tmp_path / "wire.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
        "<id>urn:wire</id><updated>2015-11-22T10:00:00Z</updated>"
        + "".join(
            f'<entry><title>{title}</title><id>urn:wire:{number}</id><link href="https://wire.example/{number}"/>'
            f'<updated>2015-11-22T10:00:00Z</updated><summary>{summary}</summary><content type="html">{body}</content>'
            "</entry>"
            for number, (title, summary) in enumerate(entries.items())
        )
        + "</feed>",
        encoding="utf-8",
    )
    report = ingest([str(feed)], Options(content=tmp_path / "content"))
    assert report.count("written") == 2, report.outcomes
    subtitles = {
        story.metadata["title"]: story.metadata.get("subtitle", "")
        for story in (
            frontmatter.parse(path.read_text(encoding="utf-8")) for path in (tmp_path / "content").rglob("*.md")
        )
    }
    assert subtitles == {
        "Apple says iPhone sales rose in the summer": "",
        "Phone makers ship more handsets": f"{sentence} {sentence}",
    }


# Sources

STORY = (
    "<article><h1>Storm floods the valley</h1>"
    + "<p>The river rose overnight and flooded the valley floor, where hundreds of homes stood in water.</p>" * 3
    + "</article>"
)
DATED = '<meta property="article:published_time" content="2011-08-13T10:00:00Z">'


@pytest.mark.parametrize(
    ("head", "url", "source"),
    [
        ('<meta property="og:site_name" content="USA Today">', "https://www.usatoday.com/news/storm.htm", "USA Today"),
        ('<meta property="og:site_name" content="Libération">', "https://www.liberation.fr/a/storm/", "Libération"),
        (
            (
                '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Storm floods the valley",'
                ' "publisher": {"@type": "Organization", "name": "Libération"}}</script>'
                '<meta property="og:site_name" content="liberation.fr">'
            ),
            "https://www.liberation.fr/a/storm/",
            "Libération",
        ),
        (
            "<title>Storm floods the valley - The New York Times</title>",
            "https://www.nytimes.com/a.html",
            "The New York Times",
        ),
        (
            "<title>Storm floods the valley | Los Angeles Times</title>",
            "https://www.latimes.com/a.html",
            "Los Angeles Times",
        ),
        ("<title>Storm floods the valley - USA Today</title>", "https://www.usatoday.com/a.html", "USA Today"),
        ('<meta property="og:site_name" content="CBSSports.com">', "https://www.cbssports.com/a/", "CBSSports"),
        ("", "https://www.usatoday.com/news/storm.htm", "Usatoday"),  # only the host: its label
    ],
)
def test_the_source_is_the_publishers_name_before_the_host_name(head, url, source):
    assert html_page.parse(_page(DATED + head, STORY), url).source == source


def test_the_curators_source_names_still_win():
    names = SourceNames({"usatoday.com": "USA TODAY", "Liberation": "Libération", "cbssports.com": "CBS Sports"})
    assert html_page.parse(_page(DATED, STORY), "https://www.usatoday.com/a.htm", names).source == "USA TODAY"
    site_named = _page(DATED + '<meta property="og:site_name" content="Usatoday">', STORY)
    assert html_page.parse(site_named, "https://eu.usatoday.com/a.htm", names).source == "USA TODAY"
    assert names.name("Liberation") == "Libération"
    assert names.name("CBSSports.com") == "CBS Sports"
    assert SourceNames().name("", "https://www.tmz.com/a") == "TMZ"
