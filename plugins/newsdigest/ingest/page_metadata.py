"""What a saved page says about its story, read from the page as it is (before any cleaning):
JSON-LD (with @graph and @id references), OpenGraph and article:*, <meta>, <time>, <h1>,
<title>, bylines and the page's language. Each field keeps every candidate it finds; the
modules that decide (headlines, moments, bylines, sources) choose among them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from newsdigest.content import safe_urls
from newsdigest.ingest import bylines, furniture
from newsdigest.ingest.language import language_code
from newsdigest.ingest.story import plain_text

_ARTICLE_TYPES = {
    "newsarticle",
    "article",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "webpage",
    "liveblogposting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "socialmediaposting",
    "satiricalarticle",
    "reviewnewsarticle",
    "askpublicnewsarticle",
}
_PUBLISHED_KEYS = (
    "article:published_time",
    "article:published",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published_time",
)
_MODIFIED_KEYS = ("article:modified_time", "article:modified", "og:updated_time", "datemodified")
# Names of elements that hold a byline: "byline", "article-byline", "author-name", "metadata__byline__author".
_BYLINE_NAME = re.compile(r"(?:^|-)(?:byline|bylines|author|authors|autor|auteur|autore|contributor)(?:-names?)?$")
MAX_BYLINE_CHARS = 300
MAX_JSON_LD_CHARS = 2_000_000


@dataclass
class LeadImage:
    url: str = ""
    alt: str = ""
    credit: str = ""
    caption: str = ""


@dataclass
class PageMetadata:
    headlines: list[tuple[str, str]] = field(default_factory=list)  # (kind, text), see headlines.PREFERENCE
    description: str = ""
    publisher: str = ""  # the publisher's name as the page gives it (JSON-LD, og:site_name, …)
    canonical: str = ""
    published: list[str] = field(default_factory=list)  # raw values, most trusted first
    time_elements: list[str] = field(default_factory=list)  # <time datetime>, a last resort
    modified: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    section: str = ""
    lang: str = ""  # as the page declares it
    image: LeadImage = field(default_factory=LeadImage)

    @classmethod
    def read(cls, tree) -> PageMetadata:
        meta = cls()
        nodes, by_id = _json_ld(tree)
        values = _meta_values(tree)
        meta._take_json_ld([node for node in nodes if _is_article(node)], by_id)
        meta._take_meta(values, tree)
        meta._take_page(tree, values)
        return meta

    def _take_json_ld(self, articles: list[dict], by_id: dict[str, dict]) -> None:
        articles.sort(key=lambda node: "webpage" in str(node.get("@type")).lower())  # articles before plain pages
        for node in articles:
            if headline := _text(node.get("headline")):
                self.headlines.append(("json-ld", headline))
            self.description = self.description or _text(node.get("description"))
            self.published += [value for value in [node.get("datePublished")] if isinstance(value, str)]
            self.modified += [value for value in [node.get("dateModified")] if isinstance(value, str)]
            if not self.authors:
                self.authors = [
                    name
                    for item in _as_list(node.get("author"))
                    for name in bylines.names(_name(_resolve(item, by_id)))
                ]
            self.publisher = self.publisher or _site_name(_name(_resolve(node.get("publisher"), by_id)))
            page = _resolve(node.get("mainEntityOfPage"), by_id)
            page_url = (page.get("@id") or page.get("url")) if isinstance(page, dict) else page
            self.canonical = self.canonical or _text(node.get("url")) or _text(page_url)
            if not self.image.url:
                self.image = _lead_image(node.get("image") or node.get("thumbnailUrl"), by_id)
            self.section = self.section or _text(_first(node.get("articleSection")))
            self.lang = self.lang or language_code(_language(_resolve(node.get("inLanguage"), by_id)))
            keywords = node.get("keywords")
            if not self.keywords and keywords:
                items = keywords.split(",") if isinstance(keywords, str) else _as_list(keywords)
                self.keywords = [plain_text(k) for k in items if isinstance(k, str) and plain_text(k)]

    def _take_meta(self, values: dict[str, list[str]], tree) -> None:
        def first(*keys: str) -> str:
            return next((values[key][0] for key in keys if values.get(key)), "")

        for kind, key in (("og", "og:title"), ("twitter", "twitter:title")):
            if first(key):
                self.headlines.append((kind, first(key)))
        self.description = plain_text(self.description or first("og:description", "description", "twitter:description"))
        self.published += [value for key in _PUBLISHED_KEYS for value in values.get(key, [])[:1]]
        self.modified += [value for key in _MODIFIED_KEYS for value in values.get(key, [])[:1]]
        self.publisher = self.publisher or _site_name(first("og:site_name", "application-name", "publisher"))
        if not self.image.url:
            self.image = LeadImage(
                url=first("og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src")
            )
        if self.image.url and not self.image.alt:
            self.image.alt = plain_text(first("og:image:alt", "twitter:image:alt"))
        self.section = plain_text(self.section or first("article:section"))
        if not self.authors:
            self.authors = [
                name
                for key in ("author", "article:author", "byl", "sailthru.author", "parsely-author")
                for value in values.get(key, [])
                for name in bylines.names(value)
            ]
        if not self.keywords:
            keywords = first("keywords", "news_keywords")
            self.keywords = [plain_text(k) for k in values.get("article:tag", [])] or [
                plain_text(k) for k in keywords.split(",") if plain_text(k)
            ]
        if not self.canonical:
            for link in tree.iter("link"):
                if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
                    self.canonical = link.get("href").strip()
                    break
            self.canonical = self.canonical or first("og:url")
        self.canonical = safe_urls.web_url(self.canonical) or ""
        self.lang = self.lang or language_code(first("og:locale", "content-language", "language", "dc.language"))

    def _take_page(self, tree, values: dict[str, list[str]]) -> None:
        html_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
        self.lang = language_code(html_lang) or self.lang
        article = next((element for element in tree.iter("article", "main")), None)
        h1s = list(article.iter("h1")) if article is not None else []
        h1s += [h1 for h1 in tree.iter("h1") if h1 not in h1s]
        self.headlines += [("h1", text) for h1 in h1s[:3] if (text := plain_text(h1.text_content()))]
        title = next(tree.iter("title"), None)
        if title is not None and plain_text(title.text_content()):
            self.headlines.append(("title", title.text_content()))
        for element in tree.iter("time"):
            if element.get("datetime") and (
                element.get("itemprop") == "datePublished" or element.get("pubdate") is not None
            ):
                self.published.append(element.get("datetime"))
            elif element.get("datetime"):
                self.time_elements.append(element.get("datetime"))
        if not self.authors:
            self.authors = _byline_authors(tree)


def _byline_authors(tree) -> list[str]:
    """Names from itemprop=author, rel=author links and elements named as bylines (a linked
    author and a plain one share a byline: "By <a rel=author>Jane Doe</a> and John Roe")."""
    found: list[list[str]] = [[], [], []]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if (element.get("itemprop") or "").lower() == "author":
            name = next((e for e in element.iter() if (e.get("itemprop") or "").lower() == "name"), element)
            found[0] += bylines.names(name.get("content") or _spaced_text(name)[:MAX_BYLINE_CHARS])
        elif element.tag == "a" and "author" in (element.get("rel") or "").lower().split():
            found[1] += bylines.names(_spaced_text(element)[:MAX_BYLINE_CHARS])
        elif any(_BYLINE_NAME.search(name) for name in furniture.names_of(element)):
            text = _spaced_text(element)
            if len(text) <= MAX_BYLINE_CHARS:
                found[2] += bylines.names(text)
    return bylines.merge(*found)


def _spaced_text(element) -> str:
    """An element's text with its children's texts kept apart ("Carrie Arnold" "Contributing Writer")."""
    return " ".join(piece.strip() for piece in element.itertext() if piece.strip())


def _meta_values(tree) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        content = (element.get("content") or "").strip()
        if not content:
            continue
        keys = " ".join(element.get(attribute) or "" for attribute in ("property", "name", "itemprop", "http-equiv"))
        for key in dict.fromkeys(keys.lower().split()):  # itemprop may name several: "datePublished dateCreated"
            values.setdefault(key, []).append(content)
    return values


def _json_ld(tree) -> tuple[list[dict], dict[str, dict]]:
    """Every JSON-LD node of the page (lists and @graph unfolded), and the nodes by @id."""
    nodes: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        if len(script.text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(script.text, strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack and len(nodes) < 1000:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                nodes.append(node)
                if isinstance(node.get("@graph"), list):
                    stack.extend(node["@graph"])
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    return nodes, by_id


def _is_article(node: dict) -> bool:
    return any(isinstance(kind, str) and kind.lower() in _ARTICLE_TYPES for kind in _as_list(node.get("@type")))


def _as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def _resolve(value, by_id: dict[str, dict]):
    """A node, with an {"@id": …} reference replaced by the node it names."""
    value = _first(value)
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
        return by_id[value["@id"]]
    return value


def _text(value) -> str:
    return plain_text(value) if isinstance(value, str) else ""


def _name(value) -> str:
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _site_name(value: str) -> str:
    """A site's name as it gives it, without a handle ("@SiteNews") or a list of its sections
    ("Autoracing | F1 | Indy")."""
    name = plain_text(value).split(" | ", 1)[0].strip()
    return "" if name.startswith("@") else name


def _language(value) -> str:
    if isinstance(value, dict):
        return value.get("alternateName") or value.get("name") or ""
    return value if isinstance(value, str) else ""


def _lead_image(value, by_id: dict[str, dict]) -> LeadImage:
    value = _resolve(value, by_id)
    if isinstance(value, str):
        return LeadImage(url=value.strip())
    if not isinstance(value, dict):
        return LeadImage()
    credit = (
        _text(value.get("creditText"))
        or _name(_resolve(value.get("copyrightHolder"), by_id))
        or _name(_resolve(value.get("author"), by_id))
        or _name(_resolve(value.get("creator"), by_id))
    )
    return LeadImage(
        url=_text(value.get("url") or value.get("contentUrl")),
        alt=_text(value.get("description")),
        credit=credit,
        caption=_text(value.get("caption")),
    )
