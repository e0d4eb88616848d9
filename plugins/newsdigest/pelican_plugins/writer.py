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
- With RELATIVE_URLS (a build to preview from the disk), every page's links are relative,
  whichever plugin writes it, and its links to folders end in index.html
  (newsdigest.preview_links); a page that asks for `relative_urls=False` (404.html, served at
  any depth) keeps links from the site's root. `SITE_ADDRESS`, the site's absolute address
  as configured (SITEURL, or empty), stays absolute for canonical links.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from newsdigest import preview_links, stop_points
from newsdigest.cache import code_fingerprint
from newsdigest.content_model import OWN_PAGE_KEYS
from newsdigest.digests import digest, folder_digest, stable_repr
from newsdigest.ignored_files import files_under
from newsdigest.page_store import PageStore
from newsdigest.parallel import die_with_parent, worker_count
from newsdigest.paths import display_path
from newsdigest.pelican_plugins.reader import DOCUMENT_KEYS_KEY, LISTING_KEYS_KEY
from newsdigest.template_reads import reads_fields_of_others

logger = logging.getLogger(__name__)

WRITER_KEY = "NEWSDIGEST_WRITER"
# Article attributes computed from other stories' text, which lists of front matter do not cover.
PAGE_INPUT_ATTRIBUTES = ("related", "also_published")
# A template reading any of these from a story other than the page's own may show that
# story's own-page fields (Pelican's `metadata` holds them all).
OWN_PAGE_FIELDS = ("metadata", *OWN_PAGE_KEYS)
SITE_JINJA_FUNCTIONS = ("JINJA_FILTERS", "JINJA_GLOBALS", "JINJA_TESTS")
CONTENT_GROUPS = ("articles", "pages", "hidden_articles", "hidden_pages")
_VOLATILE_SETTINGS = ("OUTPUT_PATH", "PATH", "CACHE_PATH")
MIN_JOBS_FOR_WORKERS = 200


