"""Pelican reader for Markdown with YAML front matter (replaces Pelican's `Key: value` header)."""

from __future__ import annotations

import logging
import os

import markdown
import nh3
from pelican import signals
from pelican.contents import Author, Tag
from pelican.readers import BaseReader

from newsdigest import content_model, frontmatter
from newsdigest.paths import display_path
from newsdigest.slugs import slugify

logger = logging.getLogger(__name__)

# Body HTML may hold raw HTML that slipped past ingest: keep structure, drop anything active.
_EXTRA_GENERIC_ATTRIBUTES = {"id", "class"}


def sanitise_html(html: str) -> str:
    """Markdown output with scripts, event handlers, styles and javascript: URLs removed."""
    return nh3.clean(html, generic_attribute_prefixes=None, attributes=_allowed_attributes())


def _allowed_attributes() -> dict[str, set[str]]:
    allowed = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    allowed["*"] = allowed.get("*", set()) | _EXTRA_GENERIC_ATTRIBUTES
    return allowed


class FrontMatterMarkdownReader(BaseReader):
    """Reads `.md` files: YAML front matter between `---` lines, then a Markdown body."""

    enabled = True
    file_extensions = ["md", "markdown"]

    def __init__(self, settings):
        super().__init__(settings)
        config = dict(settings.get("MARKDOWN", {}))
        config.pop("extensions", None)
        extension_configs = dict(config.pop("extension_configs", {}))
        extension_configs.pop("markdown.extensions.meta", None)
        self._markdown = markdown.Markdown(
            extensions=list(extension_configs), extension_configs=extension_configs, **config
        )

    def read(self, source_path):
        shown = display_path(source_path)
        try:
            with open(source_path, encoding="utf-8") as handle:
                text = handle.read()
        except UnicodeDecodeError as error:
            return self._reject(f"{shown}: not UTF-8 text ({error.reason} at byte {error.start})")
        try:
            document = frontmatter.parse(text)
            metadata = content_model.normalise(
                document.metadata,
                require_date=not self._is_page(source_path),
                timezone=content_model.site_timezone(self.settings.get("TIMEZONE")),
            )
        except frontmatter.FrontMatterError as error:
            return self._reject(f"{shown}:{error.line}: {error.message}" if error.line else f"{shown}: {error.message}")
        except content_model.ContentError as error:
            line = document.key_lines.get(error.key) if error.key else None
            return self._reject(f"{shown}:{line}: {error.message}" if line else f"{shown}: {error.message}")
        return self._render(document.body), self._to_pelican(metadata)

    def _render(self, markdown_text: str) -> str:
        self._markdown.reset()
        return sanitise_html(self._markdown.convert(markdown_text))

    def _to_pelican(self, metadata: dict) -> dict:
        """Typed metadata as Pelican's content classes expect it."""
        result = dict(metadata)
        result["slug"] = slugify(metadata.get("slug") or metadata["title"])
        if "slug" in metadata:
            result["explicit_slug"] = True
        result["tags"] = [Tag(name, self.settings) for name in metadata.get("tags", [])]
        if metadata.get("authors"):
            result["authors"] = [Author(name, self.settings) for name in metadata["authors"]]
        if "summary" in metadata:
            result["summary"] = self._render(metadata["summary"])
        return result

    def _is_page(self, source_path: str) -> bool:
        relative = os.path.relpath(source_path, self.settings["PATH"])
        first = relative.split(os.sep, 1)[0]
        return any(first == os.path.normpath(p).split(os.sep, 1)[0] for p in self.settings.get("PAGE_PATHS", []))

    @staticmethod
    def _reject(problem: str):
        """Report the problem (the strict plugin fails the build on it) and skip the file."""
        logger.error("%s", problem)
        return "", {"status": "skip"}


def add_reader(readers):
    for extension in FrontMatterMarkdownReader.file_extensions:
        readers.reader_classes[extension] = FrontMatterMarkdownReader


def register():
    signals.readers_init.connect(add_reader)
