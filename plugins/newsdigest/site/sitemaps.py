"""sitemap.xml, the Google News sitemap and robots.txt. Plain functions, no Pelican."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS_WINDOW = dt.timedelta(days=2)


@dataclass(frozen=True)
class NewsItem:
    url: str
    title: str
    published: dt.datetime
    language: str = ""  # the story's language tag, when it is not the site's


def sitemap(pages: list[tuple[str, dt.datetime]]) -> bytes:
    """(absolute URL, last modified) for every page, in the order given."""
    root = ElementTree.Element("urlset", xmlns=SITEMAP_NS)
    for url, modified in pages:
        entry = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(entry, "loc").text = url
        ElementTree.SubElement(entry, "lastmod").text = modified.isoformat()
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def news_sitemap(items: list[NewsItem], now: dt.datetime, publication: str, language: str) -> bytes:
    """The stories published in the two days before `now` (Google News reads no older ones)."""
    ElementTree.register_namespace("news", NEWS_NS)
    root = ElementTree.Element("urlset", xmlns=SITEMAP_NS)
    root.set("xmlns:news", NEWS_NS)
    for item in items:
        if not now - NEWS_WINDOW <= item.published <= now:
            continue
        entry = ElementTree.SubElement(root, "url")
        ElementTree.SubElement(entry, "loc").text = item.url
        news = ElementTree.SubElement(entry, "news:news")
        source = ElementTree.SubElement(news, "news:publication")
        ElementTree.SubElement(source, "news:name").text = publication
        # Google News wants the ISO 639 code: "fr" for "fr-CA" (Chinese alone keeps its script: zh-cn, zh-tw)
        tag = (item.language or language).lower()
        ElementTree.SubElement(source, "news:language").text = tag if tag.startswith("zh-") else tag.split("-")[0]
        ElementTree.SubElement(news, "news:publication_date").text = item.published.isoformat()
        ElementTree.SubElement(news, "news:title").text = item.title
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def robots(siteurl: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {siteurl}/sitemap.xml\nSitemap: {siteurl}/news-sitemap.xml\n".encode()