@dataclass
class RenderJob:
    name: str
    template: object
    context: dict
    args: tuple
    kwargs: dict
    origin: str
    key: str
    files: list[str] = field(default_factory=list)
    produce: object = None  # for files not rendered from a template: returns relative path -> bytes


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
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._owners: dict[str, str] = {}
        self._queue: list[RenderJob] = []
        self._written: list[RenderJob] = []  # files written directly (write_keyed), not rendered
        self._restored: list[RenderJob] = []  # linked from the page store, not rendered
        self._site_digest: str | None = None
        self._own_fields_digest: str | None = None
        self._shows_own_fields: dict[tuple, bool] = {}
        self._recording: list[str] | None = None
        self._metadata_text: dict[int, str] = {}
        self._content_digests: dict[int, str] = {}
        self.store = PageStore(Path(settings["CACHE_PATH"]) / "pages", Path(settings["CACHE_PATH"]) / "newsdigest.sqlite")
        settings[WRITER_KEY] = self

    # -- queueing -------------------------------------------------------------

    def write_file(self, name, template, context, *args, **kwargs):
        if not name:
            return None
        kwargs.setdefault("relative_urls", bool(self.settings.get("RELATIVE_URLS")))
        origin = _origin(kwargs, template)
        normalised = os.path.normpath(name)
        if normalised in self._owners and not kwargs.get("override_output"):
            logger.error("%s: writes %s, which %s also writes", origin, name, self._owners[normalised])
            return None
        self._owners[normalised] = origin
        self._queue.append(RenderJob(name, template, context, args, kwargs, origin,
                                     self._page_key(name, template, context, args, kwargs)))
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
                document_key = self.settings.get(DOCUMENT_KEYS_KEY, {}).get(value.source_path, "")
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
                    if key not in _VOLATILE_SETTINGS and not key.startswith("NEWSDIGEST_")}
        # What lists show comes from each item's front matter (read by code and settings digested
        # above) and its place: the reader's digest of its raw front matter is the cheapest.
        listing_keys = self.settings.get(LISTING_KEYS_KEY, {})
        listings = [f"{item.url}|{listing_keys.get(item.source_path) or self._listed_metadata_of(item)}"
                    for item in _content_items(context)]
        return digest(
            code_fingerprint(),
            stable_repr(settings),
            stable_repr(context.get("build_moment")),  # SOURCE_DATE_EPOCH moves every story's age
            folder_digest(self.settings["THEME"], *self.settings.get("THEME_TEMPLATES_OVERRIDES", []),
                          ignore=self.settings.get("IGNORE_FILES", [])),
            _side_files_digest(self.settings),
            *listings,
        )

    def write_keyed(self, name: str, context, key_parts: list, produce) -> None:
        """Files that are not rendered from a template (feeds): `produce()` returns relative
        path -> bytes; it is not called when an earlier build wrote them from the same inputs."""
        if self._site_digest is None:
            self._site_digest = self._compute_site_digest(context)
        key = digest(self._site_digest, name, *(self._item_digest(part) for part in key_parts))
        # linked from the page store or produced with the pages, by the same workers
        self._queue.append(RenderJob(name, None, context, (), {}, name, key, produce=produce))

    def reuse(self, name: str, key: str) -> bool:
        """Link the files an earlier build made for `name` from the same `key` from the page store."""
        restored = self.store.restore([key], self.output_path)
        if key in restored:
            self._restored.append(RenderJob(name, None, None, (), {}, name, key, restored[key]))
            return True
        return False

    def record_written(self, name: str, key: str, files: list[str]) -> None:
        """Files written into the output by other means than rendering (feeds, the search index)."""
        self._written.append(RenderJob(name, None, None, (), {}, name, key, list(files)))

    # -- rendering ------------------------------------------------------------

    def _open_w(self, filename, encoding, override=False):
        if self._recording is not None:
            self._recording.append(os.path.relpath(filename, self.output_path))
        if filename not in self._overridden_files:  # else Pelican writes nothing
            _unlink_if_there(filename)
        return super()._open_w(filename, encoding, override=override)

    def _produce(self, job: RenderJob) -> str | None:
        job.files = []
        try:
            for relative, data in job.produce().items():
                path = os.path.join(self.output_path, relative)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                _unlink_if_there(path)
                with open(path, "wb") as handle:
                    handle.write(data)
                job.files.append(relative)
        except Exception as error:
            return f"{job.origin}: {type(error).__name__} while writing: {error}"
        return None

    def _render(self, job: RenderJob) -> str | None:
        """Render one job; returns an error line, or None."""
        if job.produce is not None:
            return self._produce(job)
        self._recording = job.files = []
        template = _PreviewTemplate(job.template) if job.kwargs.get("relative_urls") else job.template
        try:
            Writer.write_file(self, job.name, template, job.context, *job.args, **job.kwargs)
        except jinja2.TemplateError as error:
            return f"{job.origin}: template {_template_location(error, job.template)}: {error}"
        except FileOverwriteFailedError as error:
            return f"{job.origin}: {error}"
        except Exception as error:  # a filter choking on odd data must name the story, not crash the build
            return f"{job.origin}: {type(error).__name__} while rendering {job.name}: {error}"
        finally:
            self._recording = None
        return None

    def _render_share(self, share: int, shares: int, connection, parent_pid: int) -> None:
        """In a forked worker: render every `shares`-th job from `share`, send back files and errors."""
        die_with_parent(parent_pid)
        results = []
        for index in range(share, len(self._queue), shares):
            job = self._queue[index]
            error = self._render(job)
            results.append((index, job.files, error))
        connection.send(results)
        connection.close()

    def flush(self) -> None:
        """Render every queued page, in forked workers when there are enough of them
        (after linking from the page store those an earlier build rendered)."""
        restored = self.store.restore([job.key for job in self._queue], self.output_path)
        for job in self._queue:
            if job.key in restored:
                job.files = restored[job.key]
                self._restored.append(job)
        self._queue = queue = [job for job in self._queue if job.key not in restored]
        workers = worker_count(self.settings.get("NEWSDIGEST_WORKERS"))
        if workers <= 1 or len(queue) < MIN_JOBS_FOR_WORKERS or not hasattr(os, "fork"):
            stop_points.reached("rendering")
            for job in queue:
                if (error := self._render(job)) is not None:
                    logger.error("%s", error)
            return
        context = multiprocessing.get_context("fork")
        pipes, processes = [], []
        try:
            for share in range(workers):
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=self._render_share, args=(share, workers, sender, os.getpid()),
                                          daemon=True)
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
                    queue[index].files = files
                    if error is not None:
                        logger.error("%s", error)
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

    def manifest_entries(self) -> dict[str, list]:
        """Page name -> (key, files) for every page of this build, rendered or reused."""
        return {job.name: [job.key, job.files] for job in [*self._restored, *self._queue, *self._written]}

    def keep_in_store(self) -> None:
        """After a good build: what was rendered goes into the page store, for builds to come."""
        rendered = {job.key: job.files for job in [*self._queue, *self._written] if job.files}
        used = {job.key for job in [*self._restored, *self._queue, *self._written]}
        self.store.keep(rendered, self.output_path, used)

    @property
    def rendered_count(self) -> int:
        return len(self._queue) + len(self._written)

    @property
    def reused_count(self) -> int:
        return len(self._restored)


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


def _side_files_digest(settings) -> str:
    """Digest of content files that are neither stories nor pages (tags.yml, edition intros…).
    The address record is not one: the build writes it, and the pages it makes have keys of their own."""
    root = Path(settings["PATH"])
    skip = {os.path.normpath(p) for p in [*settings.get("ARTICLE_PATHS", []), *settings.get("PAGE_PATHS", [])]}
    record = os.path.normpath(settings["ADDRESSES_FILE"]) if settings.get("ADDRESSES_FILE") else None
    hasher = []
    for name in files_under(root, settings.get("IGNORE_FILES", [])):
        path = Path(name)
        relative = path.relative_to(root)
        if (relative.parts and relative.parts[0] in skip) or not path.is_file() or str(relative) == record:
            continue
        hasher.append(digest(relative.as_posix(), path.read_bytes()))
    return digest(*hasher)


def site_writer(pelican):
    return SiteWriter


def flush_pages(pelican) -> None:
    writer = pelican.settings.get(WRITER_KEY)
    if writer is not None:
        writer.flush()


def add_site_address(pelican) -> None:
    pelican.settings["SITE_ADDRESS"] = (pelican.settings.get("SITEURL") or "").rstrip("/")


def register():
    signals.initialized.connect(add_site_address)
    signals.get_writer.connect(site_writer)
    signals.finalized.connect(flush_pages)
