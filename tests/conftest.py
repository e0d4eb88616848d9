"""Shared fixtures: a throwaway site (content folder + real Pelican build) and the CLI."""

from __future__ import annotations

import collections
import fcntl
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdigest.build import generations as publish, last_build
from newsdigest.build.run import build
from newsdigest.content import frontmatter

ROOT = Path(__file__).resolve().parent.parent
# The shared data beside the checkout (corpora, the seed story, the feed validator);
# NEWSDIGEST_SHARED points the tests elsewhere (an empty folder: a clone without it).
SHARED = Path(os.environ.get("NEWSDIGEST_SHARED") or ROOT.parent / "shared")
SEED = SHARED / "seed" / "seed-article.txt"
BBC = SHARED / "corpora" / "bbc"
AEB = SHARED / "corpora" / "aeb"
BOILERPLATE = SHARED / "corpora" / "boilerplate"
NEWSDIGEST = Path(sys.executable).parent / "newsdigest"
CHECKOUT_CACHE = ROOT / ".cache"
# Pagefind costs a fraction of a second per build: fixture builds index for search only
# when a test asks for it (SEARCH_ENABLED=True).
FIXTURE_SETTINGS = {"SEARCH_ENABLED": False}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (a built site): its relative path -> its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# What each piece of the shared folder is, for the reason a test skips without it.
SHARED_NAMES = {
    "seed/seed-article.txt": "the seed story",
    "corpora/bbc": "the BBC corpus",
    "corpora/aeb": "the article-extraction corpus",
    "corpora/boilerplate": "the boilerplate corpus",
    "tools/feedvalidate.py": "the W3C feed validator",
}
# The reasons require_shared gave in this process: the only skips the suite allows.
_SHARED_SKIPS: set[str] = set()


def require_shared(path: Path) -> Path:
    """Skip the test, saying why, when the shared data beside the checkout is absent: the
    only reason a test may skip (see pytest_runtest_makereport)."""
    if not path.exists():
        relative = path.relative_to(SHARED).as_posix() if path.is_relative_to(SHARED) else str(path)
        shown = f"../shared/{relative}" if SHARED == ROOT.parent / "shared" else str(path)
        reason = f"{SHARED_NAMES.get(relative, relative)} is absent ({shown})"
        _SHARED_SKIPS.add(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def boilerplate_parsed(tmp_path_factory) -> dict:
    """Every page of corpora/boilerplate through our ingest and through trafilatura, by name
    (newsdigest_bench.boilerplate.Parsed): parsed once per test run, not once per test or per
    worker (about 90 s); the workers of one run share it through a file under a lock."""
    from newsdigest_bench import boilerplate

    require_shared(BOILERPLATE)
    # the run's own temp folder: shared by its xdist workers, never by another run
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent
    stored = run_folder / "boilerplate-parsed.pickle"
    with open(run_folder / "boilerplate-parsed.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stored.is_file():
            return pickle.loads(stored.read_bytes())
        parsed = boilerplate.parse_all(BOILERPLATE)
        stored.write_bytes(pickle.dumps(parsed))
        return parsed


def require(present: bool, missing: str) -> None:
    """Fail, saying what is missing, when a tool the suite drives is absent: .ci/run installs
    every one, so a missing tool is a broken set-up, never a reason to skip."""
    if not present:
        pytest.fail(f"{missing}: the test set-up is incomplete (.ci/run installs it)", pytrace=False)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, (tuple, list)) else str(longrepr)
    return reason.removeprefix("Skipped: ")


LONG_RUNNING = ("slow", "browser")


def pytest_collection_modifyitems(session, config, items):
    """The file that ingests the real corpora first (the longest by far), then the other files with a
    long-running test, then the rest, each file's tests in their order: the workers (one file each,
    `--dist loadfile --no-loadscope-reorder`) then end together on short files, instead of one of
    them finishing a corpus or a browser file alone."""
    corpus_files = {item.path for item in items if "boilerplate_parsed" in getattr(item, "fixturenames", ())}
    long_files = {item.path for item in items if any(item.get_closest_marker(name) for name in LONG_RUNNING)}
    items.sort(key=lambda item: (item.path not in corpus_files, item.path not in long_files))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A skip for anything but absent shared data fails: a run that skips a test it could
    not run must not say success."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail") and _skip_reason(report) not in _SHARED_SKIPS:
        report.outcome = "failed"
        report.longrepr = (
            f"skipped ({_skip_reason(report)}): only a test whose shared data is absent may skip "
            "(conftest.require_shared); a missing tool is a broken set-up (conftest.require)"
        )
    return report


def pytest_terminal_summary(terminalreporter, config):
    """One line per skip reason with its count (after pytest's own summary); and, when
    NEWSDIGEST_TEST_RECORD names a file (invoke test), this run's counts appended to it as a
    JSON line, for the summary of the whole suite's runs. Only the run's own process (the
    controller of pytest-xdist's workers, which report every test to it) counts."""
    if hasattr(config, "workerinput"):
        return
    reasons = collections.Counter(
        _skip_reason(report) for report in terminalreporter.stats.get("skipped", []) if report.skipped
    )
    for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
        terminalreporter.write_line(f"skipped {count}: {reason}")
    record = os.environ.get("NEWSDIGEST_TEST_RECORD")
    if record:
        outcomes = {
            key: len(reports)
            for key, reports in terminalreporter.stats.items()
            if key in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
        }
        with open(record, "a", encoding="utf-8") as file:
            file.write(json.dumps({"outcomes": outcomes, "skips": reasons}) + "\n")


