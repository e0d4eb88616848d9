"""RSS and Atom feeds (feedparser): one story per entry, its HTML read as a saved page's article is."""

from __future__ import annotations

import calendar
import datetime as dt
import re

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


def parse(data: bytes, source_names: SourceNames | None = None) -> list[tuple[Story | None, str]]:
    """(story, problem) for each entry: a story, or None and why not."""
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise IngestError(f"not a readable feed ({parsed.get('bozo_exception')})")
    names = source_names or SourceNames()
    source = names.name(parsed.feed.get("title", ""), parsed.feed.get("link", ""))
    feed_lang = language_code(parsed.feed.get("language", ""))
    results = []
    for entry in parsed.entries:
        try:
            results.append((_story(entry, source, feed_lang), ""))
        except IngestError as error:
            results.append((None, f"entry {entry.get('link') or entry.get('id') or '?'}: {error}"))
    return results


def _story(entry, source: str, feed_lang: str) -> Story:
    title = plain_text(entry.get("title", ""))
    if not title:
        raise IngestError("no title")
    contents = entry.get("content") or []
    html = contents[0].value if contents else entry.get("summary", "")
    summary = plain_text(_TAG.sub(" ", entry.get("summary", "")))
    link = safe_urls.web_url(entry.get("link", "")) or ""
    body = html_page.extract_body(html_page.parse_tree(f"<html><body><article>{html}</article></body></html>"), link)
    authors = [name for author in entry.get("authors", []) for name in bylines.names(author.get("name", ""))]
    story = Story(title=title, paragraphs=[],
                  subtitle=summary if contents and summary != plain_text(_TAG.sub(" ", html)) else "",
                  source=source, source_url=link, guid=entry.get("id", "") or entry.get("link", ""),
                  authors=bylines.merge(authors),
                  tags=[plain_text(t.get("term", "")) for t in entry.get("tags", []) if plain_text(t.get("term", ""))],
                  notes=body.notes)
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if moment:
        story.date = dt.datetime.fromtimestamp(calendar.timegm(moment), tz=dt.timezone.utc)
    blocks = body.blocks if any(block.text for block in body.blocks) else [Block(escape(summary), summary)]
    absorb_paragraphs(story, blocks)
    if not story.paragraphs:
        raise IngestError("no text")
    entry_lang = (contents[0].get("language") if contents else "") or entry.get("title_detail", {}).get("language")
    story.lang = language.story_language(language_code(entry_lang) or feed_lang, " ".join(story.plain_paragraphs))
    return story
