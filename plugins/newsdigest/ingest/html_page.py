"""Saved web pages: the article body by trafilatura, the metadata by our own reading of
JSON-LD, OpenGraph and meta tags (trafilatura keeps only the day of the date; a digest
needs the time and its offset)."""

from __future__ import annotations

import datetime as dt
import json
import re

import lxml.html
import trafilatura
from dateutil import parser as date_parser

from newsdigest.ingest.clipping import absorb_paragraphs
from newsdigest.ingest.story import ZONE_ABBREVIATIONS, IngestError, Story, one_line

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                  "opinionnewsarticle", "backgroundnewsarticle", "webpage", "liveblogposting"}


def extract_body(html: str, url: str | None = None) -> str | None:
    """The article body as Markdown, or None when the page holds no article."""
    return trafilatura.extract(html, url=url, output_format="markdown", include_comments=False, include_tables=True,
                               include_links=False, include_images=False, favor_recall=True, deduplicate=False)


def parse(html: str, url: str | None = None) -> Story:
    body = extract_body(html, url)
    if not body or not body.strip():
        raise IngestError("no article text found in the page")
    meta = PageMetadata.read(html)
    fallback = trafilatura.extract_metadata(html, default_url=url)
    title = meta.title or (fallback.title if fallback else "") or ""
    if not one_line(title):
        raise IngestError("no headline found in the page")
    story = Story(title=one_line(title), paragraphs=[], subtitle=one_line(meta.description),
                  date=meta.published, source=one_line(meta.publisher or (fallback.sitename if fallback else "") or ""),
                  source_url=meta.canonical or url or "", authors=meta.authors, image=meta.image, tags=meta.keywords,
                  section=one_line(meta.section))
    if story.date is None and fallback and fallback.date:
        story.date = _parse_moment(fallback.date)
    paragraphs = [block for block in re.split(r"\n\s*\n", body) if block.strip()]
    if paragraphs and one_line(paragraphs[0]).lstrip("# ").strip() == story.title:
        paragraphs = paragraphs[1:]  # the headline repeated as the body's first line
    absorb_paragraphs(story, paragraphs)
    if not story.paragraphs:
        raise IngestError("no article text found in the page")
    return story


def _parse_moment(value) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return date_parser.isoparse(value.strip())
    except (ValueError, OverflowError):
        try:
            return date_parser.parse(value.strip(), tzinfos=ZONE_ABBREVIATIONS)
        except (ValueError, OverflowError):
            return None


class PageMetadata:
    """What a page says about itself, JSON-LD first, then OpenGraph/article:*, then <meta>."""

    def __init__(self):
        self.title = self.description = self.publisher = self.canonical = self.image = self.section = ""
        self.published: dt.datetime | None = None
        self.modified: dt.datetime | None = None
        self.authors: list[str] = []
        self.keywords: list[str] = []

    @classmethod
    def read(cls, html: str) -> PageMetadata:
        meta = cls()
        try:
            tree = lxml.html.fromstring(html)
        except (lxml.etree.ParserError, ValueError):
            return meta
        for node in _json_ld_articles(tree):
            meta._take_json_ld(node)
        meta._take_meta_tags(tree)
        return meta

    def _take_json_ld(self, node: dict) -> None:
        self.title = self.title or _text(node.get("headline") or node.get("name"))
        self.description = self.description or _text(node.get("description"))
        self.published = self.published or _parse_moment(node.get("datePublished"))
        self.modified = self.modified or _parse_moment(node.get("dateModified"))
        self.authors = self.authors or _names(node.get("author"))
        publisher = node.get("publisher")
        self.publisher = self.publisher or (_text(publisher.get("name")) if isinstance(publisher, dict) else _text(publisher))
        self.canonical = self.canonical or _text(node.get("url") or _id(node.get("mainEntityOfPage")))
        self.image = self.image or _image(node.get("image"))
        self.section = self.section or _text(node.get("articleSection"))
        keywords = node.get("keywords")
        if not self.keywords and keywords:
            self.keywords = [k.strip() for k in (keywords.split(",") if isinstance(keywords, str) else keywords)
                             if isinstance(k, str) and k.strip()]

    def _take_meta_tags(self, tree) -> None:
        values: dict[str, list[str]] = {}
        for element in tree.iter("meta"):
            key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
            content = (element.get("content") or "").strip()
            if key and content:
                values.setdefault(key, []).append(content)
        first = lambda *keys: next((values[k][0] for k in keys if k in values), "")  # noqa: E731
        self.title = self.title or first("og:title", "twitter:title")
        self.description = self.description or first("og:description", "description", "twitter:description")
        self.published = self.published or _parse_moment(first("article:published_time", "datepublished",
                                                                "pubdate", "publishdate", "date", "dc.date"))
        self.modified = self.modified or _parse_moment(first("article:modified_time", "datemodified"))
        self.publisher = self.publisher or first("og:site_name", "publisher", "application-name")
        self.image = self.image or first("og:image", "twitter:image")
        self.section = self.section or first("article:section")
        if not self.authors:
            self.authors = [a for a in values.get("author", []) + values.get("article:author", [])
                            if a and not a.startswith("http")][:3]
        if not self.keywords:
            tags = values.get("article:tag", [])
            keywords = first("keywords", "news_keywords")
            self.keywords = tags or [k.strip() for k in keywords.split(",") if k.strip()]
        if not self.canonical:
            for link in tree.iter("link"):
                if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
                    self.canonical = link.get("href").strip()
                    break
            self.canonical = self.canonical or first("og:url")
        if self.published is None:
            for time_element in tree.iter("time"):
                if moment := _parse_moment(time_element.get("datetime")):
                    self.published = moment
                    break


def _json_ld_articles(tree) -> list[dict]:
    found = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                kinds = node.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(kind, str) and kind.lower() in _ARTICLE_TYPES for kind in kinds):
                    found.append(node)
                stack.extend(node.get("@graph", []) if isinstance(node.get("@graph"), list) else [])
    found.sort(key=lambda node: str(node.get("@type")).lower() == "webpage")  # articles before plain pages
    return found


def _text(value) -> str:
    return one_line(value) if isinstance(value, str) else ""


def _id(value) -> str:
    return value.get("@id", "") if isinstance(value, dict) else value if isinstance(value, str) else ""


def _image(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("url", "")
    return value.strip() if isinstance(value, str) else ""


def _names(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and one_line(name) and not name.startswith("http"):
            names.append(one_line(name))
    return names