class Site:
    """A content folder in a temp dir, built with the project's real settings and plugins."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        (self.content / "articles").mkdir(parents=True)
        (self.content / "pages").mkdir()

    def write(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def add_article(self, name: str, body: str = "Body text.", **metadata) -> Path:
        """Write content/articles/<name>.md with `metadata` as front matter."""
        metadata.setdefault("title", name.replace("-", " ").title())
        metadata.setdefault("date", "2015-11-21T12:00:00-05:00")
        return self.write(f"articles/{name}.md", frontmatter.dump(metadata, body))

    def build(self, end_when_unchanged: bool = False, **overrides):
        """Build as for a web server (links from the site's root); a preview build for the disk,
        the project's default, is asked for with RELATIVE_URLS=True. The engine runs every time
        unless `end_when_unchanged` (tests/test_last_build.py): these tests are about what it does."""
        settings = {"CACHE_PATH": str(self.root / ".cache"), "RELATIVE_URLS": False, **FIXTURE_SETTINGS, **overrides}
        if not end_when_unchanged:
            (self.root / ".cache" / last_build.RECORD_NAME).unlink(missing_ok=True)
        return build(ROOT / "pelicanconf.py", content=self.content, output=self.output, overrides=settings)

    def cli_options(self, settings: Path) -> list[str]:
        """The command line's options that point a command at this site and `settings`."""
        return ["--settings", str(settings), "--content", str(self.content), "--output", str(self.output)]

    def settings_file(self, **overrides) -> Path:
        """A settings file for the command line: the project's settings, this site's cache."""
        lines = [
            "import sys",
            f"sys.path.insert(0, {str(ROOT)!r})",
            "from pelicanconf import *",
            f"THEME = {str(ROOT / 'theme')!r}",
            f"CACHE_PATH = {str(self.root / '.cache')!r}",
        ]
        lines += [f"{key} = {value!r}" for key, value in {**FIXTURE_SETTINGS, **overrides}.items()]
        path = self.root / "settings.py"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def generations(self) -> list[str]:
        """The names of the folders beside the output path: the live generation and any leftovers."""
        return sorted(p.name for p in self.root.iterdir() if p.name.startswith(self.output.name + "."))

    def leftovers(self) -> list[str]:
        """Folders and links beside the output path but the live site and one spare (the
        folders of the old generation, kept without files for the next build)."""
        live = self.output.resolve().name if self.output.is_symlink() else None
        found = [name for name in self.generations() if name != live]
        spares = [
            name
            for name in found
            if ".spare-" in name
            and not (self.root / name).is_symlink()
            and not any(path.is_file() for path in (self.root / name).rglob("*"))
        ]
        return [name for name in found if name not in spares[:1]]

    def remove_output(self) -> None:
        """The site is gone (a fresh clone), the cache stays."""
        publish.remove_site(self.output)

    def page(self, url_path: str) -> str:
        """The HTML written for a site path like '2015/11/21/slug/'."""
        target = self.output / url_path
        if url_path.endswith("/") or target.is_dir():
            target = target / "index.html"
        return target.read_text(encoding="utf-8")


def _cache_state(folder: Path) -> dict[str, int]:
    """Modification times of `folder`, its entries and theirs: a file made, removed or renamed
    moves its folder's time (the page store's files are two levels down), a write in place
    its own (the SQLite cache, the build lock). Cheap enough to take after every test."""
    state = {}
    for path in [folder, *_entries(folder), *(sub for entry in _entries(folder) for sub in _entries(entry))]:
        try:
            state[str(path)] = path.lstat().st_mtime_ns
        except FileNotFoundError:
            pass
    return state


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []
    except OSError:
        return []


@pytest.fixture(scope="session")
def checkout_cache_state() -> dict:
    return {"state": _cache_state(CHECKOUT_CACHE)}


@pytest.fixture(autouse=True)
def checkout_cache_untouched(request, checkout_cache_state):
    """No test may write into the checkout's own .cache/ (a developer's caches): tests build
    with a cache in their temp folder, and a test that does not fails here."""
    yield
    before, after = checkout_cache_state["state"], _cache_state(CHECKOUT_CACHE)
    checkout_cache_state["state"] = after
    changed = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    assert not changed, f"{request.node.nodeid} wrote into the checkout's {CHECKOUT_CACHE}: {changed[:5]}"


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


def run_cli(*args: str, cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the installed `newsdigest` command as a user would."""
    return subprocess.run([str(NEWSDIGEST), *args], cwd=cwd or ROOT, capture_output=True, text=True, check=check)


def drip(handler, content_type: str, byte: bytes, seconds: int) -> None:
    """Answer a test server's request with a 100,000-byte body promised and one byte sent a second
    for `seconds`: every read returns in time, the whole never; stops when the client gives up."""
    handler.send_response(200)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    try:
        for _ in range(seconds):
            handler.wfile.write(byte)
            handler.wfile.flush()
            time.sleep(1)
    except OSError:  # the client gave up
        pass
