"""Drafts: stories marked `status: draft` (as `newsdigest new` writes them). No published build
reads them into a list, a feed, an edition, the sitemap or search; a preview (`serve`, `build
--drafts`) writes each one's page under /drafts/, at its future address, with a banner.
`newsdigest ready FILE` publishes one by removing its `status: draft` line. Plain functions, no
Pelican.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from newsdigest.content import frontmatter

DRAFT = "draft"
# Where a preview writes drafts' pages: before the address each will have once published.
DRAFTS_FOLDER = "drafts/"
# Switches the commands set in the build's settings (never a curator's): `serve` and `build
# --drafts` write drafts' pages; `publish` refuses a story with nothing to read.
SHOW_DRAFTS = "NEWSDIGEST_SHOW_DRAFTS"
PUBLISHING = "NEWSDIGEST_PUBLISHING"
DRAFT_ADDRESS_SETTINGS = ("DRAFT_URL", "DRAFT_SAVE_AS", "DRAFT_LANG_URL", "DRAFT_LANG_SAVE_AS")


class DraftError(Exception):
    """A file `ready` cannot publish: missing, unreadable, or not a draft."""


def draft_addresses(settings: Mapping[str, object]) -> dict[str, str]:
    """Pelican's draft address settings that put each draft's page under /drafts/ at its article address."""
    url, save_as = str(settings["ARTICLE_URL"]), str(settings["ARTICLE_SAVE_AS"])
    return {
        "DRAFT_URL": DRAFTS_FOLDER + url,
        "DRAFT_SAVE_AS": DRAFTS_FOLDER + save_as,
        "DRAFT_LANG_URL": DRAFTS_FOLDER + url,
        "DRAFT_LANG_SAVE_AS": DRAFTS_FOLDER + save_as,
    }


def is_draft(status: object) -> bool:
    return isinstance(status, str) and status.strip().lower() == DRAFT


def without_draft_status(text: str, shown: str) -> str:
    """`text` (a story file) without its `status: draft` line, every other byte kept."""
    try:
        parsed = frontmatter.parse(text)
    except frontmatter.FrontMatterError as error:
        where = f"{shown}:{error.line}" if error.line else shown
        raise DraftError(f"{where}: {error.message}") from None
    if not is_draft(parsed.metadata.get("status")):
        status = parsed.metadata.get("status")
        state = "has no status (it is published)" if status is None else f"has status {status!r}"
        raise DraftError(f"{shown}: not a draft: it {state}")
    lines = text.split("\n")
    line = parsed.key_lines["status"]
    kept = "\n".join(lines[: line - 1] + lines[line:])
    try:
        after = frontmatter.parse(kept)
    except frontmatter.FrontMatterError:
        after = None
    expected = {key: value for key, value in parsed.metadata.items() if key != "status"}
    if after is None or after.metadata != expected or after.body != parsed.body:
        # The status spans several lines (or shares its line): a hand edit is safer than a guess.
        raise DraftError(f"{shown}:{line}: cannot remove `status: draft` alone; delete that line by hand")
    return kept


def make_ready(path: Path, shown: str | None = None) -> None:
    """Publish the draft at `path`: rewrite it without `status: draft`, atomically, keeping its mode."""
    shown = shown or str(path)
    try:
        data = path.read_bytes()
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        raise DraftError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise DraftError(f"{shown}: is a folder, not a story file") from None
    except OSError as error:
        raise DraftError(f"{shown}: cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DraftError(f"{shown}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    ready = without_draft_status(text, shown).encode("utf-8")
    # Hidden, beside the file: no build reads it, and the rename replaces the draft in one step.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(ready)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
