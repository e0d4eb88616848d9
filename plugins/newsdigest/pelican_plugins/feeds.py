"""Feeds for the site, every tag, section and source (and the editions, when there are any),
in RSS, Atom and JSON Feed (newsdigest.site.feeds), plus the /feeds/ page and feeds/feeds.opml.

Pelican's own feeds stay off (pelicanconf.py), so no two feeds share a path.
Entry ids never change once published: `tag:<site domain>,<publication date>:<source file>`
(the file ingest wrote keeps its name when a story is edited or retitled); a
story may pin its own with `guid:` in its front matter.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import logging
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.generators import Generator

from newsdigest.build import page_keys, record
from newsdigest.content import model
from newsdigest.site import feed_settings, feeds
from newsdigest.site.addresses.siteurl import unpublishable
from newsdigest.site.feeds import feed_siteurl

logger = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class FeedSet:
    """One feed in every format: where it lives and what it is about."""

    path: str  # site-relative folder + file stem, e.g. "feeds/all." or "tags/mali/feed."
    title: str
    page_url: str  # site-relative URL of the page it belongs to
    description: str
    kind: str  # "site", "tags", "sections", "sources", "editions"

    def file(self, fmt: str) -> str:
        return self.path + feeds.FILE_NAMES[fmt]


def warn_of_a_local_address(pelican) -> None:
    """A build for a web server (RELATIVE_URLS off, as publishconf.py sets) whose feeds, newsletters
    and sitemaps would send readers to this machine says so."""
    settings = pelican.settings
    if settings.get("RELATIVE_URLS"):
        return  # a preview for the disk: local on purpose
    problem = unpublishable(feed_siteurl(settings) if settings.get("FEED_SITEURL") else settings.get("SITEURL"))
    if problem:
        logger.warning(
            "%s: this site's feeds, newsletters and sitemaps link to %s; set the site's address "
            "(publishconf.py reads NEWSDIGEST_SITEURL)",
            problem,
            feed_siteurl(settings),
        )


def term_feed_set(term, kind_title: str, sitename: str) -> FeedSet:
    return FeedSet(
        path=f"{term.url}feed.",
        title=f"{term.name} · {sitename}",
        page_url=term.url,
        description=term.description or f"{kind_title}: {term.name}",
        kind=term.kind,
    )


def feed_sets(context, settings) -> list[FeedSet]:
    """Every feed the site offers, site feeds first: the one list the feeds, the /feeds/ page,
    the OPML file and the templates' discovery links all come from."""
    sitename = settings.get("SITENAME", "")
    read = record.current().settings
    sets = [FeedSet("feeds/all.", sitename, "", read.presentation.site_description or sitename, "site")]
    if context.get("editions"):
        sets.append(
            FeedSet("editions/feed.", f"Editions · {sitename}", "editions/", f"Every edition of {sitename}", "editions")
        )
    titles = {"tags": "Tag", "sections": "Section", "sources": "Source"}
    for kind, terms in (context.get("taxonomies") or {}).items():
        if kind not in read.feeds.kinds:
            continue
        sets.extend(term_feed_set(term, titles.get(kind, kind), sitename) for term in terms if term.url)
    return sets


