"""Feeds: one description of a feed and its entries, written as RSS 2.0 and Atom 1.0
(feedgen) and JSON Feed 1.1 (json, following https://jsonfeed.org/version/1.1).

Plain functions, no Pelican. Everything written comes from the entries: the
feed's updated date is the newest entry's, never the clock, so unchanged content
gives byte-identical feeds. Times are whole seconds with their UTC offset in every
format: some readers (newsboat) drop the offset of a time with a fraction.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import lxml.etree
import lxml.html
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.feed import FeedGenerator

from newsdigest.content import safe_urls
from newsdigest.content.document import sanitise_html
from newsdigest.site import presentation
from newsdigest.site.feed_settings import Settings

FORMATS = ("rss", "atom", "json")
FILE_NAMES = {"rss": "rss.xml", "atom": "atom.xml", "json": "json"}
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
NOTE_LABEL = presentation.Settings.note_label  # NOTE_LABEL's default
_ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 forbids (C0 controls but tab, newline, return; surrogates; U+FFFE/U+FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# An IETF language tag as readers accept it ("en", "fr", "pt-BR", "zh-Hant-TW").
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def is_feed_file(relative: str) -> bool:
    """Whether the site's file at `relative` ("tags/mali/feed.atom.xml", with "/") is one of its
    feeds: the site's (feeds/all.*), the editions' and every term's (<page>feed.*)."""
    name = relative.rpartition("/")[2]
    return any(relative == f"feeds/all.{ending}" or name == f"feed.{ending}" for ending in FILE_NAMES.values())


def feed_siteurl(settings: Mapping) -> str:
    """The absolute base of the links that leave the site (feeds, newsletters, sitemaps, social
    cards) in a build with Pelican's `settings`, even one built for local browsing: FEED_SITEURL,
    else SITEURL, else a local address."""
    return Settings(siteurl=settings.get("FEED_SITEURL")).base_url(settings.get("SITEURL"))


def xml_safe(text: str | None) -> str:
    """`text` without the characters no XML document may hold (applied to all formats alike)."""
    return _XML_ILLEGAL.sub("", text or "")


def language_tag(value: object) -> str:
    """`value` as a language tag for `xml:lang`, `<language>` and JSON Feed, or "" when it is none."""
    text = value.strip() if isinstance(value, str) else ""
    return text if _LANGUAGE_TAG.fullmatch(text) else ""


def whole_seconds(moment: dt.datetime) -> dt.datetime:
    """`moment` without its fraction of a second; it must carry its UTC offset."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no UTC offset")
    return moment.replace(microsecond=0)


def day_moment(day: dt.date, timezone: dt.tzinfo, hour: int = Settings.date_only_hour) -> dt.datetime:
    """A day without a time as feeds date it: `hour` o'clock that day in `timezone`, with the
    offset of that day (summer or winter time)."""
    wall_clock = dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone)
    return wall_clock.astimezone(dt.UTC).astimezone(timezone)  # an hour a clock change skips moves on


def edition_moment(
    day: dt.date, newest: dt.datetime, timezone: dt.tzinfo, hour: int = Settings.date_only_hour
) -> dt.datetime:
    """When feeds date the edition of `day` whose newest story came out at `newest`: that day at
    `hour`, or that story's moment when it came out earlier the same day (so that an edition built
    in the morning is not dated hours ahead), never another day's (a story picked from an older day
    would date the edition before newer ones)."""
    moment = day_moment(day, timezone, hour)
    return min(moment, newest) if newest.astimezone(timezone).date() == day else moment


def absolute_links(html: str, base_url: str) -> str:
    """Every href and src in an HTML fragment made absolute against `base_url`."""
    if not html.strip():
        return html
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    wrapper.make_links_absolute(base_url, resolve_base_href=False)
    return _inner_html(wrapper)


def _inner_html(element) -> str:
    return html.escape(element.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in element
    )


def page_body_html(page: str, base_url: str) -> str:
    """The body of a whole HTML page (an edition's email) as an entry's content.

    A feed reader lays out and colours entries itself, in light or dark: the page's layout
    tables (`role="presentation"`) are unwrapped and its inline styles dropped, leaving its
    headings, paragraphs and links, made absolute against `base_url`.
    """
    body = lxml.html.document_fromstring(page).body
    if body is None:  # a page of <head> alone
        return ""
    layout = []
    for table in body.xpath('.//table[@role="presentation"]'):
        layout += [
            table,
            *table.xpath("./tbody | ./tr | ./tbody/tr | ./tr/td | ./tbody/tr/td | ./tr/th | ./tbody/tr/th"),
        ]
    for element in layout:
        element.drop_tag()
    for paragraph in body.xpath(".//p[not(node())]"):  # spacers
        paragraph.drop_tree()
    return absolute_links(sanitise_html(_inner_html(body)), base_url).strip()


@dataclass(frozen=True)
class Person:
    name: str
    url: str = ""  # an absolute web address, or ""


def credited(author_names, source_name: str, source_page: str = "") -> tuple[Person, ...]:
    """Who an entry is by: the story's authors, else its source (with the source's page on
    the site); nobody when it has neither, and the feed's own author then applies."""
    people = tuple(Person(name) for name in author_names if name)
    if people or not source_name:
        return people
    return (Person(source_name, source_page),)


