"""RSS and Atom feeds (feedparser): one story per entry."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import feedparser
import nh3

from newsdigest.ingest import html_page
from newsdigest.ingest.clipping import absorb_paragraphs
from newsdigest.ingest.story import IngestError, Story, one_line

_TAG = re.compile(r"<[^>]+>")


def looks_like_feed(text: str) -> bool:
    head = text[:2000].lower()
    return "<rss" in head or ("<feed" in head and "http://www.w3.org/2005/atom" in head) or "<rdf:rdf" in head


def parse(data: bytes) -> list[tuple[Story | None, str]]:
    """(story, problem) for each entry: a story, or None and why not."""
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise IngestError(f"not a readable feed ({parsed.get('bozo_exception')})")
    source = one_line(parsed.feed.get("title", ""))
    results = []
    for entry in parsed.entries:
        try:
            results.append((_story(entry, source), ""))
        except IngestError as error:
            results.append((None, f"entry {entry.get('link') or entry.get('id') or '?'}: {error}"))
    return results


def _story(entry, source: str) -> Story:
    title = one_line(_TAG.sub("", entry.get("title", "")))
    if not title:
        raise IngestError("no title")
    contents = entry.get("content") or []
    html = contents[0].value if contents else entry.get("summary", "")
    summary = one_line(_TAG.sub(" ", entry.get("summary", "")))
    body = html_page.extract_body(f"<html><body><article>{nh3.clean(html)}</article></body></html>") or ""
    story = Story(title=title, paragraphs=[], subtitle=summary if contents and summary != one_line(_TAG.sub(" ", html)) else "",
                  source=source, source_url=entry.get("link", ""), guid=entry.get("id", "") or entry.get("link", ""),
                  authors=[one_line(a.get("name", "")) for a in entry.get("authors", []) if one_line(a.get("name", ""))],
                  tags=[one_line(t.get("term", "")) for t in entry.get("tags", []) if one_line(t.get("term", ""))])
    moment = entry.get("published_parsed") or entry.get("updated_parsed")
    if moment:
        story.date = dt.datetime.fromtimestamp(calendar.timegm(moment), tz=dt.timezone.utc)
    paragraphs = [block for block in re.split(r"\n\s*\n", body) if block.strip()] or [summary]
    absorb_paragraphs(story, paragraphs)
    if not story.paragraphs:
        raise IngestError("no text")
    return story
