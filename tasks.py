"""invoke tasks: each one calls the `newsdigest` command or pytest from .venv."""

import json
import shlex
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
NEWSDIGEST = str(BIN / "newsdigest")


@task(help={"settings": "settings file", "content": "content folder", "output": "output folder"})
def build(c, settings="pelicanconf.py", content="", output=""):
    """Build content/ into output/ (atomically)."""
    extra = (f" --content {content}" if content else "") + (f" --output {output}" if output else "")
    c.run(f"{NEWSDIGEST} build --settings {settings}{extra}", pty=False)


@task
def serve(c, port=8000):
    """Serve output/ on 127.0.0.1 and rebuild when content, theme or settings change."""
    c.run(f"{NEWSDIGEST} serve --port {port}")


@task(help={"paths": "files, folders or URLs to ingest", "options": "extra options for newsdigest ingest"})
def ingest(c, paths, options=""):
    """Convert raw stories (text, HTML, feeds) into content/ Markdown."""
    c.run(f"{NEWSDIGEST} ingest {options} {paths}")


@task
def lint(c):
    """The quality gates: ruff's lint and format check, mypy, and docs/ built strictly (mkdocs)."""
    with c.cd(str(ROOT)):
        c.run(f"{BIN / 'ruff'} check .", pty=False)
        c.run(f"{BIN / 'ruff'} format --check .", pty=False)
        c.run(f"{BIN / 'mypy'}", pty=False)
        # Not `--quiet`: mkdocs 1.6 then drops the warnings that --strict counts, and passes.
        # Its output is shown only when it fails.
        docs = c.run(f"{BIN / 'mkdocs'} build --strict", pty=False, hide=True, warn=True)
        if docs.failed:
            raise Exit(docs.stderr + docs.stdout, code=docs.exited)


# On every core (pytest-xdist), each test file in one process so that its built site is built once,
# in the order tests/conftest.py gives them (longest first): xdist's own reorder, by number of tests
# per file, would start the corpus file (a few tests, minutes of work) last, alone on one core.
EVERY_CORE = "-n auto --dist loadfile --no-loadscope-reorder"
# The fast tier leaves out the tests pyproject.toml marks as browser or slow.
FAST_TIER = '-m "not browser and not slow"'
# The whole suite: every test but those marked serial on every core, then the serial ones (they
# need the machine to themselves: kills and interrupts, timings, benchmarks) one at a time. The
# screenshots taken for a person to look at (marked review) are `invoke screenshots`, not tests.
RUNS = (("on every core", '-m "not serial and not review"', EVERY_CORE), ("serial", '-m "serial and not review"', ""))
NO_TESTS_COLLECTED = 5  # pytest's exit code for a run that selects no test: not a failure


@task(help={"args": "extra pytest arguments (given to both runs)", "fast": "only the fast tier: no browser, no slow"})
def test(c, args="", fast=False):
    """Run the whole test suite (or, with --fast, its fast tier); it ends with the whole suite's
    counts and one line per reason a test skipped, with its count."""
    python = BIN / "python"
    if fast:
        with tempfile.TemporaryDirectory(prefix="newsdigest-test-") as folder:
            c.run(f"{python} -m pytest {FAST_TIER} {EVERY_CORE} {args}", pty=False, env=_compiled_once(folder))
        return
    failed = []
    with tempfile.TemporaryDirectory(prefix="newsdigest-test-") as folder:
        record = Path(folder) / "runs.jsonl"  # each run's counts (tests/conftest.py writes them)
        timings = []
        for name, selection, spread in RUNS:
            started = time.monotonic()
            result = c.run(
                f"{python} -m pytest {selection} {spread} {args}",
                pty=False,
                warn=True,
                env={"NEWSDIGEST_TEST_RECORD": str(record), **_compiled_once(folder)},
            )
            timings.append(f"{name} {_duration(time.monotonic() - started)}")
            if result.exited not in (0, NO_TESTS_COLLECTED):
                failed.append(f"the {name} run exited with {result.exited}")
        runs = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
    outcomes, skips = Counter(), Counter()
    for run in runs:
        outcomes.update(run["outcomes"])
        skips.update(run["skips"])
    kinds = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
    counts = ", ".join(f"{outcomes[kind]} {kind}" for kind in kinds if outcomes[kind]) or "no tests"
    print(f"\nwhole suite: {counts} ({'; '.join(timings)}){': ' + '; '.join(failed) if failed else ''}")
    for reason, count in sorted(skips.items(), key=lambda item: (-item[1], item[0])):
        print(f"skipped {count}: {reason}")
    if failed:
        raise Exit(code=1)


@task
def screenshots(c):
    """Screenshots of every page type at 360 and 1280 px, light and dark, into tests/artifacts/,
    for a person to look at before calling a page done."""
    c.run(f"{BIN / 'python'} -m pytest -m review -p no:cacheprovider tests/test_browser.py", pty=False)
    print(f"screenshots in {ROOT / 'tests/artifacts'}")


def _compiled_once(folder: str) -> dict[str, str]:
    """The environment that keeps Python's compiled modules for the test run in its temp folder: the
    hundreds of processes a run starts (pytest's workers, every `newsdigest` command a test runs)
    then compile each module once, not each time (even where PYTHONDONTWRITEBYTECODE is set, as
    Python does not write them then), and nothing is written beside the sources."""
    return {"PYTHONPYCACHEPREFIX": str(Path(folder) / "pycache"), "PYTHONDONTWRITEBYTECODE": ""}


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


@task(help={"what": "which benchmark (default: all)"})
def bench(c, what=""):
    """Run the benchmarks and print their figures."""
    c.run(f"{NEWSDIGEST} bench {what}")


@task
def clean(c):
    """Remove the built site (the output link and its generation folders) and the caches."""
    from newsdigest.build.generations import remove_site

    remove_site(ROOT / "output")
    shutil.rmtree(ROOT / ".cache", ignore_errors=True)


@task(help={"to": "where to deploy: a folder, user@host:path (rsync) or gh-pages (default: DEPLOY_TO)"})
def publish(c, to=""):
    """Build with publishconf.py (absolute URLs from SITEURL) and deploy the site."""
    c.run(f"{NEWSDIGEST} publish" + (f" --to {shlex.quote(to)}" if to else ""))


@task(help={"headline": "the story's headline", "source": "the publisher", "url": "the original story's address"})
def new(c, headline, source="", url=""):
    """Write a new story's file with its front matter filled in, and print its path."""
    extra = (f" --source {shlex.quote(source)}" if source else "") + (f" --url {shlex.quote(url)}" if url else "")
    c.run(f"{NEWSDIGEST} new {shlex.quote(headline)}{extra}")
