"""`newsdigest bench related`: quality on the real BBC corpus, and speed and memory at scale.

Quality: mean precision@5 (the share of related stories in the article's own topic)
for the blend and for text-only and tags-only ranking, side by side. Tags are the
recurring names in each story (corpus.simple_tags without its topic), standing in
for ingest's tagger so no label leaks in.
Scale: ranking N synthetic stories in a fresh process each, wall time and added peak memory.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import resource
import time

from newsdigest import related
from newsdigest.bench import corpus
from newsdigest.parallel import worker_count

describe = "precision@5 of related stories on the BBC corpus, and ranking time and memory at scale"


def add_arguments(parser) -> None:
    parser.add_argument("--sizes", default="10000,50000", help="comma-separated corpus sizes (default: %(default)s)")


def _documents(stories) -> list[related.Document]:
    return [related.Document(story.headline, story.paragraphs[0], " ".join(story.paragraphs[1:]),
                             tuple(corpus.simple_tags(story)[1:]), float(index))
            for index, story in enumerate(stories)]


def _scale_run(size: int, results) -> None:
    articles = corpus.generate(size, corpus.read_bbc())
    documents = [related.Document(a.metadata["title"], a.metadata["subtitle"], a.body,
                                  tuple(a.metadata["tags"][1:]), float(i)) for i, a in enumerate(articles)]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    ranking = related.rank(documents, threads=worker_count())
    elapsed = time.perf_counter() - started
    added = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    results.put((elapsed, added * 1024, sum(len(n) for n in ranking.neighbours) / size))


def run(args) -> int:
    sizes = [int(size) for size in str(getattr(args, "sizes", "10000,50000")).split(",") if size]
    stories = corpus.read_bbc()
    documents = _documents(stories)
    labels = [story.topic for story in stories]
    base = related.Settings()
    variants = {
        "blend (defaults)": base,
        "text only": dataclasses.replace(base, tag_weight=0.0),
        "tags only": dataclasses.replace(base, text_weight=0.0, tag_weight=1.0, min_score=0.05),
    }
    print(f"bench related: {len(documents)} BBC stories, 5 topics")
    for name, settings in variants.items():
        started = time.perf_counter()
        ranking = related.rank(documents, settings, threads=worker_count())
        elapsed = time.perf_counter() - started
        shown = sum(len(neighbours) for neighbours in ranking.neighbours)
        without = sum(1 for neighbours in ranking.neighbours if not neighbours)
        print(f"  {name:<17} precision@5 {related.precision_at_k(ranking, labels):.4f}   "
              f"related per story {shown / len(documents):.2f}   stories with none {without}   {elapsed:.2f} s")
    context = multiprocessing.get_context("spawn")
    for size in sizes:
        results = context.Queue()
        process = context.Process(target=_scale_run, args=(size, results))
        process.start()
        elapsed, added, per_story = results.get()
        process.join()
        print(f"  scale: {size} stories ranked in {elapsed:.2f} s, {added / 2**20:.0f} MiB added peak memory, "
              f"{per_story:.2f} related per story")
    return 0
