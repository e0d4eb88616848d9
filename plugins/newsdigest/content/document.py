"""A content file turned into what the site needs: raw front matter, body HTML, summary HTML.

Plain functions, no Pelican: worker processes call `load` in parallel, and the
reader calls it for any file the cache does not hold.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import markdown
import nh3

from newsdigest.content import frontmatter

# Body HTML may hold raw HTML that slipped past ingest: keep structure, drop anything active.
_EXTRA_GENERIC_ATTRIBUTES = {"id", "class"}


@functools.cache
def _allowed_attributes() -> dict[str, set[str]]:
    allowed = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    allowed["*"] = allowed.get("*", set()) | _EXTRA_GENERIC_ATTRIBUTES
    return allowed


_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")


def sanitise_html(html: str) -> str:
    """HTML with scripts, event handlers, styles and javascript: URLs removed; an image with no
    text alternative gets an empty one (decorative), which readers and checkers require."""
    return _IMAGE_WITHOUT_ALT.sub('<img alt=""', nh3.clean(html, attributes=_allowed_attributes()))


def markdown_config(settings_markdown: Mapping[str, Any]) -> str:
    """Pelican's MARKDOWN setting, minus the meta extension, as a canonical JSON string."""
    config = dict(settings_markdown or {})
    config.pop("extensions", None)
    extension_configs = dict(config.pop("extension_configs", {}))
    extension_configs.pop("markdown.extensions.meta", None)
    return json.dumps({"extension_configs": extension_configs, **config}, sort_keys=True, default=str)


@functools.lru_cache(maxsize=4)
def _converter(config_json: str) -> markdown.Markdown:
    config = json.loads(config_json)
    extension_configs = config.pop("extension_configs")
    return markdown.Markdown(extensions=list(extension_configs), extension_configs=extension_configs, **config)


# Lists and quotes inside each other: Python-Markdown recurses at each level, and lists some
# 250 deep exhaust Python's stack after seconds of work. No news story nests a tenth as deep.
MAX_NESTING = 32
_CONTAINER_MARKER = re.compile(r"[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")
_FENCE = re.compile(r"[ \t]*(```|~~~)")
_RULE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*")


class BodyError(ValueError):
    """A Markdown body the build will not convert, with the 1-based line of the problem in it."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def nesting(line: str) -> int:
    """How deep a line of Markdown nests: a level for each 4 columns of indentation and for
    each quote or list marker it starts with (a generous over-count, for a cap)."""
    depth, position = 0, 0
    while found := _CONTAINER_MARKER.match(line, position):
        depth, position = depth + 1, found.end()
    expanded = line.expandtabs(4)
    return depth + (len(expanded) - len(expanded.lstrip(" "))) // 4


def check_nesting(text: str) -> None:
    """Raise BodyError on the first line (outside fenced code) nested over MAX_NESTING levels."""
    fence = None
    for number, line in enumerate(text.split("\n"), start=1):  # lines as an editor numbers them
        line = line.removesuffix("\r")
        if opening := _FENCE.match(line):
            fence = None if fence == opening.group(1) else fence or opening.group(1)
            continue
        if fence is None and not _RULE.fullmatch(line) and nesting(line) > MAX_NESTING:
            raise BodyError(f"lists or quotes nested over {MAX_NESTING} levels deep; not converted", number)


def render_markdown(text: str, config_json: str) -> str:
    """Markdown to sanitised HTML; raises BodyError on Markdown nested too deeply to convert."""
    check_nesting(text)
    converter = _converter(config_json)
    converter.reset()
    try:
        return sanitise_html(converter.convert(text))
    except RecursionError:  # a nesting check_nesting cannot see
        raise BodyError("nested too deeply to convert") from None


@dataclass(frozen=True)
class Document:
    """A story file as the site reads it: its raw front matter (checked later by the content
    model), the 1-based line of each key, and its body and summary as sanitised HTML. The one
    document type: `frontmatter.ParsedFile` is the file split before conversion, and the related
    ranking reads a `site.related.StoryText` made from the story Pelican built from it."""

    metadata: dict[str, Any]  # the raw front matter, as YAML gives it
    key_lines: dict[str, int]
    body_html: str
    summary_html: str | None

    def to_json(self) -> str:
        return json.dumps([self.metadata, self.key_lines, self.body_html, self.summary_html], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Document:
        """Read back `to_json`'s text; raises ValueError on anything else (a damaged cache entry)."""
        metadata, key_lines, body_html, summary_html = json.loads(text)
        if not (
            isinstance(metadata, dict)
            and isinstance(key_lines, dict)
            and isinstance(body_html, str)
            and isinstance(summary_html, (str, type(None)))
        ):
            raise ValueError("not a loaded document")
        return cls(metadata, key_lines, body_html, summary_html)


def load(text: str, config_json: str) -> Document:
    """Parse front matter and render the body; raises frontmatter.FrontMatterError, or
    BodyError with the line in the file."""
    parsed = frontmatter.parse(text)
    summary = parsed.metadata.get("summary")
    try:
        summary_html = render_markdown(str(summary), config_json) if isinstance(summary, (str, int, float)) else None
    except BodyError as error:
        raise BodyError(f"summary: {error.message}", parsed.key_lines.get("summary")) from None
    body_start = text.removeprefix("\ufeff").count("\n") - parsed.body.count("\n")  # lines before the body
    try:
        body_html = render_markdown(parsed.body, config_json)
    except BodyError as error:
        raise BodyError(error.message, body_start + error.line if error.line else None) from None
    return Document(parsed.metadata, parsed.key_lines, body_html, summary_html)
