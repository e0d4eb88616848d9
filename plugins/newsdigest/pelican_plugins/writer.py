"""The site writer: every page Pelican asks for, rendered once, in parallel, and only when
something that goes into it changed.

- Two items may not write one path (the build record's `claims`, which hold the build's
  own files too: newsdigest.build.output_claims), and a template error names the content file
  behind it: both are logged as errors, which fail the build (see strict.py).
- Pages are not rendered when asked for but queued, then rendered at the end by
  forked worker processes that share the finished site context (nothing to pickle).
- Each page has a key (newsdigest.build.page_keys). A page whose key an earlier build
  rendered is not rendered again: its files are linked from the page store
  (newsdigest.build.page_store), which checks them first.
- A page whose template may show other stories' own-page fields (an edition shows its
  stories' notes) has their fields in its key. Which stories: those whose fields its last
  rendering read (each page's reads are noted while it renders), when nothing else that goes
  into it has changed since (its base key); else every story's. So a note edit renders again
  the pages that showed that note, not every edition of the site.
- Templates are compiled once per process (newsdigest.build.template_memo): `serve`'s rebuilds
  and a test suite's builds do not parse the theme again.
- Pages are rendered into the new site's own folder (see newsdigest.build.generations), and a file
  already there is unlinked before it is written: it may be a hard link to a published one.
- With RELATIVE_URLS (a build to preview from the disk), every page's links are relative,
  whichever plugin writes it, and its links to folders end in index.html
  (newsdigest.site.addresses.preview_links); a page that asks for `relative_urls=False` (404.html, served at
  any depth) keeps links from the site's root. `SITE_ADDRESS`, the site's absolute address
  as configured (SITEURL, or empty), stays absolute for canonical links.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import jinja2
from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from newsdigest.build import page_keys, record as build_state, stop_points, template_memo
from newsdigest.build.cache import code_fingerprint, tree_digest
from newsdigest.build.record import PendingPage
from newsdigest.build.template_reads import reads_fields_of_others
from newsdigest.content.model import OWN_PAGE_KEYS
from newsdigest.paths import display_path
from newsdigest.site.addresses import preview_links
from newsdigest.workers import map_chunks, worker_count

logger = logging.getLogger(__name__)

# Article attributes computed from other stories' text, which lists of front matter do not cover.
PAGE_INPUT_ATTRIBUTES = ("related", "also_published")
# A template reading any of these from a story other than the page's own may show that
# story's own-page fields (Pelican's `metadata` holds them all).
OWN_PAGE_FIELDS = ("metadata", *OWN_PAGE_KEYS)
SITE_JINJA_FUNCTIONS = ("JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS")
CONTENT_GROUPS = ("articles", "pages", "hidden_articles", "hidden_pages")
# Pages per worker task: small enough that workers share the work evenly.
RENDER_CHUNK = 25
# The environment's lookups a template's `a.b` and `a["b"]` go through.
_LOOKUPS = ("getattr", "getitem")


def _origin(kwargs, template) -> str:
    """What a write came from: the content file when there is one, else the template."""
    for key in ("article", "page"):
        item = kwargs.get(key)
        if item is not None and getattr(item, "source_path", None):
            return display_path(item.source_path)
    name = getattr(template, "name", None) or getattr(template, "filename", None)
    return f"template {name}" if name else "a page"


def _source(kwargs) -> str | None:
    """The content file a write comes from (a story's page or its redirect page), if any."""
    for key in ("article", "page", "redirect_to"):
        path = getattr(kwargs.get(key), "source_path", None)
        if path:
            return str(path)
    return None


def _template_location(error: Exception, template) -> str:
    """`name:line` of the template frame the error was raised in, when it can be found."""
    lineno = getattr(error, "lineno", None)
    if lineno is None and getattr(template, "filename", None):
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename == template.filename:
                lineno = frame.lineno
    return f"{template.name}:{lineno}" if lineno else str(template.name)


def _content_items(context):
    """Every story and page of the site, published or hidden, in a stable order."""
    for group in CONTENT_GROUPS:
        yield from context.get(group, []) or []


class SiteWriter(Writer):
    """Queues every page Pelican asks for, with its key, in the build record (`pending`)."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.build = build_state.current()
        # computed once per build
        self._site_key_found: str | None = None
        self._own_fields_digest: str | None = None
        self._shows_own_fields: dict[tuple, bool] = {}
        self._story_keys: dict[int, str] = {}
        self._by_path: dict[str, object] | None = None
        self._content_prefix: str | None = None

    # -- queueing -------------------------------------------------------------

    def write_file(self, name, template, context, *args, **kwargs):
        if not name:
            return None
        kwargs.setdefault("relative_urls", bool(self.settings.get("RELATIVE_URLS")))
        origin = _origin(kwargs, template)
        if not kwargs.get("override_output"):
            problem = self.build.claims.claim(name, origin, _source(kwargs))
            if problem is not None:
                logger.error("%s", problem)
                return None
        key, base_key, shown = self._page_key(name, template, context, args, kwargs)
        self.build.pending.append(
            PendingPage(name, key, origin, template, context, args, kwargs, base_key=base_key, shown=shown)
        )
        return None

    def _page_key(self, name, template, context, args, kwargs) -> tuple[str, str | None, tuple[str, ...] | None]:
        """The page's key; for a page that may show other stories' own-page fields, also its key
        without them (its base key) and the stories whose fields the key holds (None: all)."""
        parts = page_keys.arguments_parts(kwargs, self._story_key)
        key = page_keys.page_key(self._site_key(context), name, str(getattr(template, "name", template)), args, parts)
        if not self._shows_others_own_fields(template, kwargs):
            return key, None, None
        shown = self.build.stories_shown.get(name)
        if shown is not None and shown[0] == key and self._reads_are_noted():
            stories = self._stories_by_path(context)
            if all(path in stories for path in shown[1]):
                return page_keys.with_own_fields(key, (stories[path] for path in shown[1])), key, shown[1]
        if self._own_fields_digest is None:
            self._own_fields_digest = page_keys.every_story_own_fields(_content_items(context))
        return page_keys.with_own_fields(key, every=self._own_fields_digest), key, None

    def _reads_are_noted(self) -> bool:
        """The site's own Jinja functions read stories where no noting sees them."""
        return not any(self.settings.get(setting) for setting in SITE_JINJA_FUNCTIONS)

    def _stories_by_path(self, context) -> dict[str, object]:
        if self._by_path is None:
            self._by_path = {item.source_path: item for item in _content_items(context)}
        return self._by_path

    def _shows_others_own_fields(self, template, kwargs) -> bool:
        """Whether `template` may show own-page fields of stories other than those passed to it."""
        own_items = tuple(sorted(key for key, value in kwargs.items() if hasattr(value, "source_path")))
        name = getattr(template, "name", None)
        environment = getattr(template, "environment", None)
        if name is None or environment is None or environment.loader is None:
            return True
        found = self._shows_own_fields.get((name, own_items))
        if found is None:
            if any(self.settings.get(setting) for setting in SITE_JINJA_FUNCTIONS):
                found = True  # the site's own Jinja functions could read anything from any story
            else:
                try:
                    found = reads_fields_of_others(environment, name, OWN_PAGE_FIELDS, own_items)
                except jinja2.TemplateError:  # it cannot be read: assume the worst
                    found = True
            self._shows_own_fields[(name, own_items)] = found
        return found

    def _story_key(self, story) -> str:
        found = self._story_keys.get(id(story))
        if found is None:  # a story is on many pages: its key is computed once per build
            content_key = self.build.document_keys.get(story.source_path) or page_keys.stable_repr(story.metadata)
            inputs = {name: getattr(story, name, None) for name in PAGE_INPUT_ATTRIBUTES}
            found = self._story_keys[id(story)] = page_keys.story_key(
                story, self._in_content(story.source_path), content_key, inputs
            )
        return found

    def _in_content(self, path: str) -> str:
        """A file's path in the content folder (by its prefix: relpath of 10,000 files takes 0.3 s)."""
        if self._content_prefix is None:
            self._content_prefix = os.path.join(os.path.abspath(self.settings["PATH"]), "")
        return path[len(self._content_prefix) :] if path.startswith(self._content_prefix) else path

    def _site_key(self, context) -> str:
        if self._site_key_found is None:
            settings = self.settings
            ignore = settings.get("IGNORE_FILES", [])
            # What lists show comes from each item's front matter and its place: the reader's
            # listing key, made from its raw front matter, is the cheapest.
            listing_keys = self.build.listing_keys
            self._site_key_found = page_keys.site_key(
                code=code_fingerprint(),
                settings=settings,
                build_moment=context.get("build_moment"),
                theme=tree_digest(settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", []), ignore=ignore),
                # content files that are neither stories nor pages (tags.yml, edition intros…)
                # (the address record is not one: the build writes it, and its pages have keys of their own;
                # nor are static files, which are copied: pages only show what static_files_shown reads)
                side_files=tree_digest(
                    settings["PATH"],
                    ignore=ignore,
                    skip=[
                        *settings.get("ARTICLE_PATHS", []),
                        *settings.get("PAGE_PATHS", []),
                        *settings.get("STATIC_PATHS", []),
                        *filter(None, [self.build.settings.addresses.record_file]),
                    ],
                )
                + page_keys.static_files_shown(Path(settings["PATH"]), _content_items(context)),
                listings=[
                    page_keys.listing(
                        item.url,
                        self._in_content(item.source_path),
                        listing_keys.get(item.source_path) or page_keys.listing_key(item.metadata),
                    )
                    for item in _content_items(context)
                ],
            )
        return self._site_key_found

    def write_keyed(self, name: str, context, key_parts: list, produce) -> None:
        """Files that are not rendered from a template (feeds): `produce()` returns relative
        path -> bytes; it is not called when an earlier build wrote them from the same inputs."""
        key = page_keys.produced_key(
            self._site_key(context), name, [page_keys.value_text(part, self._story_key) for part in key_parts]
        )
        # linked from the page store or produced with the pages, by the same workers
        self.build.pending.append(PendingPage(name, key, name, context=context, produce=produce))


class PageRenderer(Writer):
    """Renders pending pages with Pelican's writer, noting the files each one writes and the
    stories whose own-page fields it reads (through its templates' attribute and item lookups)."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._recording: list[str] | None = None
        self._reading: set[str] | None = None

    @contextmanager
    def _noting(self, environment, reading: set[str]) -> Iterator[None]:
        """While one page renders, have `environment`'s templates add to `reading` the stories
        whose own-page fields they read. Only then: every other page's lookups are Jinja's own,
        with no call in between (the lookups are most of what a template does)."""
        if environment is None:
            yield
            return
        own = vars(environment)
        saved = {name: own[name] for name in _LOOKUPS if name in own}

        def noting(lookup):
            def look_up(item, name):
                if name in OWN_PAGE_FIELDS:
                    path = getattr(item, "source_path", None)
                    if isinstance(path, str):
                        reading.add(path)
                return lookup(item, name)

            return look_up

        for name in _LOOKUPS:
            setattr(environment, name, noting(getattr(environment, name)))
        try:
            yield
        finally:
            for name in _LOOKUPS:
                if name in saved:
                    setattr(environment, name, saved[name])
                else:
                    delattr(environment, name)

    def _open_w(self, filename, encoding, override=False):
        if self._recording is not None:
            self._recording.append(os.path.relpath(filename, self.output_path))
        if filename not in self._overridden_files:  # else Pelican writes nothing
            _unlink_if_there(filename)
        return super()._open_w(filename, encoding, override=override)

    def _produce(self, page: PendingPage, produce: Callable[[], dict[str, bytes]]) -> tuple[list[str], str | None]:
        files: list[str] = []
        try:
            for relative, data in produce().items():
                path = os.path.join(self.output_path, relative)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                _unlink_if_there(path)
                with open(path, "wb") as handle:
                    handle.write(data)
                files.append(relative)
        except Exception as error:  # noqa: BLE001 - as in render: the error names the story; the build goes on
            return files, f"{page.origin}: {type(error).__name__} while writing: {error}"
        return files, None

    def render(self, page: PendingPage) -> tuple[list[str], str | None, tuple[str, ...] | None]:
        """Render one page; returns the files it wrote, an error line or None, and (for a page
        that may show other stories' own-page fields) the stories whose fields it read."""
        if page.produce is not None:
            return (*self._produce(page, page.produce), None)
        files = self._recording = []
        noting: AbstractContextManager[None] = nullcontext()
        if page.base_key is not None:
            self._reading = set()
            noting = self._noting(getattr(page.template, "environment", None), self._reading)
        template = _PreviewTemplate(page.template) if page.kwargs.get("relative_urls") else page.template
        try:
            with noting:
                self.write_file(page.name, template, page.context, *page.args, **page.kwargs)
        except jinja2.TemplateError as error:
            return files, f"{page.origin}: template {_template_location(error, page.template)}: {error}", None
        except FileOverwriteFailedError as error:
            return files, f"{page.origin}: {error}", None
        except Exception as error:  # noqa: BLE001 - a filter choking on odd data must name the story, not crash the build
            return files, f"{page.origin}: {type(error).__name__} while rendering {page.name}: {error}", None
        finally:
            self._recording = None
            read, self._reading = self._reading, None
        return files, None, tuple(sorted(read)) if read is not None else None


class _PreviewTemplate:
    """A template whose HTML pages come out with links that work from file://."""

    def __init__(self, template):
        self.template = template
        self.name = template.name
        self.filename = getattr(template, "filename", None)

    def render(self, context) -> str:
        html = self.template.render(context)
        if not context.get("output_file", "").endswith(".html"):
            return html
        return preview_links.for_file_preview(html, context.get("SITEURL") or ".")


def _unlink_if_there(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def site_writer(pelican):
    return SiteWriter


def flush_pages(pelican) -> None:
    """Render the pages the writer queued (after linking from the page store those an earlier
    build rendered from the same keys), and record every one in the build record."""
    build = build_state.current()
    queue, build.pending = build.pending, []
    build.story_pages = [page for page in queue if page.produce is None and "article" in page.kwargs]
    restored = build.page_store.restore([page.key for page in queue], pelican.output_path)
    for page in queue:
        if page.key in restored:  # it shows what it showed when it was rendered
            shown = (page.base_key, page.shown) if page.base_key is not None and page.shown is not None else None
            build.record(page.name, page.key, restored[page.key], rendered=False, shown=shown)
    queue = [page for page in queue if page.key not in restored]
    renderer = PageRenderer(pelican.output_path, settings=pelican.settings)

    def render(pages: list[PendingPage]) -> list[tuple[list[str], str | None, tuple[str, ...] | None]]:
        return [renderer.render(page) for page in pages]

    workers = worker_count(build.settings.parallel.workers)
    results = map_chunks(render, queue, workers, chunk_size=RENDER_CHUNK)
    stories: dict[str, object] = {}
    for page, (files, error, read) in zip(queue, results, strict=True):
        stop_points.reached("rendering")
        key, shown = page.key, None
        if page.base_key is not None and read is not None:
            # Kept under the key a build that knows what it read will look for.
            if not stories:
                stories.update((item.source_path, item) for item in _content_items(page.context))
            if all(path in stories for path in read):  # (a draft's fields are in no key: left as it was)
                key = page_keys.with_own_fields(page.base_key, (stories[path] for path in read))
                shown = (page.base_key, read)
        build.record(page.name, key, files, shown=shown)
        if error is not None:
            logger.error("%s", error)
    stop_points.reached("rendering")  # a build with nothing to render reaches it too


def add_site_address(pelican) -> None:
    pelican.settings["SITE_ADDRESS"] = (pelican.settings.get("SITEURL") or "").rstrip("/")


def compile_through_memo(generator) -> None:
    """Every generator's templates compiled once per process (newsdigest.build.template_memo)."""
    template_memo.install(generator.env)


def register():
    signals.initialized.connect(add_site_address)
    signals.generator_init.connect(compile_through_memo)
    signals.get_writer.connect(site_writer)
    signals.finalized.connect(flush_pages)
