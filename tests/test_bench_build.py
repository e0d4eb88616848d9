"""`newsdigest bench build` on a small corpus: it runs both builds and times rebuilds that
really contain the edits it makes."""

import re
import subprocess

import pytest

from conftest import BBC, NEWSDIGEST, ROOT, require_shared


@pytest.mark.slow
def test_bench_build_reports_both_builds_and_rebuilds_that_include_its_edits(tmp_path):
    require_shared(BBC)
    work = tmp_path / "bench-build"
    result = subprocess.run(
        [str(NEWSDIGEST), "bench", "build", "--articles", "30", "--repeat", "1", "--work", str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = result.stdout
    for line in (
        "A: newsdigest, cold",
        "B: plain Pelican 4.12, cold",
        "A: empty output, warm .cache",
        "A: rebuild after one edit",
        "A: rebuild after a note is added",
    ):
        assert line in report
    ratio = re.search(r"A/B cold ratio: ([0-9.]+)", report)
    assert ratio and float(ratio.group(1)) > 0
    assert re.search(r"A peak memory: [0-9.]+ GiB", report)

    pages = [path.read_text(encoding="utf-8") for path in (work / "out-ours").rglob("index.html")]
    assert any("One more sentence, added by the benchmark." in page for page in pages)
    assert any("Added by the benchmark." in page and "curator-note" in page for page in pages)
    assert any((work / "out-plain").rglob("*.html")), "plain Pelican wrote no pages"


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
