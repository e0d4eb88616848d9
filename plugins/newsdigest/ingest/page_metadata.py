"""What a saved page says about its story, read from the page as it is (before any cleaning):
JSON-LD (with @graph and @id references), OpenGraph and article:*, <meta>, <time>, <h1>,
<title>, bylines and the page's language. Each field keeps every candidate it finds; the
modules that decide (headlines, moments, bylines, sources) choose among them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import lxml.etree

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
    "recipe",  # a recipe's page credits its cook
    "discussionforumposting",  # a forum thread, credited to whoever opened it
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
_BYLINE_NAME = re.compile(
    r"(?:^|-)(?:bylines?|authors?|autor|autoren|auteurs?|autore|autores|contributors?)(?:-names?)?$"
)
MAX_BYLINE_CHARS = 300
# Names of elements that credit a picture, not the story.
_CREDIT_NAME = re.compile(
    r"(?:^|-)(?:media|image|img|photo|foto|bild|picture|caption|license|licence|copyright)(?:-|$)"
)
_OTHER_AUTHOR_KEYS = (
    "dc.creator",
    "dc:creator",
    "dcterms.creator",
    "article:author_name",
    "og:author",
    "cxenseparse:author",
    "shareaholic:article_author_name",
)
# Fields that name the site's owner: an author field that repeats one names no writer.
_OWNER_KEYS = ("copyright", "dc.publisher", "dc.rights", "dcterms.publisher", "publisher")
# Names of a box about the story's author: "author-bio", "about-author", "AutorBox", "author-info".
_AUTHOR_BOX = re.compile(
    r"^(?:about-)?(?:author|autor|autoren|auteur)-?(?:bio|box|info|details|card|profile)$|^about-(?:the-)?author$"
)
# Where an author's description ends its first words, the name: "Jane Doe - engineer", "Jane Doe ist …".
_BIO_LEAD = re.compile(r"\s+[-–—|:]\s+|\s*[,(]|\s+(?:is|ist|est|es|è|was|war)\s+")
# The address of an author's page: "/author/jane-doe/", "/autoren-und-redaktion/gabor-munier".
_AUTHOR_PAGE = re.compile(
    r"/(?:authors?|autor|autoren|autorin|auteurs?|autore|autori|autores)(?:-[\w-]*)?/(?P<slug>[^/?#]+)"
)
_WRITTEN_BY = re.compile(
    r"written by|verfasst von|geschrieben von|écrit par|escrito por|scritto da|geschreven door", re.I
)
# Containers of other people's names: comments, rails of other stories, widgets, menus.
_ELSEWHERE_NAME = re.compile(
    r"^(?:comments?|commentlist|comment-list|comments-area|comment-body|respond|replies|discussion|related|"
    r"related-posts|recommended|sidebar|teaser|teasers|rail|more-stories|most-read|popular|"
    r"share|footer|site-footer|nav|navigation|menu)$|^(?:comment|related|sidebar)-"
)
_HEADINGS = ("h1", "h2", "h3", "h4")
MAX_LABEL_CHARS = 20  # "Autor:", "Interview", "Text und Fotos"
MAX_AUTHORS = 6  # a longer list is a rail or a comment thread, not a byline
_WEB_SUFFIX = re.compile(r"\.(?:com|net|org|de|at|ch|fr|es|it|co\.uk|io)$", re.I)
_TITLE_PARTS = re.compile(r"\s+[-–—|:]\s+")
MIN_SITE_NAME = 4  # a shorter name may be a part of the site's name by chance
RAIL_BYLINES = 3  # as many bylines of one kind naming different people are a list of other stories
MAX_JSON_LD_CHARS = 2_000_000
# How far the article's header reaches from its headline, in characters of text: a kicker or a
# date just above it; a standfirst, a byline and a caption below it. Measured on 439 real pages
# whose metadata gives the date: dates within this reach agree with it on 9 pages of 10, dates
# farther off (menus, rails, the story's own text) on 1 of 3.
HEADER_BEFORE = 100
HEADER_AFTER = 500
# Containers of other stories' dates: rails, teasers, widgets, comments.
_OTHER_STORIES = re.compile(
    r"related|recirc|recommend|more-stories|most-(?:read|popular|viewed)|trending|popular|teaser|sidebar|rail|"
    r"widget|comment|outbrain|taboola|promo"
)
_DATE_NAME = re.compile(r"date|time|publi|posted|dateline|byline|datum|fecha|meta|stamp|calendar|clock")
MAX_DATELINE_CHARS = 200


@dataclass
class LeadImage:
    url: str = ""
    alt: str = ""
    credit: str = ""
    caption: str = ""
    width: int | None = None  # as the page declares it (JSON-LD, og:image:width, the <img> width)


@dataclass
class PageMetadata:
    headlines: list[tuple[str, str]] = field(default_factory=list)  # (kind, text), see headlines.PREFERENCE
    description: str = ""
    publisher: str = ""  # the publisher's name as the page gives it (JSON-LD, og:site_name, …)
    publisher_is_person: bool = False  # a blog published by its author: the publisher may sign its stories
    canonical: str = ""
    published: list[str] = field(default_factory=list)  # raw values, most trusted first
    time_elements: list[str] = field(default_factory=list)  # <time datetime> in the article's header
    datelines: list[str] = field(default_factory=list)  # lines of the header named as dates, nearest first
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
        if meta.image.url and meta.image.width is None:
            meta.image.width = _declared_width(values, tree, meta.image.url)
        meta.headlines += _main_headings(tree)
        return meta

    def _stands_for_site(self, name: str) -> bool:
        """A user name or the site's own name: the metadata's author gives way to a person's."""
        return bylines.is_handle(name) or self._names_site(name)

    def _names_site(self, name: str) -> bool:
        """The publisher's name ("El Colombiano" for "ElColombiano.com"), a word of it ("Google"
        for "Google Online Security Blog"), or a line that starts with it ("hessenschau.de,
        Frankfurt, Germany"); not a blogger's name in the blog's ("Ann Lee" for "Ann Lee's
        Kitchen"), nor any name when the publisher is a person."""
        squashed, publisher = _squashed(name), _squashed(_WEB_SUFFIX.sub("", self.publisher))
        if self.publisher_is_person or min(len(squashed), len(publisher)) < MIN_SITE_NAME:
            return False
        one_word = " " not in name.strip()
        parts = {_squashed(part) for part in _TITLE_PARTS.split(self.publisher)}  # "Noticias - La Prensa"
        return squashed.startswith(publisher) or squashed in parts or (one_word and squashed in publisher)

    def _take_json_ld(self, articles: list[dict], by_id: dict[str, dict]) -> None:
        articles.sort(key=lambda node: "webpage" in str(node.get("@type")).lower())  # articles before plain pages
        for node in articles:
            if headline := _text(node.get("headline")):
                self.headlines.append(("json-ld", headline))
            self.description = self.description or _text(node.get("description"))
            if not self.published and isinstance(node.get("datePublished"), str):  # the page's own article
                self.published.append(node["datePublished"])
            self.modified += [value for value in [node.get("dateModified")] if isinstance(value, str)]
            if not self.authors:
                self.authors = [
                    name
                    for item in _as_list(node.get("author") or node.get("creator"))
                    for name in bylines.names(_person_name(_resolve(item, by_id)), handles=True)
                ]
            if not self.publisher:
                publisher = _resolve(node.get("publisher"), by_id)
                self.publisher = _site_name(_name(publisher))
                self.publisher_is_person = isinstance(publisher, dict) and "Person" in _as_list(publisher.get("@type"))
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
        self._take_meta_authors(values)
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

    def _take_meta_authors(self, values: dict[str, list[str]]) -> None:
        if not self.authors:
            self.authors = [
                name
                for key in ("author", "article:author", "byl", "sailthru.author", "parsely-author")
                for value in values.get(key, [])
                if not self._names_site(value)
                and not _names_owner(value, values)
                and not bylines.is_organisation(value)
                for name in bylines.in_author_field(value)
                if not bylines.is_organisation(name)
            ]
        if all(self._stands_for_site(name) for name in self.authors):
            self.authors = _other_meta_authors(values) or self.authors

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
        headline = _headline_element(tree, self.headlines)
        headline = h1s[0] if headline is None and h1s else headline
        for element in tree.iter("time"):
            if (
                element.get("datetime")
                and (element.get("itemprop") == "datePublished" or element.get("pubdate") is not None)
                and not _of_other_stories(element, headline)
            ):
                self.published.append(element.get("datetime"))
        self.time_elements, self.datelines = _header_dates(tree, headline)
        # A user name or the site's own name in the metadata gives way to the person the page shows.
        if all(self._stands_for_site(name) for name in self.authors):
            shown = (
                _byline_authors(tree, headline, self._names_site)
                or _signed_line(tree, headline)
                or _labelled_author(tree, headline)
                or _author_link(tree, headline)
                or _author_box(tree, headline)
                or self.authors
            )
            self.authors = _spelled_out(shown, tree)


