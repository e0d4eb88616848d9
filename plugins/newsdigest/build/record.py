"""The record of one build: what its steps hand to each other while Pelican runs.

`newsdigest build` starts a record for each build (`start`) and makes it the running one for
as long as Pelican runs (`running`); a plain `pelican CONTENT -s pelicanconf.py` run gets one
with defaults when Pelican starts (`at_pelican_start`, on `initialized`). Plugins reach it
through one function, `current()`, never through Pelican's settings: the record is not a
setting, and page keys, which cover every setting, never see it. It is held in a context
variable: each thread that builds (serve rebuilds in its watcher thread) has its own, and the
build's forked worker processes inherit it with the rest of the process.

What it holds, in the order a build fills it:
- `settings`: every newsdigest setting, read once (newsdigest.site.settings);
- `previous_output`: the live generation the build replaces (None: there is none);
- `problems`: one line per error logged while Pelican runs (the strict plugin collects them);
- `documents`, `document_keys`, `listing_keys`: each story file's converted document, its
  content key, and the digest of what lists of stories show of it (the reader);
- `search_blocks`: the stories cut into search index blocks (the search plugin);
- `sitemap`: sitemap dates by page name, the build moment and the stories' news entries (the
  site files plugin);
- `pending`: the pages and feeds queued by the writer, rendered at the end (`story_pages`:
  each story's own page among them, which `serve` renders again at once after an edit);
- `redirect_pages` and `claims`: the old addresses' redirect pages (the addresses plugin), and
  every output path with who writes it, the build's own files reserved before anything is
  written (the output claims plugin and the writer);
- `outputs`: every page and feed of the site with the key it was made from and its files,
  rendered this build or linked from the page store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from newsdigest.build import cache
from newsdigest.build.output_claims import OutputClaims
from newsdigest.build.page_store import PageStore
from newsdigest.content.document import Document
from newsdigest.site.search_blocks import Block
from newsdigest.site.settings import SiteSettings
from newsdigest.site.sitemaps import NewsItem


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
    # Pelican's (untyped) template, context and write_file arguments, handed back to its writer
    template: object = None
    context: dict[str, object] | None = None
    args: tuple[object, ...] = ()
    kwargs: dict[str, object] = field(default_factory=dict)
    produce: Callable[[], dict[str, bytes]] | None = None
    base_key: str | None = None  # a page showing other stories' own fields: its key without them
    shown: tuple[str, ...] | None = None  # the stories whose own fields its last rendering read


@dataclass(frozen=True)
class SitemapDates:
    """What the sitemaps need once every page is written: each page's date by page name, the
    build moment (the date of any other page), and each story's news sitemap entry."""

    pages: Mapping[str, dt.datetime]
    moment: dt.datetime
    news: tuple[NewsItem, ...]


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
    documents: dict[str, Document] = field(default_factory=dict)
    document_keys: dict[str, str] = field(default_factory=dict)
    listing_keys: dict[str, str] = field(default_factory=dict)
    search_blocks: list[Block] | None = None
    sitemap: SitemapDates | None = None
    pending: list[PendingPage] = field(default_factory=list)
    story_pages: list[PendingPage] = field(default_factory=list)  # each story's own page, as queued
    outputs: list[Output] = field(default_factory=list)
    address_record: PendingSave | None = None  # the record of published addresses to save with the site, if it changed
    # each redirect page's file (which no sitemap lists) -> (who claims it, the story file behind it)
    redirect_pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    claims: OutputClaims = field(default_factory=OutputClaims)  # every output path and who writes it
    standalone: bool = False  # a plain `pelican` run's: the next such run starts a new one

    @functools.cached_property
    def page_store(self) -> PageStore:
        return PageStore(cache.pages_folder(self.cache_path), cache.store_path(self.cache_path))

    def record(
        self,
        name: str,
        key: str,
        files: Iterable[str],
        rendered: bool = True,
        shown: tuple[str, tuple[str, ...]] | None = None,
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


_running: ContextVar[Build | None] = ContextVar("newsdigest_build", default=None)


def start(
    settings: Mapping[str, object], previous_output: Path | None = None, site_settings: SiteSettings | None = None
) -> Build:
    """A new record for the build about to run with `settings` (whose newsdigest settings are read
    now, unless `site_settings` holds them already; a value that does not fit raises SettingsError)."""
    if site_settings is None:
        site_settings = SiteSettings.from_settings(settings)
    return Build(cache_path=str(settings["CACHE_PATH"]), settings=site_settings, previous_output=previous_output)


@contextlib.contextmanager
def running(build: Build) -> Iterator[Build]:
    """`build` is the one `current()` returns (in this thread, and in processes forked from it)
    until the block ends."""
    token = _running.set(build)
    try:
        yield build
    finally:
        _running.reset(token)


def at_pelican_start(settings: Mapping[str, object]) -> Build:
    """When Pelican starts (`initialized`): the record `newsdigest build` is running, else (a plain
    `pelican` run) a new one with defaults, current until the next plain run replaces it."""
    build = _running.get()
    if build is None or build.standalone:
        build = start(settings)
        build.standalone = True
        _running.set(build)
    return build


def current() -> Build:
    """The record of the build running in this thread."""
    build = _running.get()
    if build is None:
        raise RuntimeError("no newsdigest build is running")
    return build
