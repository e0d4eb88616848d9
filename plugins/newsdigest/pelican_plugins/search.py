"""Search: Pagefind indexes the story pages at the end of the build, into the staging
folder, so the index goes live with the pages it describes. Only story bodies are
indexed (article.html marks them with data-pagefind-body). The search page is /search/.

The stories are indexed in blocks (see newsdigest.site.search_blocks), one Pagefind bundle
each, as many at once as there are cores; the search page merges the bundles. Each story
is indexed in its own language (its page's `lang`): a bundle holds an index per language
it has, and the search page searches every language (`search_languages`: language ->
the bundles that have it). A block whose pages' indexed parts (search_blocks.indexed_part)
are byte for byte those of an earlier build keeps its bundle (from the page store). The
pages of a block are gathered into a folder of hard links under the cache, `search-*`, for
Pagefind's command line (its Python API costs a tenth of a second per page); a killed
build's are removed by the next one (`remove_gathered`).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

from pelican import signals

from newsdigest.build import record, stop_points
from newsdigest.digests import digest
from newsdigest.site import search_blocks
from newsdigest.workers import dying_with_parent, worker_count

logger = logging.getLogger(__name__)
INDEX_TIMEOUT_SECONDS = 900
GATHERED_PREFIX = "search-"


def plan_blocks(generators) -> None:
    """Cut the stories into blocks once the site is known, so the search page can list the bundles."""
    if not generators:
        return
    settings, context = generators[0].settings, generators[0].context
    build = record.current()
    if not build.settings.search.enabled:
        context["search_bundles"] = []
        return
    languages = {
        article.save_as: str(getattr(article, "lang", "") or settings.get("DEFAULT_LANG", "en")).lower()
        for article in context.get("articles", [])
    }
    blocks = search_blocks.split(list(languages), build.settings.search.block_stories)
    build.search_blocks = blocks
    context["search_bundles"] = [block.bundle for block in reversed(blocks)]  # newest first: the primary
    by_language: dict[str, list[str]] = {}
    for block in reversed(blocks):
        for language in sorted({languages[page] for page in block.pages}):
            by_language.setdefault(language, []).append(block.bundle)
    context["search_languages"] = dict(sorted(by_language.items()))


def _pagefind() -> str:
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise FileNotFoundError("the pagefind binary (package pagefind[extended]) is not installed")
    return str(executable)


class _Indexer:
    """Runs Pagefind on blocks, several at once; stops them all on error or Ctrl-C."""

    def __init__(self, settings, output_path: str):
        self.settings = settings
        self.output_path = os.path.abspath(output_path)
        self.processes: list[subprocess.Popen] = []
        self.stopping = False

    def source(self, page: str) -> str | None:
        """The page as this build wrote it (rendered, or linked from the page store)."""
        path = os.path.join(self.output_path, page)
        return path if os.path.isfile(path) else None

    def index(self, executable: str, block: search_blocks.Block, sources: dict[str, str]) -> list[str] | str:
        """Index one block into its bundle; returns the bundle's files, or a problem."""
        gathered = tempfile.mkdtemp(prefix=GATHERED_PREFIX, dir=self.settings["CACHE_PATH"])
        bundle = os.path.join(self.output_path, block.bundle)
        try:
            for page in block.pages:
                target = os.path.join(gathered, page)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                try:
                    os.link(sources[page], target)
                except OSError:  # another file system: copy instead
                    shutil.copyfile(sources[page], target)
            command = [executable, "--site", gathered, "--output-path", bundle, "--quiet"]
            if self.stopping:
                return "stopped"
            process = subprocess.Popen(
                dying_with_parent(command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            self.processes.append(process)
            stop_points.reached("search")
            try:
                printed, _ = process.communicate(timeout=INDEX_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                return f"pagefind took over {INDEX_TIMEOUT_SECONDS} s"
            if process.returncode != 0:
                lines = (printed or "").strip().splitlines()
                return f"pagefind failed: {lines[-1] if lines else f'exit {process.returncode}'}"
        finally:
            shutil.rmtree(gathered, ignore_errors=True)
        search_blocks.sort_entry_languages(os.path.join(bundle, search_blocks.ENTRY_FILE))
        search_blocks.remove_unused_files(bundle)
        return sorted(
            os.path.relpath(os.path.join(root, name), self.output_path)
            for root, _, names in os.walk(bundle)
            for name in names
        )

    def stop(self) -> None:
        self.stopping = True
        for process in self.processes:
            if process.poll() is None:
                process.kill()


def index_site(pelican) -> None:
    settings = pelican.settings
    build = record.current()
    blocks = build.search_blocks
    if not blocks:
        return
    os.makedirs(settings["CACHE_PATH"], exist_ok=True)
    indexer = _Indexer(settings, str(pelican.output_path))
    executable = _pagefind()
    tool = f"pagefind {executable} {os.path.getsize(executable)} by page language"
    pending = []
    for block in blocks:
        found = {page: indexer.source(page) for page in block.pages}
        sources = {page: source for page, source in found.items() if source is not None}
        missing = [page for page in found if page not in sources]
        if missing:
            logger.error("search index: %s was not written, so it cannot be indexed", missing[0])
            continue
        digests = {page: _indexed_digest(source) for page, source in sources.items()}
        key = search_blocks.block_key(block, digests, tool=tool)
        if not build.reuse(block.bundle, key, indexer.output_path):
            pending.append((block, sources, key))
    if not pending:
        return
    pool = ThreadPoolExecutor(max_workers=worker_count(build.settings.parallel.workers))
    try:
        outcomes = list(pool.map(lambda job: indexer.index(executable, job[0], job[1]), pending))
    except BaseException:  # Ctrl-C or a crash: no indexer outlives the build, none starts after it
        indexer.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    for (block, _, key), outcome in zip(pending, outcomes, strict=True):
        if isinstance(outcome, str):
            logger.error("search index: block %s: %s", block.name, outcome)
        else:
            build.record(block.bundle, key, outcome)


def _indexed_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return digest(search_blocks.indexed_part(handle.read()))


def remove_gathered(cache_path: str | os.PathLike[str]) -> None:
    """Remove the folders of gathered pages a killed build left in the cache."""
    if os.path.isdir(cache_path):
        for entry in os.scandir(cache_path):
            if entry.name.startswith(GATHERED_PREFIX) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)


def register():
    signals.all_generators_finalized.connect(plan_blocks)
    signals.finalized.connect(index_site)