def _names_owner(value: str, values: dict[str, list[str]]) -> bool:
    """An author field that repeats the page's copyright or publisher field ("Auto Illustrierte"
    in both "author" and "DC.publisher"): the site's owner, not the story's writer."""
    author = _squashed(value)
    owners = [_squashed(owner) for key in _OWNER_KEYS for owner in values.get(key, [])]
    return len(author) >= MIN_SITE_NAME and any(author in owner for owner in owners)


def _other_meta_authors(values: dict[str, list[str]]) -> list[str]:
    """The author from the less common fields (Dublin Core, Cxense, og:author), the first that names
    one, or from the "Written by" pair a WordPress SEO plugin gives ("twitter:label1" "Verfasst
    von", "twitter:data1" "Jane Doe")."""
    for key in _OTHER_AUTHOR_KEYS:
        if found := [
            name
            for value in values.get(key, [])
            if not _names_owner(value, values) and not bylines.is_organisation(value)
            for name in bylines.names(value, handles=True)
            if not bylines.is_organisation(name)
        ]:
            return found
    for number in "12":
        label, data = values.get(f"twitter:label{number}"), values.get(f"twitter:data{number}")
        if label and data and _WRITTEN_BY.fullmatch(label[0].strip()):
            return bylines.names(data[0], handles=True)
    return []


