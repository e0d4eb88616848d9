"""The site writer: every page Pelican asks for, rendered once, in parallel, and only when
something that goes into it changed.

- Two items may not write one path, and a template error names the content file
  behind it: both are logged as errors, which fail the build (see strict.py).
- Pages are not rendered when asked for but queued, then rendered at the end by
  forked worker processes that share the finished site context (nothing to pickle).
- Each page has a key: a digest of the site's settings, theme and code, of every
  story's front matter but for the fields only its own page shows (what lists show),
  and of the page's own story (its full text and related stories). Pages whose
  templates may show those own-page fields of other stories (an edition shows its
  stories' notes) have every story's in their key too. A page whose key an earlier
  build rendered is not rendered again: its files are linked from the page store
  (newsdigest.page_store), which checks them first.
- Pages are rendered into the new site's own folder (see newsdigest.publish), and a file
  already there is unlinked before it is written: it may be a hard link to a published one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback

import jinja2
from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from newsdigest import build_state, stop_points
from newsdigest.build_state import PendingPage
from newsdigest.cache import code_fingerprint, digest, tree_digest
from newsdigest.content_model import OWN_PAGE_KEYS
from newsdigest.digests import stable_repr
from newsdigest.parallel import die_with_parent, worker_count
from newsdigest.paths import display_path
from newsdigest.template_reads import reads_fields_of_others

logger = logging.getLogger(__name__)

# Article attributes computed from other stories' text, which lists of front matter do not cover.
PAGE_INPUT_ATTRIBUTES = ("related", "also_published")
# A template reading any of these from a story other than the page's own may show that
# story's own-page fields (Pelican's `metadata` holds them all).
OWN_PAGE_FIELDS = ("metadata", *OWN_PAGE_KEYS)
SITE_JINJA_FUNCTIONS = ("JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS")
CONTENT_GROUPS = ("articles", "pages", "hidden_articles", "hidden_pages")
# Settings that do not shape what is written (and the build record, which holds no setting).
_VOLATILE_SETTINGS = ("OUTPUT_PATH", "PATH", "CACHE_PATH", "NEWSDIGEST_WORKERS", build_state.BUILD_KEY)
MIN_JOBS_FOR_WORKERS = 200


def _origin(kwargs, template) -> str:
    """What a write came from: the content file when there is one, else the template."""
    for key in ("article", "page"):
        item = kwargs.get(key)
        if item is not None and getattr(item, "source_path", None):
            return display_path(item.source_path)
    name = getattr(template, "name", None) or getattr(template, "filename", None)
    return f"template {name}" if name else "a page"


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
        self.build = build_state.current(settings)
        self._owners: dict[str, str] = {}
        self._site_digest: str | None = None
        self._own_fields_digest: str | None = None
        self._shows_own_fields: dict[tuple, bool] = {}
        self._metadata_text: dict[int, str] = {}
        self._content_digests: dict[int, str] = {}

    # -- queueing -------------------------------------------------------------

    def write_file(self, name, template, context, *args, **kwargs):
        if not name:
            return None
        origin = _origin(kwargs, template)
        normalised = os.path.normpath(name)
        if normalised in self._owners and not kwargs.get("override_output"):
            logger.error("%s: writes %s, which %s also writes", origin, name, self._owners[normalised])
            return None
        self._owners[normalised] = origin
        self.build.pending.append(PendingPage(name, self._page_key(name, template, context, args, kwargs), origin,
                                              template, context, args, kwargs))
        return None

    def _page_key(self, name, template, context, args, kwargs) -> str:
        if self._site_digest is None:
            self._site_digest = self._compute_site_digest(context)
        own = [f"{key}={self._item_digest(value)}" for key, value in sorted(kwargs.items())]
        if self._shows_others_own_fields(template, kwargs):
            own.append(self._every_story_own_fields(context))
        return digest(self._site_digest, name, str(getattr(template, "name", template)), stable_repr(args), *own)

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

    def _every_story_own_fields(self, context) -> str:
        if self._own_fields_digest is None:
            self._own_fields_digest = digest(*(
                f"{item.url}|{stable_repr({key: item.metadata.get(key) for key in OWN_PAGE_KEYS})}"
                for item in _content_items(context)))
        return self._own_fields_digest

    def _item_digest(self, value) -> str:
        if isinstance(value, dict):  # e.g. Pelican's `paginated`: a name -> list of stories
            return "{" + ", ".join(f"{stable_repr(name)}: {self._item_digest(part)}"
                                   for name, part in sorted(value.items(), key=lambda item: str(item[0]))) + "}"
        if isinstance(value, (list, tuple)) and value and hasattr(value[0], "source_path"):
            # Which stories a list holds, and in what order, follows from front matter and
            # settings, which the site digest covers: no need to walk 10,000 stories per page.
            return f"[{len(value)} {type(value[0]).__name__}]"
        if hasattr(value, "source_path") and hasattr(value, "url"):
            found = self._content_digests.get(id(value))
            if found is None:  # a story is on many pages: digest it once per build
                document_key = self.build.document_keys.get(value.source_path, "")
                inputs = {name: getattr(value, name, None) for name in PAGE_INPUT_ATTRIBUTES}
                found = digest(document_key or self._metadata_of(value), value.url, stable_repr(inputs))
                self._content_digests[id(value)] = found
            return found
        return stable_repr(value)

    def _metadata_of(self, item) -> str:
        """An item's front matter as stable text, computed once per build."""
        text = self._metadata_text.get(id(item))
        if text is None:
            text = self._metadata_text[id(item)] = stable_repr(item.metadata)
        return text

    @staticmethod
    def _listed_metadata_of(item) -> str:
        return stable_repr({key: value for key, value in item.metadata.items() if key not in OWN_PAGE_KEYS})

    def _compute_site_digest(self, context) -> str:
        settings = {key: value for key, value in self.settings.items()
                    if key not in _VOLATILE_SETTINGS}
        # What lists show comes from each item's front matter (read by code and settings digested
        # above) and its place: the reader's digest of its raw front matter is the cheapest.
        listing_keys = self.build.listing_keys
        listings = [f"{item.url}|{listing_keys.get(item.source_path) or self._listed_metadata_of(item)}"
                    for item in _content_items(context)]
        return digest(
            code_fingerprint(),
            stable_repr(settings),
            stable_repr(context.get("build_moment")),  # SOURCE_DATE_EPOCH moves every story's age
            tree_digest(self.settings["THEME"], *self.settings.get("THEME_TEMPLATES_OVERRIDES", []),
                        ignore=self.settings.get("IGNORE_FILES", [])),
            # content files that are neither stories nor pages (tags.yml, edition intros…)
            tree_digest(self.settings["PATH"], ignore=self.settings.get("IGNORE_FILES", []),
                        skip=[*self.settings.get("ARTICLE_PATHS", []), *self.settings.get("PAGE_PATHS", [])]),
            *listings,
        )

    def write_keyed(self, name: str, context, key_parts: list, produce) -> None:
        """Files that are not rendered from a template (feeds): `produce()` returns relative
        path -> bytes; it is not called when an earlier build wrote them from the same inputs."""
        if self._site_digest is None:
            self._site_digest = self._compute_site_digest(context)
        key = digest(self._site_digest, name, *(self._item_digest(part) for part in key_parts))
        # linked from the page store or produced with the pages, by the same workers
        self.build.pending.append(PendingPage(name, key, name, context=context, produce=produce))


