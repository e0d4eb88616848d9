"""The boilerplate benchmark (../shared/corpora/boilerplate, 506 real pages in many languages):
passages a clean extraction keeps and furniture it drops, scored by the published method of
the trafilatura project, for our stories and, in the same run, for plain `trafilatura.extract`
with that project's benchmark settings; and bylines against the 279 pages that have one.

A helper of `newsdigest bench ingest`, not a benchmark of its own (it defines no `run`).
"""

from __future__ import annotations

import copy
import gzip
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from trafilatura.settings import DEFAULT_CONFIG

from newsdigest.ingest import IngestError, html_page, reading
from newsdigest.ingest.story import Story, safe_markdown
from newsdigest_bench.corpus import DEFAULT_BBC

DEFAULT_BOILERPLATE = DEFAULT_BBC.parent / "boilerplate"
_SPACE = re.compile(r"\s+")
_AUTHOR_SPLIT = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    data: bytes
    keep: tuple[str, ...]
    drop: tuple[str, ...]
    byline: tuple[str, ...] | None  # the expected authors, where the corpus gives them


@dataclass
class Counts:
    """The published method's four counts, summed over pages."""

    true_positive: int = 0
    false_negative: int = 0
    false_positive: int = 0
    true_negative: int = 0
    failed: list[str] = field(default_factory=list)

    def add(self, page: Page, text: str | None) -> None:
        if text is None:
            self.failed.append(page.name)
            text = ""
        text = normalised(text)
        for passage in page.keep:
            found = normalised(passage) in text
            self.true_positive += found
            self.false_negative += not found
        for passage in page.drop:
            found = normalised(passage) in text
            self.false_positive += found
            self.true_negative += not found

    @property
    def precision(self) -> float:
        return self.true_positive / max(self.true_positive + self.false_positive, 1)

    @property
    def recall(self) -> float:
        return self.true_positive / max(self.true_positive + self.false_negative, 1)

    @property
    def f1(self) -> float:
        return 2 * self.precision * self.recall / max(self.precision + self.recall, 1e-9)


