"""`newsdigest bench related`: quality on the real BBC corpus, and speed and memory at scale.

Quality: the BBC corpus is ingested as a curator would, by `newsdigest ingest` (so tags come
from ingest's tagger, and copies are dropped), in topic-mixed batches on successive dates.
The stories are then ranked, and the benchmark prints coverage (the share of stories with
3 or more related stories, and with none), mean precision@5 (the share of related stories
in the story's own topic, which the ranking never sees), and the share of links made by
shared tags alone; for the defaults, text only, and the former absolute cut-off, side by side.
Labelled pairs: the pages named in tests/fixtures/related-pairs.yml (real pages of
../shared/corpora, read at run time) ranked as one site; precision of the links shown between
labelled pairs, recall of the related pairs, and the share of stories with no computed list.
Scale: ranking N synthetic stories in a fresh process each, wall time and added peak memory.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import resource
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from newsdigest.content import frontmatter
from newsdigest.site import related
from newsdigest.workers import worker_count
from newsdigest_bench import corpus, project_root, saved_pages

if TYPE_CHECKING:
    from newsdigest.ingest.story import Story

describe = (
    "coverage and precision@5 of related stories on the ingested BBC corpus, and ranking time and memory at scale"
)
PROJECT = project_root()
BATCHES = 10
BUDGETS = {10_000: 5.0, 50_000: 60.0}  # seconds, issue 18
CORPORA = PROJECT.parent / "shared" / "corpora"
LABELS = PROJECT / "tests" / "fixtures" / "related-pairs.yml"


@dataclasses.dataclass(frozen=True)
class Pair:
    a: str  # a page's path under ../shared/corpora
    b: str
    related: bool
    why: str


def labelled_pairs(path: Path = LABELS) -> list[Pair]:
    return [Pair(**entry) for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]]


def _read_page(args: tuple[str, str]) -> related.StoryText:
    path, url = args
    return story_text(saved_pages.story(CORPORA / path, url))


def story_text(story: Story) -> related.StoryText:
    """What the ranking reads of a page ingested as a story."""
    body = " ".join(story.plain_paragraphs) if story.plain_paragraphs else story.body
    return related.StoryText(story.title, story.subtitle, body, (), 0.0, story.lang)


def page_urls(root: Path = CORPORA) -> dict[str, str]:
    """Each corpus page's address (its path under `root` -> URL), from the corpora's own indexes."""
    import json

    urls = {
        f"boilerplate/html/{name}.gz": entry["url"]
        for name, entry in json.loads((root / "boilerplate" / "annotations.json").read_text()).items()
    }
    urls.update(
        (f"aeb/html/{name}.html.gz", entry["url"])
        for name, entry in json.loads((root / "aeb" / "ground-truth.json").read_text()).items()
    )
    return urls


def read_labelled_site(
    pairs: list[Pair], workers: int = 1, ingested: Mapping[str, Story | None] | None = None
) -> tuple[list[str], list[related.StoryText]]:
    """The pages the pairs name, each ingested as a story (in worker processes); `ingested`: pages
    already through ingest by their path under the corpora (bytes decoded as ingest decodes a file,
    with the address the corpus gives), read from there instead."""
    paths = sorted({pair.a for pair in pairs} | {pair.b for pair in pairs})
    ingested = ingested or {}
    urls = page_urls()
    unread = [path for path in paths if ingested.get(path) is None]
    read: dict[str, related.StoryText] = {}
    if unread:
        with multiprocessing.get_context("spawn").Pool(max(1, min(workers, len(unread)))) as pool:
            read = dict(
                zip(unread, pool.map(_read_page, [(path, urls[path]) for path in unread], chunksize=8), strict=True)
            )
    documents = []
    for path in paths:
        story = ingested.get(path)
        documents.append(read[path] if story is None else story_text(story))
    return paths, documents


@dataclasses.dataclass(frozen=True)
class PairScores:
    precision: float  # share of shown links between labelled pairs that are related
    recall: float  # share of related pairs shown
    shown: int
    wrong: list[Pair]
    without_list: float  # share of the site's stories with no computed list


def pair_scores(ranking: related.Ranking, paths: list[str], pairs: list[Pair]) -> PairScores:
    position = {path: index for index, path in enumerate(paths)}
    linked = {
        frozenset((row, neighbour.index))
        for row, neighbours in enumerate(ranking.neighbours)
        for neighbour in neighbours
    }
    shown = [pair for pair in pairs if frozenset((position[pair.a], position[pair.b])) in linked]
    right = sum(pair.related for pair in shown)
    return PairScores(
        right / len(shown) if shown else float("nan"),
        right / max(sum(pair.related for pair in pairs), 1),
        len(shown),
        [pair for pair in shown if not pair.related],
        sum(not row for row in ranking.neighbours) / max(len(ranking.neighbours), 1),
    )


def add_arguments(parser) -> None:
    parser.add_argument("--sizes", default="10000,50000", help="comma-separated corpus sizes (default: %(default)s)")


def ingest_in_batches(content: Path, folder: Path = corpus.DEFAULT_BBC, batches: int = BATCHES) -> None:
    """Ingest the corpus into `content`: files dealt round-robin across topics, then into
    `batches` batches, each ingested with its own date, as a week or two of a curator's work."""
    from newsdigest.ingest import Options, ingest

    by_topic = [sorted(topic.glob("*.txt")) for topic in sorted(folder.iterdir()) if topic.is_dir()]
    mixed = [path for round_ in zip(*by_topic, strict=False) for path in round_]
    longest = max(len(files) for files in by_topic)
    mixed += [
        files[i] for i in range(min(len(files) for files in by_topic), longest) for files in by_topic if i < len(files)
    ]
    for batch in range(batches):
        options = Options(
            content=content, date=dt.datetime(2005, 1, 3 + batch, 12), site_timezone="Europe/London", source="BBC News"
        )
        ingest([str(path) for path in mixed[batch::batches]], options)