class PageRenderer(Writer):
    """Renders pending pages with Pelican's writer, noting the files each one writes."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._recording: list[str] | None = None

    def _open_w(self, filename, encoding, override=False):
        if self._recording is not None:
            self._recording.append(os.path.relpath(filename, self.output_path))
        if filename not in self._overridden_files:  # else Pelican writes nothing
            _unlink_if_there(filename)
        return super()._open_w(filename, encoding, override=override)

    def _produce(self, page: PendingPage) -> tuple[list[str], str | None]:
        files: list[str] = []
        try:
            for relative, data in page.produce().items():
                path = os.path.join(self.output_path, relative)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                _unlink_if_there(path)
                with open(path, "wb") as handle:
                    handle.write(data)
                files.append(relative)
        except Exception as error:
            return files, f"{page.origin}: {type(error).__name__} while writing: {error}"
        return files, None

    def render(self, page: PendingPage) -> tuple[list[str], str | None]:
        """Render one page; returns the files it wrote and an error line, or None."""
        if page.produce is not None:
            return self._produce(page)
        files = self._recording = []
        try:
            self.write_file(page.name, page.template, page.context, *page.args, **page.kwargs)
        except jinja2.TemplateError as error:
            return files, f"{page.origin}: template {_template_location(error, page.template)}: {error}"
        except FileOverwriteFailedError as error:
            return files, f"{page.origin}: {error}"
        except Exception as error:  # a filter choking on odd data must name the story, not crash the build
            return files, f"{page.origin}: {type(error).__name__} while rendering {page.name}: {error}"
        finally:
            self._recording = None
        return files, None

    def _render_share(self, queue: list[PendingPage], share: int, shares: int, connection, parent_pid: int) -> None:
        """In a forked worker: render every `shares`-th page from `share`, send back files and errors."""
        die_with_parent(parent_pid)
        results = []
        for index in range(share, len(queue), shares):
            files, error = self.render(queue[index])
            results.append((index, files, error))
        connection.send(results)
        connection.close()

    def render_all(self, queue: list[PendingPage]) -> list[tuple[list[str], str | None]]:
        """Render every page, in forked workers when there are enough of them."""
        workers = worker_count(self.settings.get("NEWSDIGEST_WORKERS"))
        if workers <= 1 or len(queue) < MIN_JOBS_FOR_WORKERS or not hasattr(os, "fork"):
            stop_points.reached("rendering")
            return [self.render(page) for page in queue]
        outcomes: list[tuple[list[str], str | None]] = [([], None)] * len(queue)
        context = multiprocessing.get_context("fork")
        pipes, processes = [], []
        try:
            for share in range(workers):
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=self._render_share,
                                          args=(queue, share, workers, sender, os.getpid()), daemon=True)
                process.start()
                sender.close()
                pipes.append(receiver)
                processes.append(process)
            stop_points.reached("rendering")
            for share, receiver in enumerate(pipes):
                try:
                    results = receiver.recv()
                except EOFError:
                    logger.error("a page-rendering worker died (exit code %s)", processes[share].exitcode)
                    continue
                for index, files, error in results:
                    outcomes[index] = (files, error)
        except BaseException:  # Ctrl-C or a crash here: stop the workers now, not after their work
            for process in processes:
                process.terminate()
            raise
        finally:
            for process in processes:
                process.join(timeout=10)
                if process.is_alive():
                    process.kill()
                    process.join()
        return outcomes


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
    build = build_state.current(pelican.settings)
    queue, build.pending = build.pending, []
    restored = build.page_store.restore([page.key for page in queue], pelican.output_path)
    for page in queue:
        if page.key in restored:
            build.record(page.name, page.key, restored[page.key], rendered=False)
    queue = [page for page in queue if page.key not in restored]
    outcomes = PageRenderer(pelican.output_path, settings=pelican.settings).render_all(queue)
    for page, (files, error) in zip(queue, outcomes):
        build.record(page.name, page.key, files)
        if error is not None:
            logger.error("%s", error)


def register():
    signals.get_writer.connect(site_writer)
    signals.finalized.connect(flush_pages)
