"""The record of one build: what its steps hand to each other while Pelican runs.

`newsdigest build` starts a record for each build (`start`) before Pelican runs; a plain
`pelican CONTENT -s pelicanconf.py` run gets one with defaults the first time a plugin
asks for it. Plugins reach it only through `current(settings)`. It lives under one
settings key, `BUILD_KEY`, in lower case so that no settings file can set it (Pelican
reads only upper-case names) and page keys leave it out by that one name; every
other setting, whatever its prefix, takes part in page keys.

What it holds, in the order a build fills it:
- `settings`: every newsdigest setting, read once (newsdigest.site.settings);
- `previous_output`: the live generation the build replaces (None: there is none);
- `problems`: one line per error logged while Pelican runs (the strict plugin collects them);
- `documents`, `document_keys`, `listing_keys`: each story file's converted document, its
  content key, and the digest of what lists of stories show of it (the reader);
- `search_blocks`: the stories cut into search index blocks (the search plugin);
- `lastmod`: sitemap dates by page name, the build moment and the stories (the site files plugin);
- `pending`: the pages and feeds queued by the writer, rendered at the end (`story_pages`:
  each story's own page among them, which `serve` renders again at once after an edit);
- `outputs`: every page and feed of the site with the key it was made from and its files,
  rendered this build or linked from the page store.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from newsdigest.build import cache
from newsdigest.build.page_store import PageStore
from newsdigest.site.settings import SiteSettings

BUILD_KEY = "newsdigest.build"


@dataclass(frozen=True)
class Output:
    """One page (or feed, or search bundle) of the site: the key it was made from, its files."""

    name: str
    key: str
    files: tuple[str, ...]
    rendered: bool  # False: linked from the page store
    shown: tuple[str, tuple[str, ...]] | None = None  # (base key, stories whose own fields it shows)


@dataclass
class PendingPage:
    """A page queued for rendering: Pelican's write_file arguments, or `produce` for files that
    are not rendered from a template (it returns relative path -> bytes)."""

    name: str
    key: str
    origin: str  # what the page comes from, for error messages
    template: object = None
    context: dict | None = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    produce: Callable[[], dict[str, bytes]] | None = None
    base_key: str | None = None  # a page showing other stories' own fields: its key without them
    shown: tuple[str, ...] | None = None  # the stories whose own fields its last rendering read


class PendingSave(Protocol):
    """A file the build saves with the site, just before the switch (the record of addresses)."""

    def save(self) -> None: ...

    def undo(self) -> None: ...


@dataclass(eq=False)
class Build:
    cache_path: str
    settings: SiteSettings = field(default_factory=SiteSettings)
    previous_output: Path | None = None
    problems: list[str] = field(default_factory=list)
    log_handler: logging.Handler | None = None
    documents: dict = field(default_factory=dict)
    document_keys: dict[str, str] = field(default_factory=dict)
    listing_keys: dict[str, str] = field(default_factory=dict)
    search_blocks: list | None = None
    lastmod: tuple | None = None
    pending: list[PendingPage] = field(default_factory=list)
    story_pages: list[PendingPage] = field(default_factory=list)  # each story's own page, as queued
    outputs: list[Output] = field(default_factory=list)
    address_record: PendingSave | None = None  # the record of published addresses to save with the site, if it changed
    redirect_pages: set[str] = field(default_factory=set)  # their files, which no sitemap lists

    def __reduce__(self):
        # Pelican's content cache pickles settings: run-time state is never cached, so a
        # record pickles as an empty one.
        return (Build, (self.cache_path,))

    @functools.cached_property
    def page_store(self) -> PageStore:
        return PageStore(cache.pages_folder(self.cache_path), cache.store_path(self.cache_path))

    def record(
        self, name: str, key: str, files, rendered: bool = True, shown: tuple[str, tuple[str, ...]] | None = None
    ) -> None:
        self.outputs.append(Output(name, key, tuple(files), rendered, shown))

    def reuse(self, name: str, key: str, output_path: str | os.PathLike[str]) -> bool:
        """Link the files an earlier build made for `name` from the same `key` from the page store."""
        restored = self.page_store.restore([key], output_path)
        if key in restored:
            self.record(name, key, restored[key], rendered=False)
            return True
        return False

    def keep_in_store(self, output_path: str | os.PathLike[str]) -> None:
        """After a good build: what was rendered goes into the page store, and which stories'
        own-page fields each page showed, for builds to come."""
        rendered = {output.key: list(output.files) for output in self.outputs if output.rendered and output.files}
        self.page_store.keep(rendered, output_path, {output.key for output in self.outputs})
        shown = {output.name: [output.shown[0], list(output.shown[1])] for output in self.outputs if output.shown}
        with cache.BuildCache(cache.store_path(self.cache_path)) as store:
            store.put_many(cache.STORIES_SHOWN, {"pages": json.dumps(shown, sort_keys=True)})

    @functools.cached_property
    def stories_shown(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Page name -> (its base key, the stories whose own-page fields it showed) when the
        last good build rendered it."""
        path = cache.store_path(self.cache_path)
        if not path.exists():
            return {}
        with cache.BuildCache(path) as store:
            found = store.get_decoded(cache.STORIES_SHOWN, ["pages"], json.loads).get("pages")
        if not isinstance(found, dict):
            return {}
        return {
            name: (entry[0], tuple(entry[1]))
            for name, entry in found.items()
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
        }

    def files_by_name(self) -> dict[str, tuple[str, ...]]:
        return {output.name: output.files for output in self.outputs}

    @property
    def rendered_count(self) -> int:
        return sum(output.rendered for output in self.outputs)

    @property
    def reused_count(self) -> int:
        return sum(not output.rendered for output in self.outputs)


def start(settings: dict, previous_output: Path | None = None, site_settings: SiteSettings | None = None) -> Build:
    """A new record for the build about to run with `settings` (whose newsdigest settings are read
    now, unless `site_settings` holds them already; a value that does not fit raises SettingsError)."""
    if site_settings is None:
        site_settings = SiteSettings.from_settings(settings)
    build = settings[BUILD_KEY] = Build(
        cache_path=str(settings["CACHE_PATH"]), settings=site_settings, previous_output=previous_output
    )
    return build


def current(settings: dict) -> Build:
    """The record of the build running with `settings` (made with defaults when none was started)."""
    build = settings.get(BUILD_KEY)
    if build is None:
        build = start(settings)
    return build
