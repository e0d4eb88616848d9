"""`newsdigest serve`'s first answer to an edit: the edited story's own page, at once.

A rebuild takes seconds on a large site; a curator who saves a note wants to see it now. So
before each rebuild, serve renders the page of every edited story again from the last build's
pages, with the story's new body and own-page fields (note, photo credit, contributors), and
puts it in place in the live site, file by file (rename(2)). The rebuild that follows brings
every other page up to date (the edition, the feeds, search, related stories after a body
edit) and leaves the site byte-identical to a cold build.

Only an edit that changes nothing lists of stories show takes this path: the body at the same
reading time, or own-page fields. Any other edit (a headline, a tag, a date) waits for the
rebuild, as does a file that does not read, and every edit after a failed rebuild, until a
good one. (When the rebuild fails for another reason, the page keeps the edit meanwhile.)
"""

from __future__ import annotations

import copy
import dataclasses
import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from newsdigest.build import page_keys, record as build_state
from newsdigest.build.lock import build_lock
from newsdigest.content import document, model
from newsdigest.pelican_plugins.writer import PageRenderer
from newsdigest.site import presentation


@dataclass(frozen=True)
class StoryPage:
    """A story's own page as the last good build queued it, and what lists showed of the story."""

    page: build_state.PendingPage
    listing_key: str


def story_pages(record: build_state.Build) -> dict[str, StoryPage]:
    """Story file -> its page, from a finished build's record."""
    found = {}
    for page in record.story_pages:
        story = page.kwargs.get("article")
        path = getattr(story, "source_path", None)
        if path in record.listing_keys and page.produce is None:
            found[path] = StoryPage(page, record.listing_keys[path])
    return found


def _edited_story(story, loaded: document.Document, settings: dict):
    """A copy of `story` with the body and own-page fields of `loaded`."""
    metadata = model.normalise(
        loaded.metadata,
        require_date=True,
        timezone=model.site_timezone(settings.get("TIMEZONE")),
        warnings=[],
    ).to_metadata()
    edited = copy.copy(story)
    edited._content = loaded.body_html
    edited.metadata = dict(story.metadata)
    for key in model.OWN_PAGE_KEYS:
        if key in metadata:
            edited.metadata[key] = metadata[key]
            setattr(edited, key, metadata[key])
        else:
            edited.metadata.pop(key, None)
            edited.__dict__.pop(key, None)
    return edited


def show_edit(path: str, story_page: StoryPage, settings: dict) -> list[str] | None:
    """Render the page of the story in `path` with its edit and put it in the live site.
    Returns the files written, or None when the edit must wait for the rebuild."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        loaded = document.load(text, document.markdown_config(settings.get("MARKDOWN", {})))
        minutes = str(presentation.reading_minutes(loaded.body_html))
        if page_keys.listing_key(loaded.metadata, minutes) != story_page.listing_key:
            return None
        edited = _edited_story(story_page.page.kwargs["article"], loaded, settings)
    except (OSError, UnicodeDecodeError, ValueError, TypeError):  # the rebuild says what is wrong
        return None
    page = dataclasses.replace(story_page.page, kwargs={**story_page.page.kwargs, "article": edited}, base_key=None)
    scratch = Path(settings["CACHE_PATH"]) / "serve-edits"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        files, error, _ = PageRenderer(str(scratch), settings=settings).render(page)
        if error is not None:
            return None
        with build_lock(settings["CACHE_PATH"]):
            live = Path(settings["OUTPUT_PATH"]).resolve()
            for relative in files:
                _replace(scratch / relative, live / relative)
        return files
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _replace(source: Path, target: Path) -> None:
    """Put `source` at `target` in one step (a reader sees the old file or the new one)."""
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        beside = target.with_name(target.name + ".serve-edit")  # the cache is on another file system
        shutil.copyfile(source, beside)
        os.replace(beside, target)