def compose_content(
    note: str, standfirst: str, body_html: str, note_language: str = "", note_label: str = NOTE_LABEL
) -> str:
    """An entry's content: the curator's note first, as a labelled paragraph, then the
    standfirst, then the story (which is "" in summary-only feeds). `note_language` marks the
    note's language when it differs from the story's (an English note on a French story)."""
    parts = []
    if note:
        lang = f' lang="{note_language}"' if note_language else ""
        parts.append(
            f"<p{lang}><strong>{html.escape(note_label, quote=False)}:</strong> {html.escape(note, quote=False)}</p>"
        )
    if standfirst:
        parts.append(f"<p><em>{html.escape(standfirst, quote=False)}</em></p>")
    if body_html:
        parts.append(body_html)
    return "\n".join(parts)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[Person, ...] = ()
    categories: tuple[str, ...] = ()
    note: str = ""  # the curator's note, text
    standfirst: str = ""  # text
    body_html: str = ""  # the story or the edition's newsletter, links absolute; "" when only summarised
    excerpt: str = ""  # text to summarise the entry by when it has neither note nor standfirst
    source_name: str = ""
    source_url: str = ""
    image_url: str = ""  # absolute
    language: str = ""  # the entry's own language tag, when it has one

    def __post_init__(self):
        object.__setattr__(self, "published", whole_seconds(self.published))
        object.__setattr__(self, "updated", whole_seconds(self.updated))
        # Readers open these from the entry: anything but a web address is left out (safe_urls).
        for name in ("source_url", "image_url"):
            object.__setattr__(self, name, safe_urls.web_url(getattr(self, name)) or "")

    @property
    def summary(self) -> str:
        """The note when there is one, else the standfirst (else the excerpt)."""
        return self.note or self.standfirst or self.excerpt

    def content_html(self, site_language: str = "", note_label: str = NOTE_LABEL) -> str:
        """The entry's content in a feed whose language (the site's, the note's) is `site_language`."""
        note_language = site_language if self.language and self.language != site_language else ""
        return compose_content(self.note, self.standfirst, self.body_html, language_tag(note_language), note_label)


@dataclass(frozen=True)
class Feed:
    title: str
    home_url: str  # the page the feed belongs to
    self_urls: dict[str, str]  # format -> absolute URL of that feed file
    description: str
    author: Person | None = None  # who publishes the feed: the site
    language: str = "en"
    hub_url: str | None = None
    entries: tuple[Entry, ...] = field(default_factory=tuple)
    note_label: str = NOTE_LABEL  # the label that opens the curator's note (NOTE_LABEL)

    def newest(self) -> dt.datetime:
        moments = [entry.updated for entry in self.entries]
        return max(moments) if moments else _EPOCH


def _image_type(url: str) -> str:
    return mimetypes.guess_type(url.split("?", 1)[0])[0] or "image/jpeg"


def _escaped(text: str) -> str:
    """Text as HTML: what RSS readers expect in <description> and Atom type="html" holds."""
    return html.escape(xml_safe(text), quote=False)


