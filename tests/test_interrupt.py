"""Ctrl-C during a build stops its worker processes, keeps the old site and leaves no debris."""

import signal
import subprocess
import time

import psutil
import pytest

from newsdigest.content import frontmatter

from conftest import NEWSDIGEST

# Builds of 600 to 1500 stories, interrupted the moment their worker processes start: alone on
# the machine, so that the build is still converting, rendering or indexing when Ctrl-C comes.
pytestmark = [pytest.mark.slow, pytest.mark.serial]


def add_bulk_stories(site, count=1500):
    """Enough stories that the build converts and renders them in worker processes."""
    for number in range(count):
        site.write(
            f"articles/bulk/story-{number}.md",
            frontmatter.dump({"title": f"Bulk story {number}", "date": "2015-11-20T10:00:00Z"}, "Paragraph. " * 400),
        )


def interrupt_once_workers_start(site, worker_name=None, **settings):
    """Start a build, send it SIGINT as soon as it has worker processes (whose names start with `worker_name`,
    when given), check it cleaned up."""
    before = (site.output / "index.html").read_bytes()
    build = subprocess.Popen(
        [
            str(NEWSDIGEST),
            "build",
            "--settings",
            str(site.settings_file(**settings)),
            "--content",
            str(site.content),
            "--output",
            str(site.output),
        ],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    parent = psutil.Process(build.pid)
    workers = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not workers and build.poll() is None:
        try:
            workers = [
                child
                for child in parent.children(recursive=True)
                if worker_name is None or child.name().startswith(worker_name)  # pagefind, pagefind_extended
            ]
        except psutil.NoSuchProcess:
            workers = []
        time.sleep(0.02)
    assert workers, "the build never started worker processes"
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130, stderr
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers still running after Ctrl-C: {alive}"
    assert (site.output / "index.html").read_bytes() == before
    assert site.leftovers() == []


def test_ctrl_c_while_converting_stories(site):
    site.add_article("first", title="First")
    site.build()
    add_bulk_stories(site)
    interrupt_once_workers_start(site)


def test_ctrl_c_while_rendering_pages(site):
    add_bulk_stories(site)
    site.build(CACHE_PATH=str(site.root / ".cache"))  # converted stories are cached: no conversion workers next time
    site.add_article("first", title="First")  # new front matter: every page is rendered again
    interrupt_once_workers_start(site)


def test_ctrl_c_while_indexing_for_search(site):
    site.add_article("first", title="First")
    site.build()
    add_bulk_stories(site, count=600)  # converted, rendered, then indexed in 30 blocks
    interrupt_once_workers_start(site, worker_name="pagefind", SEARCH_ENABLED=True, SEARCH_BLOCK_STORIES=20)
    assert list((site.root / ".cache").glob("search-*")) == [], "pages gathered for the indexer were left behind"
