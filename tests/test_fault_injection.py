"""A build killed (SIGKILL) at any point leaves the old site or the new one, whole, byte for
byte; its worker processes die with it; the next build gives the new site and removes the
debris. Builds run one at a time."""

import os
import shutil
import signal
import subprocess
import time

import psutil
import pytest

from newsdigest.build.stop_points import ENVIRONMENT_VARIABLE, POINTS
from newsdigest.content import frontmatter

from conftest import NEWSDIGEST, Site, tree

pytestmark = pytest.mark.slow  # a 205-story site built and killed at every stop point
STORIES = 205  # at least 200 converted files and rendered pages: both run in worker processes
SETTINGS = {"NEWSDIGEST_WORKERS": 2, "SEARCH_ENABLED": True, "SEARCH_BLOCK_STORIES": 60}
# Where a kill leaves the site: before the switch the old one is live, after it the new one.
LIVE_AFTER_KILL = {
    "conversion": "old",
    "rendering": "old",
    "search": "old",
    "staging": "old",
    "switch": "old",
    "cleanup": "new",
}


def write_content(site: Site, state: str) -> None:
    """Two states of one site: "new" drops five stories, adds five, edits every body and moves tags."""
    shutil.rmtree(site.content / "articles")
    numbers = range(STORIES) if state == "old" else range(5, STORIES + 5)
    for number in numbers:
        tags = [f"Topic {number % 7}"] if state == "old" else [f"Topic {number % 5}", "Follow-up"]
        site.write(
            f"articles/story-{number}.md",
            frontmatter.dump(
                {
                    "title": f"Story {number}",
                    "date": f"2015-11-{1 + number % 28:02d}T{number % 24:02d}:00:00Z",
                    "tags": tags,
                },
                f"The {state} text of story {number}.",
            ),
        )


def build_command(site: Site) -> list[str]:
    return [
        str(NEWSDIGEST),
        "build",
        "--settings",
        str(site.settings_file(**SETTINGS)),
        "--content",
        str(site.content),
        "--output",
        str(site.output),
    ]


def build(site: Site) -> None:
    result = subprocess.run(build_command(site), cwd=site.root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def start_build_stopping_at(site: Site, point: str) -> subprocess.Popen:
    """A build that stops itself (SIGSTOP) at `point`; returns once it is stopped there."""
    process = subprocess.Popen(
        build_command(site),
        cwd=site.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, ENVIRONMENT_VARIABLE: point},
    )
    deadline = time.monotonic() + 120
    while psutil.Process(process.pid).status() != psutil.STATUS_STOPPED:
        assert process.poll() is None, f"the build ended before it reached {point}: {process.stderr.read()}"
        assert time.monotonic() < deadline, f"the build did not reach {point}"
        time.sleep(0.02)
    return process


def still_running(processes: list[psutil.Process]) -> list[psutil.Process]:
    running = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                running.append(process)
        except psutil.NoSuchProcess:
            pass
    return running


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """Cold builds of both states, and the old one's project folder (content, cache, output) to copy."""
    trees, roots = {}, {}
    for state in ("old", "new"):
        site = Site(tmp_path_factory.mktemp(f"cold-{state}"))
        write_content(site, state)
        build(site)
        trees[state], roots[state] = tree(site.output), site.root
    assert trees["old"] != trees["new"]
    return trees, roots["old"]


def copy_of(root, tmp_path) -> Site:
    """A copy of a project folder: content, cache, and the output link with its generation."""
    shutil.copytree(root, tmp_path / "site", symlinks=True)
    site = Site.__new__(Site)
    site.root, site.content, site.output = tmp_path / "site", tmp_path / "site/content", tmp_path / "site/output"
    return site


@pytest.mark.parametrize("point", POINTS)
def test_a_build_killed_at_any_point_leaves_a_whole_site(point, states, tmp_path):
    trees, old_root = states
    site = copy_of(old_root, tmp_path)
    write_content(site, "new")
    process = start_build_stopping_at(site, point)
    workers = still_running(psutil.Process(process.pid).children(recursive=True))
    if point in ("conversion", "rendering", "search"):
        assert workers, f"no worker processes while {point}"
    # A worker asks the kernel to kill it with its parent as its first step; on a loaded machine
    # it may not have run yet when the build stops, so let each take that step before freezing it.
    settle = time.monotonic() + 3
    while any(sum(worker.cpu_times()[:2]) == 0 for worker in still_running(workers)) and time.monotonic() < settle:
        time.sleep(0.05)
    for worker in workers:  # as if blocked: only the kernel can end them once the build is gone
        worker.suspend()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 5
    while still_running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert still_running(workers) == [], f"workers outlived the build killed at {point}"

    assert tree(site.output) == trees[LIVE_AFTER_KILL[point]], f"killed at {point}, the site is not whole"
    build(site)
    assert tree(site.output) == trees["new"], f"the build after a kill at {point} differs from a cold build"
    assert site.leftovers() == []
    assert list((site.root / ".cache").glob("search-*")) == []


def test_a_deleted_story_goes_when_a_build_is_killed_after_the_switch_and_content_reverted(states, tmp_path):
    """The stale files of a site are what the new one does not hold, not what a record says."""
    trees, old_root = states
    site = copy_of(old_root, tmp_path)
    write_content(site, "new")
    process = start_build_stopping_at(site, "cleanup")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    write_content(site, "old")
    build(site)
    assert tree(site.output) == trees["old"]
    assert not (site.output / "tags/follow-up").exists()


def test_builds_run_one_at_a_time(site):
    site.add_article("first", title="First story")
    holder = start_build_stopping_at(site, "rendering")
    try:
        busy = subprocess.run([*build_command(site), "--no-wait"], cwd=site.root, capture_output=True, text=True)
        assert busy.returncode == 75
        assert f"another build (pid {holder.pid})" in busy.stderr and "Traceback" not in busy.stderr

        site.add_article("later", title="Later story")  # written while the first build runs
        waiting_log = site.root / "waiting.log"
        with open(waiting_log, "w") as log:
            waiting = subprocess.Popen(build_command(site), cwd=site.root, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 60
        while "waiting for another build" not in waiting_log.read_text():
            assert waiting.poll() is None, waiting_log.read_text()
            assert time.monotonic() < deadline, "the second build did not say it waits"
            time.sleep(0.05)
    finally:
        holder.send_signal(signal.SIGCONT)
    assert holder.wait(timeout=120) == 0
    assert waiting.wait(timeout=120) == 0, waiting_log.read_text()
    assert "Later story" in site.page("")  # the later build's content is what stays live
    assert site.leftovers() == []