def _feedgen(feed: Feed, self_format: str, updated: dt.datetime) -> FeedGenerator:
    generator = FeedGenerator()
    # Atom has its own authors and xml:lang. (load_extension("dc") would look for a module
    # feedgen does not have, through the whole import system, for every feed.)
    generator.register_extension("dc", DcExtension, DcEntryExtension, atom=False)
    _describe_feed(generator, feed, self_format)
    generator.generator("newsdigest")
    generator.updated(updated)
    for entry in feed.entries:  # newest first, kept in that order
        _add_entry(generator, entry, feed, self_format)
    return generator


def _describe_feed(generator: FeedGenerator, feed: Feed, self_format: str) -> None:
    """The feed's own id, title, description, links, language and publisher."""
    generator.id(feed.self_urls.get("atom") or feed.home_url)
    generator.title(xml_safe(feed.title))
    generator.description(xml_safe(feed.description) or xml_safe(feed.title))
    generator.link(href=feed.self_urls[self_format], rel="self", type=MEDIA_TYPES[self_format])
    if feed.hub_url and self_format == "atom":
        generator.link(href=feed.hub_url, rel="hub")
    generator.link(href=feed.home_url, rel="alternate")  # last: feedgen takes the last link as RSS <link>
    if feed.language:
        generator.language(feed.language)
    if feed.author is not None:
        generator.author({"name": xml_safe(feed.author.name), **({"uri": feed.author.url} if feed.author.url else {})})
        generator.dc.dc_publisher(xml_safe(feed.author.name))  # RSS: its <author> needs an email address


def _add_entry(generator: FeedGenerator, entry: Entry, feed: Feed, self_format: str) -> None:
    """One entry, its elements in the order feedgen is given them."""
    item = generator.add_entry(order="append")
    item.id(entry.id)
    item.guid(entry.id, permalink=False)
    item.title(xml_safe(entry.title))
    item.link(href=entry.link, rel="alternate")
    item.published(entry.published)
    item.updated(entry.updated)
    for person in entry.authors:
        item.author({"name": xml_safe(person.name), **({"uri": person.url} if person.url else {})})
    if entry.authors:  # one byline: readers show a single dc:creator
        item.dc.dc_creator(", ".join(xml_safe(person.name) for person in entry.authors))
    if entry.language:
        item.dc.dc_language(entry.language)
    for category in entry.categories:
        item.category(term=xml_safe(category))
    if entry.summary:  # Atom: made type="html" in _atom_document, so no reader takes a "<" for markup
        item.summary(_escaped(entry.summary))
    content = entry.content_html(feed.language, feed.note_label)
    if content:
        item.content(xml_safe(content), type="html")
    if self_format == "rss":
        _add_rss_only(item, entry)


def _add_rss_only(item, entry: Entry) -> None:
    """What RSS says in elements of its own and Atom otherwise (see _atom_document): the original
    story as <source>, the lead image as an enclosure, the entry's language."""
    if entry.source_url:
        item.source(url=entry.source_url, title=xml_safe(entry.source_name or entry.source_url))
    if entry.image_url:
        item.enclosure(entry.image_url, "0", _image_type(entry.image_url))
    if entry.language:
        item.dc.dc_language(entry.language)


def _written(parent: lxml.etree._Element, path: str) -> lxml.etree._Element:
    """The element feedgen always writes at `path` under `parent`."""
    found = parent.find(path)
    if found is None:
        raise ValueError(f"feedgen wrote no {path}")
    return found


def _rss_document(feed: Feed, updated: dt.datetime) -> bytes:
    generator = _feedgen(feed, "rss", updated)
    tree = lxml.etree.fromstring(generator.rss_str())
    if feed.hub_url:  # WebSub in RSS: an atom:link rel="hub" beside the self link
        self_link = _written(tree, f"channel/{{{_ATOM}}}link")
        hub = lxml.etree.Element(f"{{{_ATOM}}}link", href=feed.hub_url, rel="hub")
        self_link.addnext(hub)
    return lxml.etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _as_html_text(element) -> None:
    """An Atom text construct holding text, turned into type="html" holding that text escaped:
    a headline with "</b>" in it reads the same in readers that take every title for HTML."""
    if element is not None and element.get("type") != "html":
        element.set("type", "html")
        element.text = html.escape(element.text or "", quote=False)


