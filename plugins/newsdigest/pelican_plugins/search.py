"""Search: Pagefind indexes every story page at the end of the build, into the staging folder,
so the index goes live with the pages it describes. A rebuild re-renders only changed pages,
so each story page is read from staging when it was rendered again, else from the previous
site. Only story bodies are indexed (article.html marks them with data-pagefind-body).
The search page is /search/. (Pagefind's Python API costs a tenth of a second per page;
its command line indexes a folder of ten thousand pages in seconds, so the pages are
gathered into a folder of hard links under the cache.)
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile

from pelican import signals

from newsdigest.pelican_plugins.writer import PREVIOUS_OUTPUT_KEY

logger = logging.getLogger(__name__)
STORIES_KEY = "NEWSDIGEST_SEARCH_STORIES"


def remember_stories(generators) -> None:
    """The story pages to index, in a fixed order, before the context is gone."""
    if not generators:
        return
    articles = generators[0].context.get("articles", [])
    generators[0].settings[STORIES_KEY] = sorted({article.save_as for article in articles})


def _gather(stories, output_path: str, previous: str | None, into: str) -> int:
    """Hard-link every story page (as rendered now, or kept from the previous site) into `into`."""
    gathered = 0
    for save_as in stories:
        for folder in (output_path, previous):
            source = os.path.join(folder, save_as) if folder else ""
            if source and os.path.isfile(source):
                target = os.path.join(into, save_as)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                try:
                    os.link(source, target)
                except OSError:  # another file system: copy instead
                    shutil.copyfile(source, target)
                gathered += 1
                break
    return gathered


def index_site(pelican) -> None:
    settings = pelican.settings
    stories = settings.get(STORIES_KEY)
    if not settings.get("SEARCH_ENABLED", True) or not stories:
        return
    os.makedirs(settings["CACHE_PATH"], exist_ok=True)
    gathered = tempfile.mkdtemp(prefix="search-", dir=settings["CACHE_PATH"])
    try:
        _gather(stories, str(pelican.output_path), settings.get(PREVIOUS_OUTPUT_KEY), gathered)
        command = [sys.executable, "-m", "pagefind", "--site", gathered,
                   "--output-path", os.path.join(os.path.abspath(pelican.output_path), "pagefind"),
                   "--force-language", settings.get("DEFAULT_LANG", "en"), "--quiet"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as error:
            logger.error("search index: pagefind could not run: %s", error)
            return
        if result.returncode != 0:
            problem = (result.stderr or result.stdout).strip().splitlines()
            logger.error("search index: pagefind failed: %s", problem[-1] if problem else f"exit {result.returncode}")
    finally:
        shutil.rmtree(gathered, ignore_errors=True)


def register():
    signals.all_generators_finalized.connect(remember_stories)
    signals.finalized.connect(index_site)