def read_stories(content: Path) -> tuple[list[related.StoryText], list[str]]:
    """The ingested stories as documents, and each one's topic (the folder it came from)."""
    documents, topics = [], []
    for path in sorted(content.rglob("*.md")):
        story = frontmatter.parse(path.read_text(encoding="utf-8"))
        meta = story.metadata
        documents.append(
            related.StoryText(
                meta["title"],
                meta.get("subtitle", ""),
                story.body,
                tuple(meta.get("tags", [])),
                dt.datetime.fromisoformat(meta["date"]).timestamp(),
                meta.get("lang", ""),
            )
        )
        topics.append(Path(meta["ingested_from"]).parent.name)
    return documents, topics


@dataclasses.dataclass(frozen=True)
class Quality:
    precision: float
    with_three: float  # share of stories with 3 or more related stories
    with_none: float
    per_story: float
    by_tags_only: float  # share of links made by shared tags alone


def quality(ranking: related.Ranking, topics: list[str], settings: related.Settings) -> Quality:
    count = len(ranking.neighbours)
    links = [neighbour for row in ranking.neighbours for neighbour in row]
    return Quality(
        related.precision_at_k(ranking, topics),
        sum(len(row) >= 3 for row in ranking.neighbours) / count,
        sum(not row for row in ranking.neighbours) / count,
        len(links) / count,
        sum(related.made_by_tags(n, settings) for n in links) / max(len(links), 1),
    )


def _scale_run(size: int, results) -> None:
    articles = corpus.generate(size, corpus.read_bbc())
    documents = [
        related.StoryText(a.metadata["title"], a.metadata["subtitle"], a.body, tuple(a.metadata["tags"][1:]), float(i))
        for i, a in enumerate(articles)
    ]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    ranking = related.rank(documents, threads=worker_count())
    elapsed = time.perf_counter() - started
    added = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    results.put((elapsed, added * 1024, sum(len(n) for n in ranking.neighbours) / size))


def run(args) -> int:
    sizes = [int(size) for size in str(getattr(args, "sizes", "10000,50000")).split(",") if size]
    started = time.perf_counter()
    pairs = labelled_pairs()
    paths, pages = read_labelled_site(pairs, worker_count())
    scores = pair_scores(related.rank(pages, threads=worker_count()), paths, pairs)
    print(
        f"bench related: {len(pairs)} labelled pairs ({sum(p.related for p in pairs)} related) over {len(paths)} "
        f"real pages ({time.perf_counter() - started:.1f} s): precision {scores.precision:.3f} "
        f"({scores.shown} links shown), recall {scores.recall:.3f}, stories with no computed list "
        f"{scores.without_list:.1%}"
    )
    for pair in scores.wrong:
        print(f"  shown but unrelated: {pair.a} / {pair.b} ({pair.why})")
    with tempfile.TemporaryDirectory(prefix="bench-related-") as folder:
        content = Path(folder) / "content"
        content.mkdir()
        started = time.perf_counter()
        ingest_in_batches(content)
        documents, topics = read_stories(content)
    print(
        f"bench related: {len(documents)} BBC stories ingested in {BATCHES} topic-mixed batches "
        f"({time.perf_counter() - started:.1f} s), 5 topics"
    )
    base = related.Settings()
    variants = {
        "defaults": base,
        "no evidence bars": dataclasses.replace(base, text_bar=0.0, lead_bar=0.0, unrelated_factor=0.0),
    }
    for name, settings in variants.items():
        started = time.perf_counter()
        ranking = related.rank(documents, settings, threads=worker_count())
        elapsed = time.perf_counter() - started
        measured = quality(ranking, topics, settings)
        print(
            f"  {name:<17} precision@5 {measured.precision:.4f}   with 3+ related {measured.with_three:.1%}   "
            f"with none {measured.with_none:.1%}   related per story {measured.per_story:.2f}   "
            f"{elapsed:.2f} s"
        )
    context = multiprocessing.get_context("spawn")
    for size in sizes:
        results = context.Queue()
        process = context.Process(target=_scale_run, args=(size, results))
        process.start()
        elapsed, added, per_story = results.get()
        process.join()
        print(
            f"  scale: {size} stories ranked in {elapsed:.2f} s (budget {BUDGETS.get(size, float('nan')):.0f} s), "
            f"{added / 2**20:.0f} MiB added peak memory, {per_story:.2f} related per story"
        )
    return 0