def _atom_document(feed: Feed, updated: dt.datetime) -> bytes:
    generator = _feedgen(feed, "atom", updated)
    tree = lxml.etree.fromstring(generator.atom_str())
    for name in ("title", "subtitle"):
        _as_html_text(tree.find(f"{{{_ATOM}}}{name}"))
    # feedgen 1.0.0 drops rel and type from entry links, so its enclosures would read as a
    # second alternate link: add them here, and the original story as a "via" link (RFC 4287
    # 4.2.7.2), which atom:source (meant for entries copied from another feed) is not.
    for element, entry in zip(tree.findall(f"{{{_ATOM}}}entry"), feed.entries, strict=True):
        _as_html_text(element.find(f"{{{_ATOM}}}title"))
        summary = element.find(f"{{{_ATOM}}}summary")
        if summary is not None:
            summary.set("type", "html")
        if entry.language:
            element.set(_XML_LANG, entry.language)
        alternate = _written(element, f"{{{_ATOM}}}link")
        if entry.image_url:
            alternate.addnext(
                lxml.etree.Element(
                    f"{{{_ATOM}}}link", href=entry.image_url, rel="enclosure", type=_image_type(entry.image_url)
                )
            )
        if entry.source_url:
            via = lxml.etree.Element(f"{{{_ATOM}}}link", href=entry.source_url, rel="via")
            if entry.source_name:
                via.set("title", xml_safe(entry.source_name))
            alternate.addnext(via)
    lxml.etree.indent(tree)
    return lxml.etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _json_person(person: Person) -> dict:
    return {"name": xml_safe(person.name), **({"url": person.url} if person.url else {})}


def _json_time(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _json_item(entry: Entry, language: str, note_label: str) -> bytes:
    """The entry as a JSON Feed item, laid out as json.dumps(indent=2) lays out an item of the feed's list."""
    item: dict[str, object] = {"id": entry.id, "url": entry.link, "title": xml_safe(entry.title)}
    if entry.language:
        item["language"] = entry.language
    if entry.source_url:
        item["external_url"] = entry.source_url
    content = entry.content_html(language, note_label)
    if content:
        item["content_html"] = xml_safe(content)
    else:
        item["content_text"] = xml_safe(entry.summary or entry.title)
    if entry.summary:
        item["summary"] = xml_safe(entry.summary)
    if entry.image_url:
        item["image"] = entry.image_url
    item["date_published"] = _json_time(entry.published)
    item["date_modified"] = _json_time(entry.updated)
    if entry.authors:
        item["authors"] = [_json_person(person) for person in entry.authors]
    if entry.categories:
        item["tags"] = [xml_safe(category) for category in entry.categories]
    if entry.source_name:
        item["_source"] = {
            "name": xml_safe(entry.source_name),
            **({"url": entry.source_url} if entry.source_url else {}),
        }
    text = json.dumps(item, ensure_ascii=False, indent=2)  # JSON strings hold no line break: each one is layout
    return (_JSON_ITEM_INDENT + text.replace("\n", "\n" + _JSON_ITEM_INDENT)).encode("utf-8")


def render_json(feed: Feed, serialised: SerialisedEntries | None = None) -> bytes:
    document: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": xml_safe(feed.title),
        "home_page_url": feed.home_url,
        "feed_url": feed.self_urls["json"],
        "description": xml_safe(feed.description),
    }
    if feed.author is not None:
        document["authors"] = [_json_person(feed.author)]
    if feed.language:
        document["language"] = feed.language
    if feed.hub_url:
        document["hubs"] = [{"type": "WebSub", "url": feed.hub_url}]
    document["items"] = []
    text = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    items = (serialised if serialised is not None else SerialisedEntries()).of(feed, "json")
    if items:  # the list as json.dumps lays it out, of the items serialised once
        text = text.removesuffix(_JSON_NO_ITEMS) + b"[\n" + b",\n".join(items) + b"\n  ]\n}"
    return text + b"\n"