class FeedsGenerator(Generator):
    def generate_context(self):
        self.context["feed_sets"] = feed_sets(self.context, self.settings)
        self.context["feed_formats"] = feeds.FORMATS
        self.context["feed_media_types"] = feeds.MEDIA_TYPES

    _terms_by_url = None

    def generate_output(self, writer):
        read = record.current().settings
        siteurl = feed_siteurl(self.settings)
        sitename = self.settings.get("SITENAME", "")
        publisher = feeds.Person(sitename, f"{siteurl}/") if sitename else None
        language = feeds.language_tag(self.settings.get("DEFAULT_LANG", "en"))
        entries = EntryFactory(
            siteurl,
            read.feeds.summary_only,
            self.path,
            self.context.get("edition_newsletter"),
            day=DayMoments(
                model.site_timezone(self.settings.get("TIMEZONE")) or ZoneInfo("UTC"), read.feeds.date_only_hour
            ),
        )
        keyed = getattr(writer, "write_keyed", None)
        for feed_set in self.context["feed_sets"]:
            items = self._items(feed_set)[: read.feeds.max_items]

            def produce(feed_set=feed_set, items=items) -> dict[str, bytes]:
                feed = feeds.Feed(
                    title=feed_set.title,
                    home_url=f"{siteurl}/{feed_set.page_url}",
                    self_urls={fmt: f"{siteurl}/{feed_set.file(fmt)}" for fmt in feeds.FORMATS},
                    description=feed_set.description,
                    author=publisher,
                    language=language,
                    hub_url=read.feeds.hub,
                    entries=tuple(entries.for_item(item) for item in items),
                    note_label=read.presentation.note_label,
                )
                return {feed_set.file(fmt): data for fmt, data in feeds.render_all(feed, entries.serialised).items()}

            if keyed is not None:  # newsdigest's writer: unchanged feeds are kept from the last build
                keyed(feed_set.path, self.context, [repr(feed_set), *items, *_newsletter_inputs(items)], produce)
            else:
                for relative, data in produce().items():
                    self._write(relative, data)
        self._write("feeds/feeds.opml", opml(self.context["feed_sets"], siteurl, sitename))
        writer.write_file("feeds/index.html", self.get_template("feeds"), self.context, url="feeds/")

    def _items(self, feed_set: FeedSet) -> list:
        if feed_set.kind == "site":
            return list(self.context.get("articles", []))
        if feed_set.kind == "editions":
            return list(self.context.get("editions", []))
        if self._terms_by_url is None:
            self._terms_by_url = {
                (kind, term.url): term for kind, terms in self.context["taxonomies"].items() for term in terms
            }
        term = self._terms_by_url.get((feed_set.kind, feed_set.page_url))
        return list(term.articles) if term is not None else []

    def _write(self, relative: str, data: bytes) -> None:
        path = os.path.join(self.output_path, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)


@dataclass(frozen=True)
class DayMoments:
    """When feeds date a day without a time: DATE_ONLY_HOUR that day in the site's zone."""

    timezone: dt.tzinfo
    hour: int = feed_settings.Settings.date_only_hour

    def of(self, day: dt.date) -> dt.datetime:
        return feeds.day_moment(day, self.timezone, self.hour)

    def edition(self, edition) -> dt.datetime:
        """An edition's moment in feeds: its own day (feeds.edition_moment)."""
        newest = max(self.published(story) for story in edition.articles)
        return feeds.edition_moment(edition.date, newest, self.timezone, self.hour)

    def published(self, article) -> dt.datetime:
        """A story's publication moment in feeds: its date, or for a day alone that day's hour."""
        return self.of(article.date.date()) if article.metadata.get(model.DATE_ONLY_KEY) else article.date

    def updated(self, article) -> dt.datetime:
        """A story's last change as its front matter states it (`modified`), never the clock."""
        published = self.published(article)
        modified = getattr(article, "modified", None)
        return max(modified, published) if modified else published


