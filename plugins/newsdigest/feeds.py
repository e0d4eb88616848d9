"""Feeds: one description of a feed and its entries, written as RSS 2.0 and Atom 1.0
(feedgen) and JSON Feed 1.1 (json, following https://jsonfeed.org/version/1.1).

Plain functions, no Pelican. Everything written comes from the entries: the
feed's updated date is the newest entry's, never the clock, so unchanged content
gives byte-identical feeds.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import mimetypes
import re
from dataclasses import dataclass, field

import lxml.etree
import lxml.html
from feedgen.feed import FeedGenerator

FORMATS = ("rss", "atom", "json")
FILE_NAMES = {"rss": "rss.xml", "atom": "atom.xml", "json": "json"}
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
_ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 forbids (C0 controls but tab, newline, return; surrogates; U+FFFE/U+FFFF).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str | None) -> str:
    """`text` without the characters no XML document may hold (applied to all formats alike)."""
    return _XML_ILLEGAL.sub("", text or "")


def absolute_links(html: str, base_url: str) -> str:
    """Every href and src in an HTML fragment made absolute against `base_url`."""
    if not html.strip():
        return html
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    wrapper.make_links_absolute(base_url, resolve_base_href=False)
    inner = (wrapper.text and lxml.html.escape(wrapper.text)) or ""
    return inner + "".join(lxml.html.tostring(child, encoding="unicode") for child in wrapper)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    summary: str = ""
    content_html: str = ""
    source_name: str = ""
    source_url: str = ""
    image_url: str = ""
    language: str = ""  # the entry's language when it is not the feed's


@dataclass(frozen=True)
class Feed:
    title: str
    home_url: str  # the page the feed belongs to
    self_urls: dict[str, str]  # format -> absolute URL of that feed file
    description: str
    language: str = "en"
    hub_url: str | None = None
    entries: tuple[Entry, ...] = field(default_factory=tuple)

    def newest(self) -> dt.datetime:
        moments = [entry.updated for entry in self.entries]
        return max(moments) if moments else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _image_type(url: str) -> str:
    return mimetypes.guess_type(url.split("?", 1)[0])[0] or "image/jpeg"


def _feedgen(feed: Feed, summary_only: bool, self_format: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.load_extension("dc")
    generator.id(feed.self_urls.get("atom") or feed.home_url)
    generator.title(xml_safe(feed.title))
    generator.description(xml_safe(feed.description) or xml_safe(feed.title))
    generator.link(href=feed.self_urls[self_format], rel="self", type=MEDIA_TYPES[self_format])
    if feed.hub_url and self_format == "atom":
        generator.link(href=feed.hub_url, rel="hub")
    generator.link(href=feed.home_url, rel="alternate")  # last: feedgen takes the last link as RSS <link>
    generator.language(feed.language)
    generator.generator("newsdigest")
    generator.updated(feed.newest())
    for entry in feed.entries:  # newest first, kept in that order
        item = generator.add_entry(order="append")
        item.id(entry.id)
        item.guid(entry.id, permalink=False)
        item.title(xml_safe(entry.title))
        item.link(href=entry.link, rel="alternate")
        item.published(entry.published)
        item.updated(entry.updated)
        for name in entry.authors:
            item.author(name=xml_safe(name))
            item.dc.dc_creator(xml_safe(name))
        for category in entry.categories:
            item.category(term=xml_safe(category), label=xml_safe(category))
        if entry.summary:  # RSS readers take <description> as HTML; Atom's <summary> is text
            summary = xml_safe(entry.summary)
            item.summary(html.escape(summary, quote=False) if self_format == "rss" else summary)
        if entry.content_html and not summary_only:
            item.content(xml_safe(entry.content_html), type="html")
        if entry.source_url:
            item.source(url=entry.source_url, title=xml_safe(entry.source_name or entry.source_url))
        if entry.image_url and self_format == "rss":  # Atom: see render_atom
            item.enclosure(entry.image_url, "0", _image_type(entry.image_url))
        if entry.language and self_format == "rss":  # Atom: xml:lang, see render_atom
            item.dc.dc_language(entry.language)
    return generator


def render_rss(feed: Feed, summary_only: bool = False) -> bytes:
    generator = _feedgen(feed, summary_only, "rss")
    tree = lxml.etree.fromstring(generator.rss_str())
    if feed.hub_url:  # WebSub in RSS: an atom:link rel="hub" beside the self link
        channel = tree.find("channel")
        self_link = channel.find(f"{{{_ATOM}}}link")
        hub = lxml.etree.Element(f"{{{_ATOM}}}link", href=feed.hub_url, rel="hub")
        self_link.addnext(hub)
    return lxml.etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_atom(feed: Feed, summary_only: bool = False) -> bytes:
    generator = _feedgen(feed, summary_only, "atom")
    tree = lxml.etree.fromstring(generator.atom_str())
    # feedgen 1.0.0 drops rel and type from entry links, so its enclosures would read as
    # a second alternate link: add them here.
    for element, entry in zip(tree.findall(f"{{{_ATOM}}}entry"), feed.entries):
        if entry.language:
            element.set("{http://www.w3.org/XML/1998/namespace}lang", entry.language)
        if entry.image_url:
            enclosure = lxml.etree.SubElement(element, f"{{{_ATOM}}}link", href=entry.image_url, rel="enclosure",
                                              type=_image_type(entry.image_url))
            element.find(f"{{{_ATOM}}}link").addnext(enclosure)
    lxml.etree.indent(tree)
    return lxml.etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def render_json(feed: Feed, summary_only: bool = False) -> bytes:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": xml_safe(feed.title),
        "home_page_url": feed.home_url,
        "feed_url": feed.self_urls["json"],
        "description": xml_safe(feed.description),
        "language": feed.language,
    }
    if feed.hub_url:
        document["hubs"] = [{"type": "WebSub", "url": feed.hub_url}]
    items = []
    for entry in feed.entries:
        item = {"id": entry.id, "url": entry.link, "title": xml_safe(entry.title)}
        if entry.language:
            item["language"] = entry.language
        if entry.source_url:
            item["external_url"] = entry.source_url
        if entry.content_html and not summary_only:
            item["content_html"] = xml_safe(entry.content_html)
        else:
            item["content_text"] = xml_safe(entry.summary or entry.title)
        if entry.summary:
            item["summary"] = xml_safe(entry.summary)
        if entry.image_url:
            item["image"] = entry.image_url
        item["date_published"] = entry.published.isoformat()
        item["date_modified"] = entry.updated.isoformat()
        if entry.authors:
            item["authors"] = [{"name": xml_safe(name)} for name in entry.authors]
        if entry.categories:
            item["tags"] = [xml_safe(category) for category in entry.categories]
        if entry.source_name:
            item["_source"] = {"name": xml_safe(entry.source_name), "url": entry.source_url}
        items.append(item)
    document["items"] = items
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json}


def render_all(feed: Feed, summary_only: bool = False) -> dict[str, bytes]:
    """The feed in every format: format -> bytes."""
    return {name: RENDERERS[name](feed, summary_only) for name in FORMATS}