def _byline_authors(tree, headline, names_site) -> list[str]:
    """Names from the article's byline: itemprop=author, rel=author links or an element named as
    a byline, of the article itself (not of comments, rails, asides or menus). The first byline
    that names someone is the story's, with the names beside it in the same line ("By <a
    rel=author>Jane Doe</a> and <a rel=author>John Roe</a>"); later ones are other stories' or
    commenters'. A link to the site itself (`names_site`) names nobody."""
    candidates = [element for element in tree.iter() if isinstance(element.tag, str) and _byline_kind(element)]
    for kind in (1, 2, 3):
        found = [
            element for element in candidates if _byline_kind(element) == kind and not _elsewhere(element, headline)
        ]
        named = _without_rails([(element, names) for element in found if (names := _names_in(element, kind))])
        named = [
            (element, people)
            for element, names in named
            if (people := [name for name in names if bylines.is_handle(name) or not names_site(name)])
        ]
        if named:
            first, names = named[0]
            line = first.getparent()
            beside = [names for element, names in named[1:] if line is not None and element.getparent() is line]
            return bylines.merge(names, *beside)[:MAX_AUTHORS]
    return []


def _without_rails(named: list[tuple]) -> list[tuple]:
    """Without the bylines of a list of other stories: elements placed alike (the same tags and
    classes around them) that name three or more different people in three or more different
    places. Co-authors share one line, a blog's own posts one name, and the article's own byline
    sits in its header, placed unlike its rail's."""
    places: dict[tuple, set] = {}
    people: dict[tuple, set] = {}
    for element, names in named:
        places.setdefault(_placement(element), set()).add(element.getparent())
        people.setdefault(_placement(element), set()).add(tuple(names))
    return [
        (element, names)
        for element, names in named
        if min(len(places[_placement(element)]), len(people[_placement(element)])) < RAIL_BYLINES
    ]


