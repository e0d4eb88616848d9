"""`newsdigest bench build` on a small corpus: it runs all three builds, times rebuilds that
really contain the edits it makes, and times serve putting an edit on disk."""

import importlib.util
import re
import shutil
import subprocess
import sys

import psutil
import pytest

from conftest import BBC, NEWSDIGEST, ROOT, SHARED, require, require_shared

ARTICLES = 30
SERVE_EDITS = ("A sentence added while serving.", "A note added while serving.")


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """One tiny bench run, shared by the tests that read its report and its work folder."""
    require_shared(BBC)
    work = tmp_path_factory.mktemp("bench") / "bench-build"
    result = subprocess.run(
        [str(NEWSDIGEST), "bench", "build", "--articles", str(ARTICLES), "--repeat", "1", "--work", str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, work


@pytest.mark.slow
@pytest.mark.serial  # a benchmark: its timings mean something on a machine of its own
def test_bench_build_reports_both_builds_and_rebuilds_that_include_its_edits(bench):
    report, work = bench
    for line in (
        "A: newsdigest, cold",
        "B: plain Pelican 4.12, cold",
        "A: empty output, warm .cache",
        "A: build again, nothing changed",
        "A: rebuild after one edit",
        "A: rebuild after a note is added",
    ):
        assert line in report
    ratio = re.search(r"A/B cold ratio: ([0-9.]+)", report)
    assert ratio and float(ratio.group(1)) > 0
    assert re.search(r"A peak memory: [0-9.]+ GiB", report)
    assert re.search(r"newsdigest at [0-9a-f]{7,}", report), "the report names the commit it measured"

    pages = [path.read_text(encoding="utf-8") for path in (work / "out-ours").rglob("index.html")]
    assert any("One more sentence, added by the benchmark." in page for page in pages)
    assert any("Added by the benchmark." in page and "curator-note" in page for page in pages)
    assert any((work / "out-plain").rglob("*.html")), "plain Pelican wrote no pages"


@pytest.mark.slow
@pytest.mark.serial  # a benchmark: its timings mean something on a machine of its own
def test_bench_build_times_serve_putting_a_body_edit_and_a_note_on_the_story_page_then_stops_it(bench):
    report, work = bench
    for edit in ("body edit", "note added"):
        timed = re.search(rf"A: serve, {edit}, page on disk +([0-9.]+) s +serve reported done ([0-9.]+) s", report)
        assert timed, report
        assert 0 < float(timed.group(1)) < 600 and 0 < float(timed.group(2)) < 600

    # Both edits went to one story, and its page shows them (the note as a note).
    pages = [path.read_text(encoding="utf-8") for path in (work / "out-ours").rglob("index.html")]
    edited = [page for page in pages if SERVE_EDITS[0] in page and SERVE_EDITS[1] in page]
    assert edited and "curator-note" in edited[0]

    left_running = [
        process.pid
        for process in psutil.process_iter(["cmdline"])
        if "serve" in (process.info["cmdline"] or []) and str(work) in " ".join(process.info["cmdline"])
    ]
    assert not left_running, f"serve still running after the bench: {left_running}"


@pytest.mark.slow
@pytest.mark.serial  # a benchmark: its timings mean something on a machine of its own
def test_bench_build_builds_the_same_corpus_with_hugo_as_a_third_column(bench):
    require(shutil.which("hugo") is not None, "hugo is not installed (apt-get install hugo)")
    report, work = bench
    assert re.search(r"C: Hugo [0-9.]+, cold +median +[0-9.]+ s", report), report
    ratio = re.search(r"A/C \(Hugo\) cold ratio: ([0-9.]+)", report)
    assert ratio and float(ratio.group(1)) > 0

    site = work / "out-hugo"
    stories = list(site.glob("20[0-9][0-9]/[01][0-9]/[0-3][0-9]/*/index.html"))
    assert len(stories) == ARTICLES, "a page per story at /YYYY/MM/DD/<slug>/"
    assert any("<p>" in page.read_text(encoding="utf-8") for page in stories)
    assert (site / "page" / "2" / "index.html").is_file(), "lists of 20 stories a page"
    assert not (site / "page" / "3").exists()
    feeds = [site / "index.xml"]
    for taxonomy in ("tags", "sections", "sources"):
        terms = [folder for folder in (site / taxonomy).iterdir() if folder.is_dir()]
        assert terms and all((term / "index.html").is_file() for term in terms), taxonomy
        feeds += [term / "index.xml" for term in terms]
    assert all(feed.is_file() for feed in feeds), "RSS for the site and for each term"
    validator = require_shared(SHARED / "tools" / "feedvalidate.py")
    require(importlib.util.find_spec("html5lib") is not None, "the validator needs html5lib (in the test extra)")
    checked = subprocess.run(
        [sys.executable, str(validator), *map(str, feeds[:20])], capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stdout[-2000:]


def test_bench_build_refuses_a_work_folder_it_did_not_make_and_leaves_it_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = subprocess.run(
        [str(NEWSDIGEST), "bench", "build", "--articles", "3", "--work", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and str(tmp_path) in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
