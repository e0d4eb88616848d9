"""Pelican reader for Markdown with YAML front matter (replaces Pelican's `Key: value` header).

Before Pelican reads anything, every content file is loaded once: from the
build cache when its bytes were seen before, else converted in worker processes
across the machine's cores. `read()` then only checks the content model. Files
Pelican ignores (IGNORE_FILES) are not loaded, and a file that cannot be read is
left for `read()` to report.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import ClassVar

from pelican import signals
from pelican.contents import Author, Tag
from pelican.readers import BaseReader

from newsdigest.build import page_keys, record, stop_points
from newsdigest.build.cache import DOCUMENTS, BuildCache, code_fingerprint, store_path
from newsdigest.build.ignored_files import files_under
from newsdigest.content import alt_text, document, drafts, frontmatter, model as content_model
from newsdigest.content.slugs import slugify
from newsdigest.digests import digest
from newsdigest.paths import display_path
from newsdigest.site import presentation
from newsdigest.workers import map_chunks, worker_count

logger = logging.getLogger(__name__)

MARKDOWN_EXTENSIONS = (".md", ".markdown")


def _load_chunk(chunk: list[tuple[str, str, str]]) -> list[tuple[str, str | None]]:
    """Worker: (key, path, markdown config) -> (key, Document JSON, or None when it fails)."""
    results: list[tuple[str, str | None]] = []
    for key, path, config_json in chunk:
        try:
            text = Path(path).read_text(encoding="utf-8")
            results.append((key, document.load(text, config_json).to_json()))
        except (OSError, UnicodeDecodeError, frontmatter.FrontMatterError, TypeError, ValueError):
            results.append((key, None))  # the reader reads it again and reports why
    return results


def warm_documents(pelican) -> None:
    """Load every Markdown file under PATH, from the cache or in parallel, before Pelican reads."""
    settings = pelican.settings
    config_json = document.markdown_config(settings.get("MARKDOWN", {}))
    fingerprint = code_fingerprint()
    keys: dict[str, str] = {}
    for path in files_under(settings["PATH"], settings.get("IGNORE_FILES", [])):
        if path.endswith(MARKDOWN_EXTENSIONS):
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:  # a dangling link, a file gone: the reader says so, naming it
                continue
            keys[path] = digest(fingerprint, config_json, data)
    with BuildCache(store_path(settings["CACHE_PATH"])) as cache:
        found = cache.get_decoded(DOCUMENTS, list(set(keys.values())), document.Document.from_json)
        missing = sorted({key: path for path, key in keys.items() if key not in found}.items())
        jobs = [(key, path, config_json) for key, path in missing]
        converted = {}
        for key, value in map_chunks(_load_chunk, jobs, worker_count(record.current().settings.parallel.workers)):
            stop_points.reached("conversion")
            if value:
                converted[key] = value
                found[key] = document.Document.from_json(value)
        cache.put_many(DOCUMENTS, converted)
        cache.prune(DOCUMENTS)
    build = record.current()
    build.documents = {path: found[key] for path, key in keys.items() if key in found}
    build.document_keys = keys  # for the writer's page keys
    build.listing_keys = {}  # filled as files are read


def _listing_key(loaded: document.Document) -> str:
    """Digest of what lists of stories show: the front matter but for fields only a story's own
    page shows, and the reading time (a body edit that changes it changes every list)."""
    return page_keys.listing_key(loaded.metadata, str(presentation.reading_minutes(loaded.body_html)))


class FrontMatterMarkdownReader(BaseReader):
    """Reads `.md` files: YAML front matter between `---` lines, then a Markdown body."""

    enabled = True
    file_extensions: ClassVar[list[str]] = ["md", "markdown"]

    def __init__(self, settings):
        super().__init__(settings)
        self._markdown_config = document.markdown_config(settings.get("MARKDOWN", {}))
        self._tags: dict[str, Tag] = {}  # one Tag per name: Pelican slugifies each Tag it hashes

    def read(self, source_path):
        shown = display_path(source_path)
        try:
            loaded = self._load(source_path)
            record.current().listing_keys[source_path] = _listing_key(loaded)
        except UnicodeDecodeError as error:
            return self._reject(f"{shown}: not UTF-8 text ({error.reason} at byte {error.start})")
        except (frontmatter.FrontMatterError, document.BodyError) as error:
            return self._reject(f"{shown}:{error.line}: {error.message}" if error.line else f"{shown}: {error.message}")
        warnings: list[content_model.ContentError] = []
        try:
            story = content_model.normalise(
                loaded.metadata,
                require_date=not self._is_page(source_path),
                timezone=content_model.site_timezone(self.settings.get("TIMEZONE")),
                warnings=warnings,
            )
        except content_model.ContentError as error:
            return self._reject(self._located(shown, loaded, error))
        for warning in warnings:
            logger.warning("%s", self._located(shown, loaded, warning))
        _warn_of_missing_alt_text(shown, loaded)
        if self._is_empty_story(source_path, story, loaded):
            return self._reject(f"{shown}: empty body: nothing to publish (write it, or mark it `status: draft`)")
        size = os.path.getsize(source_path)
        if size > content_model.LARGE_STORY_BYTES:
            logger.warning(
                "%s: %d KB of text, over %d KB: is it one story? Its page and feed entries are slow for readers",
                shown,
                size // 1024,
                content_model.LARGE_STORY_BYTES // 1024,
            )
        return loaded.body_html, self._to_pelican(story, loaded.summary_html)

    @staticmethod
    def _located(shown: str, loaded: document.Document, error: content_model.ContentError) -> str:
        line = loaded.key_lines.get(error.key) if error.key else None
        return f"{shown}:{line}: {error.message}" if line else f"{shown}: {error.message}"

    def _load(self, source_path) -> document.Document:
        # Handed over, not kept: the story holds what it needs, and the build's worker processes
        # would otherwise each carry a copy of every converted document.
        cached = record.current().documents.pop(source_path, None)
        if cached is not None:
            return cached
        with open(source_path, encoding="utf-8") as handle:
            return document.load(handle.read(), self._markdown_config)

    def _to_pelican(self, story: content_model.Story, summary_html: str | None) -> dict[str, object]:
        """The story as the metadata Pelican's content classes expect."""
        result = story.to_metadata()
        if story.status == content_model.GONE:  # published nowhere, like a draft; its addresses answer 410
            result["status"], result[content_model.GONE] = "draft", True
            result["save_as"] = ""  # never written, not even in a preview that shows drafts
        result["slug"] = slugify(story.slug or story.title)
        if story.slug is not None:
            result["explicit_slug"] = True
        result["tags"] = [
            self._tags.get(name) or self._tags.setdefault(name, Tag(name, self.settings)) for name in story.tags or ()
        ]
        if story.authors:
            result["authors"] = [Author(name, self.settings) for name in story.authors]
        if story.summary is not None and summary_html is not None:
            result["summary"] = summary_html
        return result

    def _is_empty_story(self, source_path: str, story: content_model.Story, loaded: document.Document) -> bool:
        """A story `publish` would put before readers (no draft) with no body to read."""
        return (
            bool(self.settings.get(drafts.PUBLISHING))
            and story.status not in (drafts.DRAFT, content_model.GONE)
            and not self._is_page(source_path)
            and not loaded.body_html.strip()
        )

    def _is_page(self, source_path: str) -> bool:
        relative = os.path.relpath(source_path, self.settings["PATH"])
        first = relative.split(os.sep, 1)[0]
        return any(first == os.path.normpath(p).split(os.sep, 1)[0] for p in self.settings.get("PAGE_PATHS", []))

    @staticmethod
    def _reject(problem: str):
        """Report the problem (the strict plugin fails the build on it) and skip the file."""
        logger.error("%s", problem)
        return "", {"status": "skip"}


def _warn_of_missing_alt_text(shown: str, loaded: document.Document) -> None:
    problem = alt_text.missing_alt_text(loaded.metadata, loaded.body_html)
    if problem:
        logger.warning("%s: %s", shown, problem)


def _not_pelicans_alt_check(log_record: logging.LogRecord) -> bool:
    """Pelican warns of every image with an empty alt, the source's in an ingested story too, one
    line per image: alt_text says it once per story, of the curator's own images only."""
    return not str(log_record.msg).startswith("Empty alt attribute")


def add_reader(readers):
    for extension in FrontMatterMarkdownReader.file_extensions:
        readers.reader_classes[extension] = FrontMatterMarkdownReader


def register():
    pelican_readers_log = logging.getLogger("pelican.readers")
    if _not_pelicans_alt_check not in pelican_readers_log.filters:
        pelican_readers_log.addFilter(_not_pelicans_alt_check)
    signals.initialized.connect(warm_documents)
    signals.readers_init.connect(add_reader)