def _squashed(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def _placement(element) -> tuple:
    """An element's tag and class words, and its nearest ancestors', without numbers ("post-4711")."""
    return tuple(
        (each.tag, frozenset(word for word in (each.get("class") or "").split() if not re.search(r"\d", word)))
        for each in [element, *list(element.iterancestors())[:3]]
    )


def _signed_line(tree, headline) -> list[str]:
    """The names of a line of plain text that is only a byline ("Von Anna Berg"), within reach
    of the headline: where a page without byline markup signs its story. Not a heading, nor a
    line of a rail, an aside or comments."""
    for element in _near(tree, headline) if headline is not None else []:
        if element.tag not in _HEADINGS and not _elsewhere(element) and not _of_other_stories(element, headline):
            if found := bylines.signed(_spaced_text(element)):
                return found
    return []


def _labelled_author(tree, headline) -> list[str]:
    """The names after an element that is only an author's label, in the article: "<span
    class=label>Autor:</span> Jane Doe<br>", "<div>Interview</div><div>JANE DOE</div>"."""
    for element in tree.iter("span", "div", "dt", "th", "td", "strong", "b", "em", "label", "p", "h4", "h5", "h6"):
        label = _spaced_text(element)
        if not label or len(label) > MAX_LABEL_CHARS:
            continue
        value = _text_after(element)
        if value and (found := bylines.signed(f"{label} {value}")) and not _elsewhere(element, headline):
            return found
    return []


def _text_after(element) -> str:
    """The text that follows an element, over line breaks ("<b>Von:</b><br><br>Jane Doe"), or
    else the text of the element that follows it ("<dt>Autor</dt><dd>Jane Doe</dd>")."""
    text = (element.tail or "").strip()
    for sibling in element.itersiblings():
        if text:
            break
        if isinstance(sibling.tag, str) and sibling.tag != "br":
            return _spaced_text(sibling)
        text = (sibling.tail or "").strip()
    return text


def _author_box(tree, headline) -> list[str]:
    """The name an "about the author" box of the article heads itself with ("<div
    class=author-bio><h3>Jane Doe</h3><p>Jane writes about…</p></div>"); not one in a rail."""
    for box in tree.iter():
        if not isinstance(box.tag, str) or not any(_AUTHOR_BOX.search(name) for name in furniture.names_of(box)):
            continue
        heading = next(box.iter("h2", "h3", "h4", "h5"), None)
        pieces = [bylines.names(piece) for piece in heading.itertext()] if heading is not None else []
        found = next((names for names in pieces if names), [])  # the name, not a "Follow" button beside it
        if len(found) == 1 and 2 <= len(found[0].split()) <= 4 and not _elsewhere(box, headline):
            return found
    return []


def _author_link(tree, headline) -> list[str]:
    """The name of a link to the author's page ("/autoren/kathrin-fuehres-684124") within reach
    of the headline, where the address spells the name the link shows: a byline without markup."""
    for element in _near(tree, headline) if headline is not None else []:
        found = _AUTHOR_PAGE.search(element.get("href") or "") if element.tag == "a" else None
        if found and not _elsewhere(element, headline) and not _of_other_stories(element.getparent(), headline):
            for piece in element.itertext():
                if spelled := [name for name in bylines.names(piece) if bylines.spells(found.group("slug"), name)]:
                    return spelled[:1]
    return []


def _spelled_out(authors: list[str], tree) -> list[str]:
    """User names made of a person's names ("christian.stadtfeld") as the page writes them in
    full ("Christian P. Stadtfeld"); else as they are."""
    if all(" " in name for name in authors):
        return authors
    text = " ".join(tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]"))
    return [bylines.full_name(name, text) or name for name in authors]


def _byline_kind(element) -> int:
    """1 for itemprop=author, 2 for a rel=author link, 3 for an element named as a byline, else 0."""
    if (element.get("itemprop") or "").lower() == "author":
        return 1
    if any(_CREDIT_NAME.search(name) for name in furniture.names_of(element)):
        return 0  # the author of a photo: "media-license-author", "image-credit-author"
    if element.tag == "a" and "author" in (element.get("rel") or "").lower().split():
        return 2
    return 3 if any(_BYLINE_NAME.search(name) for name in furniture.names_of(element)) else 0


def _names_in(element, kind: int) -> list[str]:
    if kind == 1:
        element = next((e for e in element.iter() if (e.get("itemprop") or "").lower() == "name"), element)
        if element.get("content"):
            return bylines.names(element.get("content"), handles=True)
    text = _spaced_text(element)
    return bylines.names(text, handles=True) if len(text) <= MAX_BYLINE_CHARS else []


def _elsewhere(element, headline=None) -> bool:
    """Inside comments, a rail of other stories, an aside, a menu, a form or the page's footer;
    a container that holds the headline too is the article's own, whatever its name ("sidebar-wrapper")."""
    article = set(headline.iterancestors()) if headline is not None else set()
    for ancestor in element.iterancestors():
        if ancestor.tag in ("body", "html") or ancestor in article:
            return False
        if ancestor.tag in ("aside", "nav", "form") or (
            ancestor.tag == "footer" and next(ancestor.iterancestors("article"), None) is None
        ):
            return True
        if any(_ELSEWHERE_NAME.search(name) for name in furniture.names_of(ancestor)):
            return True
    return False


def _header_dates(tree, headline) -> tuple[list[str], list[str]]:
    """The <time datetime> values and the lines named as dates ("date", "dateline", "published",
    "meta") of the article's own header, nearest its headline first; never a link's (another
    story's date) nor one in a rail, an aside, comments or the page's footer."""
    times: list[str] = []
    lines: list[str] = []
    for element in _near(tree, headline) if headline is not None else []:
        if _of_other_stories(element, headline):
            continue
        if element.tag == "time" and element.get("datetime"):
            times.append(element.get("datetime"))
        elif element.tag == "time" or any(
            _DATE_NAME.search(name) for name in [*furniture.names_of(element), (element.get("itemprop") or "").lower()]
        ):
            if len(text := _spaced_text(element)) <= MAX_DATELINE_CHARS:
                lines.append(text)
    return times, lines


def _headline_element(tree, headlines: list[tuple[str, str]]):
    """The heading (h1 to h3) that shows the headline the page's metadata gives, if one does
    (a blog's h1 is often its own name, the post's title an h3)."""
    given = {plain_text(text).casefold() for kind, text in headlines if kind in ("json-ld", "og", "twitter")}
    return next(
        (heading for heading in tree.iter("h1", "h2", "h3") if plain_text(heading.text_content()).casefold() in given),
        None,
    )


def _of_other_stories(element, headline) -> bool:
    """In a link (to another story), an aside, a menu, a rail of other stories or comments;
    a container that holds the headline too is the article's own, whatever its name."""
    article = set(headline.iterancestors()) if headline is not None else set()
    for container in (element, *element.iterancestors()):
        if container in article:
            return False
        if container.tag in ("a", "aside", "nav") or any(
            _OTHER_STORIES.search(name) for name in furniture.names_of(container)
        ):
            return True
    return False


def _near(tree, headline) -> list:
    """The elements around `headline` (outside it) in the page's reading order, within the
    reach of its header, nearest first: distance is the text between them."""
    position, start, end = 0, -1, -1
    placed = []
    for event, element in lxml.etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            start = position if element is headline else start
            placed.append((position, element))
            if element.tag not in ("script", "style", "template", "noscript"):
                position += len((element.text or "").strip())
        else:
            end = position if element is headline else end
            position += len((element.tail or "").strip())
    near = [  # a date inside the headline ("<h1>… <small>02.02.2022</small></h1>") is nearest
        (start - at if at < start else max(at - end, 0), element)
        for at, element in placed
        if start - HEADER_BEFORE <= at <= end + HEADER_AFTER and element is not headline
    ]
    return [element for _, element in sorted(near, key=lambda pair: pair[0])]


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


def _person_name(person) -> str:
    """A person's name, in full where it is only a first name and the person's description
    starts with the full one ("Stefanus" described as "Stefanus Stahl - Maschinenbauer, …")."""
    name = _name(person).strip()
    if " " in name or not isinstance(person, dict):
        return name
    lead = _BIO_LEAD.split(_text(person.get("description")), maxsplit=1)[0]
    full = bylines.names(lead) if name else []
    words = full[0].split() if len(full) == 1 else []
    return full[0] if 2 <= len(words) <= 3 and words[0] == name else name


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
    width = value.get("width")
    return LeadImage(
        url=_text(value.get("url") or value.get("contentUrl")),
        alt=_text(value.get("description")),
        credit=credit,
        caption=_text(value.get("caption")),
        width=_pixels(width.get("value") if isinstance(width, dict) else width),  # or a QuantitativeValue
    )


def _pixels(value) -> int | None:
    """A width as pages write it: 1200, "1200", "1200px"; None for anything else."""
    found = re.fullmatch(r"\s*(\d{1,5})(?:\.0+)?\s*(?:px)?\s*", str(value)) if isinstance(value, int | str) else None
    return int(found.group(1)) if found else None


def _declared_width(values: dict[str, list[str]], tree, url: str) -> int | None:
    """The width the page gives its lead image `url`: og:image:width (when it is the og:image),
    else the width attribute of the page's <img> of the same file, if it has one."""
    if url in values.get("og:image", []) + values.get("og:image:secure_url", []):
        width = _pixels((values.get("og:image:width") or [""])[0])
        if width is not None:
            return width
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    for image in tree.iter("img"):
        source = image.get("src") or image.get("data-src") or ""
        if name and source.split("?", 1)[0].rsplit("/", 1)[-1] == name and _pixels(image.get("width")):
            return _pixels(image.get("width"))
    return None


# Elements named as a story's title: "title", "title-text", "article-headline", "story-heading".
_TITLE_NAME = re.compile(r"(?:^|-)(?:title|headline|heading)(?:-text)?$")
MAX_HEADING_CHARS = 300


def _main_headings(tree) -> list[tuple[str, str]]:
    """("heading", text) for the first headings of the page's main content (an element named
    as a title, or an <h2>): the headline of a page whose metadata and <h1> give only the
    site's name, which headlines.choose takes only then."""
    main = next(tree.iter("article", "main"), None)
    if main is None:
        main = next((element for element in tree.iter() if element.get("role") == "main"), None)
    found: list[tuple[str, str]] = []
    for element in main.iter() if main is not None else []:
        if len(found) == 3:
            break
        if not isinstance(element.tag, str) or not (
            element.tag == "h2" or any(_TITLE_NAME.search(name) for name in furniture.names_of(element))
        ):
            continue
        text = plain_text(element.text_content())
        if text and len(text) <= MAX_HEADING_CHARS and ("heading", text) not in found:
            found.append(("heading", text))
    return found
