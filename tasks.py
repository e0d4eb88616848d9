"""invoke tasks: each one calls the `newsdigest` command or pytest from .venv."""

import shlex
import shutil
import sys
from pathlib import Path

from invoke import task

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
    """The quality gates: ruff's lint and format check over the tree, mypy over the newsdigest package."""
    with c.cd(str(ROOT)):
        c.run(f"{BIN / 'ruff'} check .", pty=False)
        c.run(f"{BIN / 'ruff'} format --check .", pty=False)
        c.run(f"{BIN / 'mypy'}", pty=False)


# The fast tier leaves out the tests pyproject.toml marks as browser or slow, and runs the rest
# on every core (pytest-xdist), each test file in one process so that its built site is built once.
FAST_TIER = '-m "not browser and not slow" -n auto --dist loadfile'


@task(help={"args": "extra pytest arguments", "fast": "only the fast tier: no browser and no slow tests"})
def test(c, args="", fast=False):
    """Run the whole test suite (or, with --fast, its fast tier)."""
    c.run(f"{BIN / 'python'} -m pytest {FAST_TIER if fast else ''} {args}", pty=False)


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
