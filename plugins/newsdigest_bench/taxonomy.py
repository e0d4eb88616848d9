"""`newsdigest bench taxonomy`: what the taxonomy engine adds to a build of N stories with T tags.

Builds the same synthetic corpus twice in one run, alternating, with and without
the taxonomy plugin, and reports the difference; also times the folding alone.
"""

from __future__ import annotations

import itertools
import random
import shutil
import statistics
import time

from newsdigest.build import generations
from newsdigest.site.taxonomy import build_terms
from newsdigest_bench import corpus
from newsdigest_bench.build import BIN, PROJECT, measure

describe = "time the tag/section/source pages for N stories and T tags"


def add_arguments(parser) -> None:
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=1)


def _tagger(tag_count: int):
    chooser = random.Random(20151121)
    ranks = range(tag_count)
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.7 for rank in ranks))

    def tags(story) -> list[str]:  # Zipf-like: a few tags are common, most are rare
        return sorted({f"Topic {rank}" for rank in chooser.choices(ranks, cum_weights=cumulative, k=5)})

    return tags


def run(args) -> int:
    count = getattr(args, "articles", 10_000)
    tag_count = getattr(args, "tags", 2_000)
    repeat = getattr(args, "repeat", 1)
    articles = corpus.generate(count, corpus.read_bbc(), tagger=_tagger(tag_count))
    distinct = len({tag for article in articles for tag in article.metadata["tags"]})
    started = time.perf_counter()
    build_terms("tags", [(article, article.metadata["tags"]) for article in articles])
    folding = time.perf_counter() - started

    work = PROJECT / ".cache" / "bench-taxonomy"
    shutil.rmtree(work, ignore_errors=True)
    corpus.write_front_matter_corpus(articles, work / "content")
    settings = {}
    variants = {"without": "TAXONOMY_KINDS = []", "pages": "FEED_KINDS = []", "with": ""}
    for name, extra in variants.items():
        path = work / f"{name}.py"
        lines = [
            "import sys",
            f"sys.path.insert(0, {str(PROJECT)!r})",
            "from pelicanconf import *",
            f"THEME = {str(PROJECT / 'theme')!r}",
            f"CACHE_PATH = {str(work / ('cache-' + name))!r}",
        ]
        if extra:
            lines.append(extra)
        path.write_text("\n".join(lines) + "\n")
        settings[name] = path
    runs: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeat):
        for name in variants:
            generations.remove_site(work / f"out-{name}")
            shutil.rmtree(work / f"cache-{name}", ignore_errors=True)
            runs[name].append(
                measure(
                    [
                        str(BIN / "newsdigest"),
                        "build",
                        "--settings",
                        str(settings[name]),
                        "--content",
                        str(work / "content"),
                        "--output",
                        str(work / f"out-{name}"),
                    ],
                    PROJECT,
                ).seconds
            )
    seconds = {name: statistics.median(values) for name, values in runs.items()}
    pages = sum(1 for _ in (work / "out-with").glob("*/*/index.html")) if (work / "out-with").exists() else 0
    print(f"bench taxonomy: {count} stories, {distinct} distinct tags, {pages} term pages")
    print(f"  folding, slugs, counts, related terms: {folding:.2f} s")
    print(
        f"  build without taxonomies {seconds['without']:.2f} s; with their pages {seconds['pages']:.2f} s "
        f"(adds {seconds['pages'] - seconds['without']:.2f} s); with pages and a feed per term "
        f"{seconds['with']:.2f} s (adds {seconds['with'] - seconds['without']:.2f} s)"
    )
    return 0