def normalised(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def pages(folder: Path = DEFAULT_BOILERPLATE) -> Iterator[Page]:
    annotations = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
    for name, entry in sorted(annotations.items()):
        author = entry.get("author")  # "A; B", or a list of names
        if isinstance(author, str):
            author = _AUTHOR_SPLIT.split(author.strip())
        yield Page(
            name=name,
            url=entry.get("url", ""),
            data=gzip.decompress((folder / "html" / f"{name}.gz").read_bytes()),
            keep=tuple(entry.get("with", ())),
            drop=tuple(entry.get("without", ())),
            byline=tuple(name.strip() for name in author) if author else None,
        )


@dataclass(frozen=True)
class Ours:
    """What a reader sees of one page ingested as a story, and who it credits."""

    text: str | None
    authors: tuple[str, ...]


def our_story(page: Page) -> Story | None:
    """The page as `newsdigest ingest` makes it a story, or None when ingest refuses it."""
    try:
        return html_page.parse(reading.decode(page.data), page.url or None)
    except IngestError:
        return None


def shown(story: Story | None) -> Ours:
    """What a reader sees of a story (headline, standfirst, rendered body) and whom it credits."""
    from newsdigest_bench.ingest import shown_text  # one renderer for every benchmark of ingest

    if story is None:
        return Ours(None, ())
    body = shown_text("\n\n".join(safe_markdown(paragraph) for paragraph in story.paragraphs))
    return Ours("\n".join([story.title, story.subtitle, body]), tuple(story.authors))


def ours(page: Page) -> Ours:
    return shown(our_story(page))


@dataclass(frozen=True)
class Parsed:
    """One page through both extractors: our story, and trafilatura's text and authors."""

    story: Story | None
    trafilatura: str | None
    trafilatura_authors: tuple[str, ...]


def parse_all(folder: Path = DEFAULT_BOILERPLATE) -> dict[str, Parsed]:
    """Every page of the corpus through both extractors, by name (what every score reads)."""
    config = benchmark_config()
    return {
        page.name: Parsed(
            our_story(page),
            trafilatura_text(page, config),
            trafilatura_authors(page) if page.byline is not None else (),
        )
        for page in pages(folder)
    }


def benchmark_config():
    """trafilatura's own evaluation settings: no minimum sizes, everything else as shipped."""
    config = copy.deepcopy(DEFAULT_CONFIG)
    config["DEFAULT"]["MIN_OUTPUT_SIZE"] = "0"
    config["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "0"
    return config


def trafilatura_text(page: Page, config=None) -> str | None:
    return trafilatura.extract(page.data, url=page.url or None, config=config or benchmark_config())


def trafilatura_authors(page: Page) -> tuple[str, ...]:
    tree = trafilatura.load_html(page.data)  # decoded by trafilatura itself, as extract() does
    found = trafilatura.extract_metadata(tree, default_url=page.url or None) if tree is not None else None
    return tuple(_AUTHOR_SPLIT.split(found.author)) if found and found.author else ()


@dataclass
class Credits:
    """Bylines on the pages that have one: exactly right, and pages crediting a stranger."""

    pages: int = 0
    exact: int = 0
    stranger: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, page: Page, authors: tuple[str, ...]) -> None:
        if page.byline is None:
            return
        expected, given = _people(page.byline), _people(authors)
        self.pages += 1
        self.exact += given == expected
        self.stranger += bool(given - expected)
        if given != expected:
            self.wrong.append(f"{page.name}: {'; '.join(authors) or '(none)'} for {'; '.join(page.byline)}")

    def share(self, count: int) -> str:
        return f"{count}/{self.pages} ({count / max(self.pages, 1):.0%})"


# How the corpus writes several people in one byline, and what it sometimes writes around them.
_CREDIT_SPLIT = re.compile(r"\s*(?:[,;&]|\s/\s|\b(?:and|und|et|y)\b)\s*", re.IGNORECASE)
_CREDIT_LEAD = re.compile(r"^(?:by|von|par|por|di|door)\s+", re.IGNORECASE)
_CREDIT_TAIL = re.compile(r"\s+(?:for|from)\s.*$|[\s.:]+$", re.IGNORECASE)
_DEGREES = frozenset(("phd", "ph.d.", "md", "m.d.", "mba", "msc", "bsc", "rn"))


def _people(listed: tuple[str, ...]) -> set[str]:
    """The people a list of credits names, compared case-blind. The corpus gives some bylines as
    raw strings ("Benjamin Fischer und Marcus Theurer", "Michael L. Anderson, PhD", "Glen Owen And
    Brendan Carlin For The Mail On Sunday"), so every credit, expected or given, ours or
    trafilatura's, is read by this one rule, independent of ingest's byline reader: split on
    commas, "&", " / " and the word "and" in four languages; without a leading "By"/"Von", a
    trailing "for/from <outlet>", or a degree."""
    people = set()
    for credit in listed:
        for part in _CREDIT_SPLIT.split(normalised(credit)):
            name = _CREDIT_TAIL.sub("", _CREDIT_LEAD.sub("", part)).casefold()
            if name and name not in _DEGREES:
                people.add(name)
    return people


@dataclass
class Scores:
    ours: Counts
    theirs: Counts
    our_credits: Credits
    their_credits: Credits
    misses: list[str]  # pages where we fail or lose a passage trafilatura keeps


def score(
    folder: Path = DEFAULT_BOILERPLATE,
    parsed: Mapping[str, Parsed] | None = None,
    on_page: Callable[[Page, Ours, str | None], None] = lambda page, ours, theirs: None,
) -> Scores:
    """Both extractors over every page, in one run (`parsed`: the pages already through both)."""
    scores = Scores(Counts(), Counts(), Credits(), Credits(), [])
    config = benchmark_config()
    for page in pages(folder):
        if parsed is None:
            mine, theirs = ours(page), trafilatura_text(page, config)
            their_authors = trafilatura_authors(page) if page.byline is not None else ()
        else:
            mine, theirs, their_authors = (
                shown(parsed[page.name].story),
                parsed[page.name].trafilatura,
                parsed[page.name].trafilatura_authors,
            )
        scores.ours.add(page, mine.text)
        scores.theirs.add(page, theirs)
        scores.our_credits.add(page, mine.authors)
        scores.their_credits.add(page, their_authors)
        if theirs is not None and mine.text is None:
            scores.misses.append(f"{page.name}: fails here, trafilatura extracts it")
        on_page(page, mine, theirs)
    return scores


def report(worst: int, folder: Path = DEFAULT_BOILERPLATE) -> None:
    """Print both extractors' scores and credits, and the pages where we do worse."""
    started = time.perf_counter()
    scores = score(folder)
    ours_, theirs = scores.ours, scores.theirs
    seconds = time.perf_counter() - started
    print(f"  boilerplate benchmark: {len(list(folder.glob('html/*.gz')))} pages ({seconds:.0f} s)")
    for name, counts in (("ours", ours_), ("trafilatura", theirs)):
        print(
            f"    {name:<12} precision {counts.precision:.3f}   recall {counts.recall:.3f}   F1 {counts.f1:.3f}   "
            f"failed {len(counts.failed)}"
        )
    better = ours_.precision > theirs.precision and ours_.recall > theirs.recall
    print(f"    ours {'better' if better else 'NOT better'} than trafilatura on both precision and recall")
    for miss in scores.misses[:worst]:
        print(f"    {miss}")
    for name, credited in (("ours", scores.our_credits), ("trafilatura", scores.their_credits)):
        print(
            f"    credits, {name:<12} exactly right {credited.share(credited.exact)}; "
            f"a name not in the byline {credited.share(credited.stranger)}"
        )
