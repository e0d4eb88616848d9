"""RSS and Atom feeds (feedparser): one story per entry, its HTML read as a saved page's article is."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import lxml.etree

from newsdigest.content import safe_urls
from newsdigest.ingest import bylines, html_page, language
from newsdigest.ingest.clipping import absorb_paragraphs
from newsdigest.ingest.language import language_code
from newsdigest.ingest.markdown_body import escape
from newsdigest.ingest.sources import SourceNames
from newsdigest.ingest.standfirsts import standfirst
from newsdigest.ingest.story import Block, IngestError, Story, plain_text

_TAG = re.compile(r"<[^>]+>")


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return "<rss" in head or ("<feed" in head and "http://www.w3.org/2005/atom" in head) or "<rdf:rdf" in head


# Why an entry is not read: whatever the caller's `skip` says of it.
Reason = TypeVar("Reason")


@dataclass(frozen=True)
class Entry(Generic[Reason]):
    """A feed entry as its address and id; its story is extracted only on demand."""

    link: str  # a web address, or ""
    guid: str  # the entry's id, else its link
    story: Callable[[], Story] | None  # raises IngestError when the entry holds no story; None when skipped
    skipped: Reason | None = None  # what `skip` said of it

    @property
    def label(self) -> str:
        return self.link or self.guid or "?"


def entries(
    data: bytes,
    source_names: SourceNames | None = None,
    skip: Callable[[str, str], Reason | None] = lambda link, guid: None,
) -> list[Entry[Reason]]:
    """The feed's entries. Those that `skip(link, guid)` gives a reason for are left out before
    any text is read: first with a quick reading of the XML (feedparser, which cleans every
    entry's HTML, takes seconds on a feed of thousands), then among what feedparser finds."""
    import feedparser  # here, not above: only a feed needs it, and it is 0.13 s of every ingest's start

    remaining, skipped = _without_skipped(data, skip)
    if remaining is None:
        return skipped
    parsed = feedparser.parse(remaining)
    if parsed.bozo and not parsed.entries:
        raise IngestError(f"not a readable feed ({parsed.get('bozo_exception')})")
    names = source_names or SourceNames()
    source = names.name(_text(parsed.feed.get("title")), _text(parsed.feed.get("link")))
    feed_lang = language_code(parsed.feed.get("language", ""))
    found = skipped
    for entry in parsed.entries:
        link = safe_urls.web_url(_text(entry.get("link"))) or ""
        guid = _text(entry.get("id")) or _text(entry.get("link"))
        if (reason := skip(link, guid)) is not None:
            found.append(Entry(link, guid, None, reason))
        else:
            found.append(Entry(link, guid, functools.partial(_story, entry, link, guid, source, feed_lang)))
    return found


def _without_skipped(
    data: bytes, skip: Callable[[str, str], Reason | None]
) -> tuple[bytes | None, list[Entry[Reason]]]:
    """The feed without the entries `skip` names (None when no entry is left), and those
    entries, read with lxml from the usual shapes (RSS <item> with <link> and <guid>, Atom
    <entry> with <id> and <link href>). A feed lxml cannot read as it is, or one with a DTD,
    is left whole to feedparser."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError:
        return data, []
    if root.getroottree().docinfo.doctype:
        return data, []
    items = [
        (element, parent)
        for element in root.iter(lxml.etree.Element)
        if _local(element) in ("item", "entry")
        and (parent := element.getparent()) is not None
        and _local(parent) in _ENTRY_PARENTS
    ]
    skipped: list[Entry[Reason]] = []
    for item, parent in items:
        raw_link, guid = _identity(item)
        link = safe_urls.web_url(raw_link) or ""
        if (reason := skip(link, guid or raw_link)) is not None:
            skipped.append(Entry(link, guid or raw_link, None, reason))
            parent.remove(item)
    if not skipped:
        return data, []
    if len(skipped) == len(items):
        return None, skipped
    return lxml.etree.tostring(root, encoding="utf-8", xml_declaration=True), skipped


_ENTRY_PARENTS = ("channel", "RDF", "feed")


def _local(element) -> str:
    return lxml.etree.QName(element).localname


def _identity(item) -> tuple[str, str]:
    """(link, id) of an RSS item or an Atom entry, as feedparser reads them in the usual case."""
    link = guid = ""
    for child in item:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name == "link" and not link:
            if child.get("href") is not None:  # Atom: the alternate link
                if child.get("rel", "alternate") == "alternate":
                    link = child.get("href").strip()
            else:
                link = (child.text or "").strip()
        elif name in ("guid", "id") and not guid:
            guid = (child.text or "").strip()
    return link, guid


def _moment(parsed) -> dt.datetime | None:
    """feedparser's UTC time tuple as a datetime; None for a date no calendar has (year 0)."""
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC) if parsed else None
    except (ValueError, OverflowError, OSError):
        return None


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _story(entry, link: str, guid: str, source: str, feed_lang: str) -> Story:
    title = plain_text(entry.get("title", ""))
    if not title:
        raise IngestError("no title")
    contents = entry.get("content") or []
    html = contents[0].value if contents else entry.get("summary", "")
    summary = plain_text(_TAG.sub(" ", entry.get("summary", "")))
    body = html_page.extract_body(html_page.parse_tree(f"<html><body><article>{html}</article></body></html>"), link)
    authors = [name for author in entry.get("authors", []) for name in bylines.names(author.get("name", ""))]
    story = Story(
        title=title,
        paragraphs=[],
        # A feed's summary is held to the rule a page's description is: one or two of the story's sentences.
        subtitle=standfirst(summary, title) if contents and summary != plain_text(_TAG.sub(" ", html)) else "",
        source=source,
        source_url=link,
        guid=guid,
        authors=bylines.merge(authors),
        tags=[plain_text(t.get("term", "")) for t in entry.get("tags", []) if plain_text(t.get("term", ""))],
        notes=body.notes,
    )
    story.date = _moment(entry.get("published_parsed") or entry.get("updated_parsed"))
    blocks = body.blocks if any(block.text for block in body.blocks) else [Block(escape(summary), summary)]
    absorb_paragraphs(story, blocks)
    if not story.paragraphs:
        raise IngestError("no text")
    entry_lang = (contents[0].get("language") if contents else "") or entry.get("title_detail", {}).get("language")
    story.lang = language.story_language(language_code(entry_lang) or feed_lang, " ".join(story.plain_paragraphs))
    return story
