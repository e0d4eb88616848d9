"""`newsdigest bench ingest`: body extraction quality on the article-extraction benchmark
(../shared/corpora/aeb, 181 real pages) with that benchmark's metric, and the throughput
of ingesting the whole BBC corpus (2,225 files) into a fresh content folder."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import shutil
import statistics
import time
from collections import Counter
from pathlib import Path

from newsdigest import document
from newsdigest.bench import tagging
from newsdigest.bench.corpus import DEFAULT_BBC
from newsdigest.ingest import IngestError, Options, html_page, ingest

describe = "HTML body quality (AEB shingle F1), suggested tags against an editor's, and BBC corpus ingest throughput"
DEFAULT_AEB = DEFAULT_BBC.parent / "aeb"
PROJECT = Path(__file__).resolve().parents[3]
_TOKEN = re.compile(r"\w+", re.UNICODE)
_TAGS = re.compile(r"<[^>]+>")


def add_arguments(parser) -> None:
    parser.add_argument("--worst", type=int, default=8, help="how many worst pages to list (default: %(default)s)")


def shingle_counts(text: str, size: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens[i:i + size])


def page_scores(truth: str, predicted: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page over 4-token shingles; None where undefined."""
    expected, found = shingle_counts(truth), shingle_counts(predicted)
    keys = set(expected) | set(found)
    true_positive = sum(min(expected[k], found[k]) for k in keys)
    false_positive = sum(max(0, found[k] - expected[k]) for k in keys)
    false_negative = sum(max(0, expected[k] - found[k]) for k in keys)
    if false_positive == false_negative == 0:
        return 1.0, 1.0
    precision = true_positive / (true_positive + false_positive) if true_positive + false_positive else None
    recall = true_positive / (true_positive + false_negative) if true_positive + false_negative else None
    return precision, recall


def body_text(markdown_body: str) -> str:
    """The text a reader sees of a Markdown body: rendered as the site renders it, tags removed."""
    html = document.render_markdown(markdown_body, document.markdown_config({}))
    return _TAGS.sub(" ", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def aeb_quality(folder: Path = DEFAULT_AEB) -> tuple[float, float, float, list[tuple[float, str]]]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    precisions, recalls, per_page = [], [], []
    for key, expected in sorted(truth.items()):
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        try:
            story = html_page.parse(html, expected.get("url"))
            predicted = body_text(story.body)
        except IngestError:
            predicted = ""
        precision, recall = page_scores(expected.get("articleBody", ""), predicted)
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
        page_f1 = 2 * (precision or 0) * (recall or 0) / ((precision or 0) + (recall or 0) or 1)
        per_page.append((page_f1, expected.get("url", key)))
    precision, recall = statistics.mean(precisions), statistics.mean(recalls)
    return 2 * precision * recall / (precision + recall), precision, recall, sorted(per_page)


def run(args) -> int:
    worst = getattr(args, "worst", 8)
    started = time.perf_counter()
    f1, precision, recall, pages = aeb_quality()
    print(f"bench ingest: article-extraction benchmark, {len(pages)} pages ({time.perf_counter() - started:.1f} s)")
    print(f"  body F1 {f1:.4f}   precision {precision:.4f}   recall {recall:.4f}")
    for page_f1, url in pages[:worst]:
        print(f"    worst: F1 {page_f1:.3f}  {url}")
    tagging.report()
    content = PROJECT / ".cache" / "bench-ingest" / "content"
    shutil.rmtree(content.parent, ignore_errors=True)
    content.mkdir(parents=True)
    options = Options(content=content, date=dt.datetime(2005, 1, 1, 12, 0), site_timezone="Europe/London",
                      source="BBC News")
    started = time.perf_counter()
    report = ingest([str(topic) for topic in sorted(DEFAULT_BBC.iterdir()) if topic.is_dir()], options)
    elapsed = time.perf_counter() - started
    files = len(list(DEFAULT_BBC.glob("*/*.txt")))
    print(f"  BBC corpus: {files} files in {elapsed:.1f} s ({files / elapsed:.0f} files/s): {report.summary()}")
    return 0
