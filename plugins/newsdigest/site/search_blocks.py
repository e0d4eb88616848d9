"""The search index in blocks of stories, so one edit re-indexes one block, not the site.

Pagefind has no incremental mode, and its memory grows with the pages it indexes at
once (about 0.3 MB a page). So the stories, in URL order (which is date order), are cut
into blocks, each indexed into a bundle of its own; the search page merges them.

A block ends after a story whose URL hashes to a boundary (one in `target` on average)
or when it reaches twice `target`. Boundaries depend on the story itself, not on its
position, so adding or removing a story moves at most the block it falls in (and the
next, when it was a boundary), never every block after it. A block is named after its
first story, so unaffected blocks keep their names and their files from one build to the next.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from dataclasses import dataclass

from newsdigest.digests import digest
from newsdigest.settings import SettingsGroup, setting


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """The SEARCH_* settings, with their defaults (docs/configuration.md)."""

    enabled: bool = setting("SEARCH_ENABLED", True)  # index the stories with Pagefind for /search/
    block_stories: int = setting("SEARCH_BLOCK_STORIES", 250, minimum=1)  # stories per index block, on average


@dataclass(frozen=True)
class Block:
    name: str
    pages: tuple[str, ...]

    @property
    def bundle(self) -> str:
        """The bundle's folder in the site, with a trailing slash."""
        return f"pagefind/{self.name}/"


def _hash(page: str) -> int:
    return int.from_bytes(hashlib.sha256(page.encode("utf-8", "surrogatepass")).digest()[:8], "big")


def split(pages: list[str], target: int) -> list[Block]:
    """`pages` (story page paths) in blocks of about `target`, at most twice that."""
    target = max(1, int(target))
    ordered = sorted(set(pages))
    blocks, current = [], []
    for page in ordered:
        current.append(page)
        if _hash(page) % target == 0 or len(current) >= 2 * target:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [Block(name=f"{_hash(block[0]):016x}"[:12], pages=tuple(block)) for block in blocks]


_BODY_MARK = re.compile(rb"<([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*\sdata-pagefind-body[\s=>]")
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


def indexed_part(page: bytes) -> bytes:
    """The part of a story page the index is made from: its head (title, language, metadata)
    and the element marked data-pagefind-body, which Pagefind alone reads when a page has one.
    What lies outside it (related stories, previous and next story) changes when other stories
    change, and must not make a block be indexed again. A page without the mark is whole."""
    mark = _BODY_MARK.search(page)
    head = _HEAD_END.search(page)
    if mark is None or head is None:
        return page
    tags = re.compile(rb"<(/?)" + re.escape(mark.group(1)) + rb"\b[^<>]*>", re.IGNORECASE)
    depth = 0
    for tag in tags.finditer(page, mark.start()):  # the element's end, past any of its kind inside it
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return page[: head.end()] + page[mark.start() : tag.end()]
    return page


def block_key(block: Block, page_digests: dict[str, str], *, tool: str) -> str:
    """What a block's bundle is made from: the indexer, and each page's path and the part of
    it that is indexed (by digest, see `indexed_part`)."""
    return digest(tool, block.name, *(part for page in block.pages for part in (page, page_digests[page])))


ENTRY_FILE = "pagefind-entry.json"
# What Pagefind writes into every bundle for its own search interfaces, which the theme's search
# page (its own script, on pagefind.js) never loads: nearly half a megabyte a bundle.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


def remove_unused_files(bundle: str) -> None:
    """Take out of a bundle the files of Pagefind's own interfaces (UNUSED_FILES)."""
    for name in UNUSED_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(bundle, name))


def sort_entry_languages(path: str) -> None:
    """Put the languages of a bundle's entry file in a stable order: Pagefind writes them in the
    order of a hash map, which differs from run to run, and the same site must give the same bytes."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    entry = json.loads(text)
    languages = entry.get("languages")
    if not isinstance(languages, dict) or list(languages) == sorted(languages):
        return
    entry["languages"] = dict(sorted(languages.items()))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