def render_rss(feed: Feed, serialised: SerialisedEntries | None = None) -> bytes:
    return _render_xml(feed, "rss", serialised if serialised is not None else SerialisedEntries())


def render_atom(feed: Feed, serialised: SerialisedEntries | None = None) -> bytes:
    return _render_xml(feed, "atom", serialised if serialised is not None else SerialisedEntries())


_XML_DOCUMENTS = {"rss": _rss_document, "atom": _atom_document}
# The closing tag of the element that holds a feed's entries as its last children.
_ENTRIES_END = {"rss": b"</channel>", "atom": b"</feed>"}
_JSON_ITEM_INDENT = "    "  # items of the top-level "items" list
_JSON_NO_ITEMS = b"[]\n}"  # how json.dumps(indent=2) ends a feed whose last key, "items", is empty
_FRAME_URL = "http://localhost/"


def _around_entries(document: bytes, fmt: str) -> tuple[bytes, bytes]:
    """A feed document of `fmt` split where its entries go: after the header's lines, before
    the line that closes the element holding them (pretty-printed, each entry has lines of its own)."""
    end = document.rindex(_ENTRIES_END[fmt])
    line = document.rindex(b"\n", 0, end) + 1
    return document[:line], document[line:]


def _render_xml(feed: Feed, fmt: str, serialised: SerialisedEntries) -> bytes:
    """feedgen's header of the feed, around the entries' lines serialised once."""
    header = _XML_DOCUMENTS[fmt](replace(feed, entries=()), feed.newest())
    head, tail = _around_entries(header, fmt)
    return head + b"".join(serialised.of(feed, fmt)) + tail


class SerialisedEntries:
    """Each entry's bytes in each format, made once and reused in every feed that carries it.

    An entry's item (RSS), entry (Atom) or item (JSON Feed) is the same in every feed but for
    the feed-level values that change it (the feed's language, which marks a note in another
    one, and the note's label): they are part of the key. feedgen still writes every XML entry,
    in a feed of that one entry whose lines are taken out. Keep one per build and process
    (what it holds is only valid while the entries are).
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[Entry, str, str, str], bytes] = {}
        # (format, language, note label) -> a feed of no entries with those, and its split document
        self._frames: dict[tuple[str, str, str], tuple[Feed, bytes, bytes]] = {}

    def of(self, feed: Feed, fmt: str) -> list[bytes]:
        """The bytes of each of `feed`'s entries in `fmt`, in order."""
        return [self._entry(entry, fmt, feed.language, feed.note_label) for entry in feed.entries]

    def _entry(self, entry: Entry, fmt: str, language: str, note_label: str) -> bytes:
        key = (entry, fmt, language, note_label)
        found = self._entries.get(key)
        if found is None:
            if fmt == "json":
                found = _json_item(entry, language, note_label)
            else:
                found = self._xml_entry(entry, fmt, language, note_label)
            self._entries[key] = found
        return found

    def _xml_entry(self, entry: Entry, fmt: str, language: str, note_label: str) -> bytes:
        frame_key = (fmt, language, note_label)
        if frame_key not in self._frames:
            frame = Feed("entry", _FRAME_URL, {fmt: _FRAME_URL}, "entry", language=language, note_label=note_label)
            self._frames[frame_key] = (frame, *_around_entries(_XML_DOCUMENTS[fmt](frame, _EPOCH), fmt))
        frame, head, tail = self._frames[frame_key]
        document = _XML_DOCUMENTS[fmt](replace(frame, entries=(entry,)), _EPOCH)
        if not (document.startswith(head) and document.endswith(tail)):
            raise ValueError(f"feedgen wrote the {fmt} header of a feed differently with an entry in it")
        return document[len(head) : len(document) - len(tail)]


RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json}


def render_all(feed: Feed, serialised: SerialisedEntries | None = None) -> dict[str, bytes]:
    """The feed in every format: format -> bytes. `serialised`: the entries already serialised
    in this build (a new one serialises `feed`'s entries for this feed only)."""
    serialised = serialised if serialised is not None else SerialisedEntries()
    return {name: RENDERERS[name](feed, serialised) for name in FORMATS}
