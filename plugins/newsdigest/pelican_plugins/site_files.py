"""The site's own files: 404.html, sitemap.xml, news-sitemap.xml and robots.txt.

The sitemap lists every page the writer rendered or kept (pagination included), so
it is written when the pages are: on `finalized`, after the writer has flushed.
"""

from __future__ import annotations

import os

from pelican import signals
from pelican.generators import Generator

from newsdigest.build import record
from newsdigest.content.drafts import DRAFTS_FOLDER
from newsdigest.site import sitemaps
from newsdigest.site.feeds import feed_siteurl

NOT_IN_SITEMAP = ("404.html", "email.html")


def _newest(stories, default):
    return max((getattr(s, "modified", None) or s.date for s in stories), default=default)


class SiteFilesGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        # Served at whatever address was missing: its links start from the site's root, never relative.
        writer.write_file("404.html", self.get_template("404"), self.context, url="404.html", relative_urls=False)
        writer.write_file("search/index.html", self.get_template("search"), self.context, url="search/")
        moment = self.context.get("build_moment")
        stories = list(self.context.get("articles", []))
        newest = _newest(stories, moment)
        lastmod = {
            "index.html": newest,
            "archives/index.html": newest,
            "feeds/index.html": newest,
            "editions/index.html": newest,
            "search/index.html": newest,
        }
        for story in stories:
            lastmod[story.save_as] = getattr(story, "modified", None) or story.date
        for kind, terms in (self.context.get("taxonomies") or {}).items():
            lastmod[f"{kind}/index.html"] = newest
            for term in terms:
                if term.url:
                    lastmod[f"{term.url}index.html"] = _newest(term.articles, moment)
        for edition in self.context.get("editions") or []:
            lastmod[f"{edition.url}index.html"] = _newest(edition.articles, moment)
        for month in (self.context.get("period_archives") or {}).get("month", []):
            lastmod[month["save_as"]] = _newest(month["articles"], moment)
        siteurl = feed_siteurl(self.settings)
        news = tuple(
            sitemaps.NewsItem(f"{siteurl}/{story.url}", story.title, story.date, getattr(story, "lang", ""))
            for story in stories
        )
        record.current().sitemap = record.SitemapDates(lastmod, moment, news)


def write_site_files(pelican) -> None:
    settings = pelican.settings
    build = record.current()
    dates = build.sitemap
    if dates is None:
        return
    siteurl = feed_siteurl(settings)
    pages = []
    redirects = build.redirect_pages
    for name, files in sorted(build.files_by_name().items()):
        for relative in files:
            relative = relative.replace(os.sep, "/")
            if (
                not relative.endswith(".html")
                or relative.rsplit("/", 1)[-1] in NOT_IN_SITEMAP
                or relative in redirects
                or relative.startswith(DRAFTS_FOLDER)  # a preview's drafts: never for search engines
            ):
                continue
            url = relative[: -len("index.html")] if relative.endswith("index.html") else relative
            pages.append((f"{siteurl}/{url}", dates.pages.get(name, dates.moment)))
    output = pelican.output_path
    site_files = {
        "sitemap.xml": sitemaps.sitemap(sorted(pages)),
        "news-sitemap.xml": sitemaps.news_sitemap(
            list(dates.news), dates.moment, settings.get("SITENAME", ""), settings.get("DEFAULT_LANG", "en")
        ),
        "robots.txt": sitemaps.robots(siteurl),
    }
    for name, data in site_files.items():
        with open(os.path.join(output, name), "wb") as handle:
            handle.write(data)


def site_files_generator(pelican):
    return SiteFilesGenerator


def register():
    signals.get_generators.connect(site_files_generator)
    signals.finalized.connect(write_site_files)
