"""`newsdigest bench build` on a small corpus: it runs both builds and times rebuilds that
really contain the edits it makes."""

import re
import subprocess

from conftest import BBC, NEWSDIGEST, ROOT, require_shared

WORK = ROOT / ".cache" / "bench-build"


def test_bench_build_reports_both_builds_and_rebuilds_that_include_its_edits():
    require_shared(BBC)
    result = subprocess.run([str(NEWSDIGEST), "bench", "build", "--articles", "30", "--repeat", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    report = result.stdout
    for line in ("A: newsdigest, cold", "B: plain Pelican 4.12, cold", "A: empty output, warm .cache",
                 "A: rebuild after one edit", "A: rebuild after a note is added"):
        assert line in report
    ratio = re.search(r"A/B cold ratio: ([0-9.]+)", report)
    assert ratio and float(ratio.group(1)) > 0
    assert re.search(r"A peak memory: [0-9.]+ GiB", report)

    pages = [path.read_text(encoding="utf-8") for path in (WORK / "out-ours").rglob("index.html")]
    assert any("One more sentence, added by the benchmark." in page for page in pages)
    assert any("Added by the benchmark." in page and "curator-note" in page for page in pages)
    assert any((WORK / "out-plain").rglob("*.html")), "plain Pelican wrote no pages"
