"""Every output path is claimed once (newsdigest.build.output_claims): once every generator has
read, the build's own files are reserved (theme static files, feeds, search bundles, robots.txt,
sitemaps, the web server rules, 404.html, the search page, static files), then each story's and
page's file and each old address's redirect page is claimed. A collision is logged as an error,
which fails the build before anything is written (strict.py checks after this plugin).
"""

from __future__ import annotations

import logging
import os

from pelican import signals

from newsdigest.build import record as build_state
from newsdigest.build.output_claims import OutputClaims
from newsdigest.paths import display_path
from newsdigest.site import feeds
from newsdigest.site.addresses import server_rules

logger = logging.getLogger(__name__)

CONTENT_GROUPS = ("articles", "hidden_articles", "pages", "hidden_pages")
# The build's own files, written whatever the content: (path, what writes it).
SITE_FILES = (
    ("robots.txt", "the build's robots.txt"),
    ("sitemap.xml", "the build's sitemap"),
    ("news-sitemap.xml", "the build's news sitemap"),
    (server_rules.REDIRECTS_FILE, "the build's web server redirects"),
    ("404.html", "the build's 404 page"),
)
# Folders wholly the build's own.
SITE_FOLDERS = (
    ("feeds/", "the site's feeds"),
    ("pagefind/", "the search index"),
    (os.path.dirname(server_rules.NGINX_MAPS_FILE) + "/", "the build's nginx rules"),
    ("search/", "the search page"),
)


def theme_static_files(settings) -> list[str]:
    """Where Pelican copies the theme's static files (THEME_STATIC_PATHS into THEME_STATIC_DIR)."""
    theme, target = settings["THEME"], settings.get("THEME_STATIC_DIR", "theme")
    found = []
    for path in settings.get("THEME_STATIC_PATHS", ["static"]):
        source = os.path.join(theme, path)
        if os.path.isfile(source):
            found.append(f"{target}/{os.path.basename(path)}")
        for root, folders, names in os.walk(source):
            folders.sort()
            for name in sorted(names):
                relative = os.path.relpath(os.path.join(root, name), source).replace(os.sep, "/")
                found.append(f"{target}/{relative}")
    return found


def reserve_site_files(claims: OutputClaims, settings, context) -> None:
    for path in theme_static_files(settings):
        claims.reserve(path, "the theme's static files")
    for path, owner in SITE_FILES:
        claims.reserve(path, owner)
    for folder, owner in SITE_FOLDERS:
        claims.reserve_folder(folder, owner)
    for feed_set in context.get("feed_sets") or []:  # each term's feeds, beside its page
        for fmt in feeds.FORMATS:
            claims.reserve(feed_set.file(fmt), "the site's feeds")
    for static in context.get("staticfiles") or []:
        claims.reserve(static.save_as, f"the static file {display_path(static.source_path)}")


def _content_items(context):
    for group in CONTENT_GROUPS:
        for item in context.get(group) or []:
            yield item
            yield from getattr(item, "translations", None) or []


def claim_outputs(generators) -> None:
    if not generators:
        return
    settings, context = generators[0].settings, generators[0].context
    build = build_state.current()
    claims = build.claims
    reserve_site_files(claims, settings, context)
    for item in _content_items(context):
        if item.save_as:
            problem = claims.claim(item.save_as, display_path(item.source_path), item.source_path)
            if problem is not None:
                logger.error("%s", problem)
    for page, (claimant, source) in sorted(build.redirect_pages.items()):
        problem = claims.claim(page, claimant, source)
        if problem is not None:
            logger.error("%s", problem)


def register():
    signals.all_generators_finalized.connect(claim_outputs)
