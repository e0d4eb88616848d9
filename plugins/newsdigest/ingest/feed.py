"""RSS and Atom feeds (feedparser): one story per entry, its HTML read as a saved page's article is."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import feedparser

from newsdigest import safe_urls
from newsdigest.ingest import bylines, html_page, language
from newsdigest.ingest.clipping import absorb_paragraphs
from newsdigest.ingest.language import language_code
from newsdigest.ingest.markdown_body import escape
from newsdigest.ingest.sources import SourceNames
from newsdigest.ingest.story import Block, IngestError, Story, plain_text

_TAG = re.compile(r"<[^>]+>")


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return "<rss" in head or ("<feed" in head and "http://www.w3.org/2005/atom" in head) or "<rdf:rdf" in head


@dataclass(frozen=True)
class Entry:
    """A feed entry as its address and id (cheap to read); its story is extracted only on demand,
    so the entries ingest already has cost nothing."""

    link: str  # a web address, or ""
    guid: str  # the entry's id, else its link
    story: Callable[[], Story]  # raises IngestError when the entry holds no story

    @property
    def label(self) -> str:
        return self.link or self.guid or "?"


def entries(data: bytes, source_names: SourceNames | None = None) -> list[Entry]:
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise IngestError(f"not a readable feed ({parsed.get('bozo_exception')})")
    names = source_names or SourceNames()
    source = names.name(_text(parsed.feed.get("title")), _text(parsed.feed.get("link")))
    feed_lang = language_code(parsed.feed.get("language", ""))
    found = []
    for entry in parsed.entries:
        link = safe_urls.web_url(_text(entry.get("link"))) or ""
        guid = _text(entry.get("id")) or _text(entry.get("link"))
        found.append(Entry(link, guid, functools.partial(_story, entry, link, guid, source, feed_lang)))
    return found


def _moment(parsed) -> dt.datetime | None:
    """feedparser's UTC time tuple as a datetime; None for a date no calendar has (year 0)."""
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.timezone.utc) if parsed else None
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
    story = Story(title=title, paragraphs=[],
                  subtitle=summary if contents and summary != plain_text(_TAG.sub(" ", html)) else "",
                  source=source, source_url=link, guid=guid,
                  authors=bylines.merge(authors),
                  tags=[plain_text(t.get("term", "")) for t in entry.get("tags", []) if plain_text(t.get("term", ""))],
                  notes=body.notes)
    story.date = _moment(entry.get("published_parsed") or entry.get("updated_parsed"))
    blocks = body.blocks if any(block.text for block in body.blocks) else [Block(escape(summary), summary)]
    absorb_paragraphs(story, blocks)
    if not story.paragraphs:
        raise IngestError("no text")
    entry_lang = (contents[0].get("language") if contents else "") or entry.get("title_detail", {}).get("language")
    story.lang = language.story_language(language_code(entry_lang) or feed_lang, " ".join(story.plain_paragraphs))
    return story