class EntryFactory:
    """Feed entries for stories (and editions), each built, and serialised in each format
    (`serialised`), once per process however many feeds hold it."""

    def __init__(self, siteurl: str, summary_only: bool, content_path: str, newsletter=None, *, day: DayMoments):
        self.siteurl = siteurl
        self.domain = urlsplit(siteurl).hostname or "localhost"
        self.content_path = content_path
        self.summary_only = summary_only
        self.newsletter = newsletter  # edition -> its email.html (the editions plugin's edition_newsletter)
        self.day = day  # when a day without a time is dated
        self._built: dict[int, feeds.Entry] = {}
        self.serialised = feeds.SerialisedEntries()

    def for_item(self, item) -> feeds.Entry:
        entry = self._built.get(id(item))
        if entry is None:
            entry = self._built[id(item)] = self._edition(item) if hasattr(item, "lead") else self._article(item)
        return entry

    def _absolute(self, url: str) -> str:
        return url if urlsplit(url).scheme else f"{self.siteurl}/{url.lstrip('/')}"

    def _article(self, article) -> feeds.Entry:
        link = self._absolute(article.url)
        metadata = article.metadata
        source_file = os.path.relpath(article.source_path, self.content_path).replace(os.sep, "/")
        source_term = getattr(article, "source_term", None)
        source_page = self._absolute(source_term.url) if source_term is not None and source_term.url else ""
        image = getattr(article, "image", "")
        return feeds.Entry(
            id=metadata.get("guid") or f"tag:{self.domain},{article.date:%Y-%m-%d}:{source_file}",
            title=article.title,
            link=link,
            published=self.day.published(article),
            updated=self.day.updated(article),
            authors=feeds.credited(
                [author.name for author in metadata.get("authors", [])], metadata.get("source", ""), source_page
            ),
            categories=tuple(term.name for term in getattr(article, "tag_terms", []) or []),
            note=metadata.get("note", ""),
            standfirst=metadata.get("subtitle", ""),
            body_html="" if self.summary_only else feeds.absolute_links(article.get_content(self.siteurl), link),
            excerpt=_text(metadata.get("summary", "")) or _opening_words(article._content or ""),
            source_name=metadata.get("source", ""),
            source_url=metadata.get("source_url", ""),
            image_url=self._absolute(image) if image else "",
            language=feeds.language_tag(metadata.get("lang")),
        )

    def _edition(self, edition) -> feeds.Entry:
        """The edition as its newsletter: what a subscriber to the editions feed reads is what
        the email carries (headlines, sources, standfirsts, notes), whatever FEED_SUMMARY_ONLY says.

        Dated by its own day (an edition is a day, not a moment: the stories it picks may be
        years old), at DATE_ONLY_HOUR like a story dated by its day, or earlier that day when
        its newest story is; updated when a story in it says it changed later."""
        link = self._absolute(edition.url)
        stories = edition.articles
        published = self.day.edition(edition)
        return feeds.Entry(
            id=f"tag:{self.domain},{edition.date.isoformat()}:{edition.url}",
            title=edition.title,
            link=link,
            published=published,
            updated=max([published, *(self.day.updated(story) for story in stories)]),
            body_html=feeds.page_body_html(self.newsletter(edition), link),
            excerpt=_text(edition.intro or "") or "; ".join(story.title for story in stories),
        )


def _newsletter_inputs(items) -> list[str]:
    """What an edition's entry (its newsletter) shows of its stories beyond the front matter
    every page's key holds already: the fields lists leave out, such as the note."""
    return [page_keys.own_fields(story) for item in items for story in getattr(item, "articles", ())]


def _text(html: str) -> str:
    return html_module.unescape(_TAGS.sub("", html)).strip()


def _opening_words(html: str, count: int = 50) -> str:
    """A summary for a story without a standfirst: its first words."""
    words = html_module.unescape(_TAGS.sub(" ", html)).split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def opml(sets: list[FeedSet], siteurl: str, sitename: str) -> bytes:
    """An OPML 2.0 subscription list of every RSS feed, for subscribing to all at once."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = feeds.xml_safe(f"{sitename} feeds")
    body = ElementTree.SubElement(root, "body")
    for feed_set in sets:
        ElementTree.SubElement(
            body,
            "outline",
            type="rss",
            text=feeds.xml_safe(feed_set.title),
            title=feeds.xml_safe(feed_set.title),
            xmlUrl=f"{siteurl}/{feed_set.file('rss')}",
            htmlUrl=f"{siteurl}/{feed_set.page_url}",
        )
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def feeds_generator(pelican):
    return FeedsGenerator


def register():
    signals.initialized.connect(warn_of_a_local_address)
    signals.get_generators.connect(feeds_generator)
