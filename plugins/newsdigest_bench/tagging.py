"""Tag quality against an editor's choices: the fixture set in tests/fixtures/tagging.yml.

A helper, not a benchmark of its own (it defines no `run`): `newsdigest bench ingest` and
tests/test_tagging.py call `score`. Precision is the share of suggested tags that are in the
editor's set or among the variants the editor accepts; recall is the share of the editor's
set that was suggested. Tags compare folded (case, accents, punctuation aside).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from newsdigest.ingest import tagging
from newsdigest.ingest.story import Story
from newsdigest.site.taxonomy import fold
from newsdigest_bench import project_root
from newsdigest_bench.corpus import DEFAULT_BBC

FIXTURES = project_root() / "tests" / "fixtures" / "tagging.yml"


@dataclass(frozen=True)
class Case:
    name: str
    story: Story
    editor: tuple[str, ...]
    acceptable: tuple[str, ...]


@dataclass(frozen=True)
class Scored:
    case: Case
    suggested: tuple[str, ...]

    @property
    def correct(self) -> list[str]:
        wanted = {fold(tag) for tag in self.case.editor + self.case.acceptable}
        return [tag for tag in self.suggested if fold(tag) in wanted]

    @property
    def found(self) -> list[str]:
        suggested = {fold(tag) for tag in self.suggested}
        return [tag for tag in self.case.editor if fold(tag) in suggested]


def bbc_texts(bbc: Path = DEFAULT_BBC) -> list[str]:
    """The BBC corpus as ingest's background, when it is beside the checkout."""
    return [path.read_bytes().decode("utf-8", "replace") for path in sorted(bbc.glob("*/*.txt"))]


def cases(path: Path = FIXTURES, bbc: Path = DEFAULT_BBC) -> list[Case]:
    """The fixture stories; BBC ones only when the corpus is beside the checkout."""
    found = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        if "bbc" in entry:
            file = bbc / entry["bbc"]
            if not file.is_file():
                continue
            blocks = [
                block.strip() for block in file.read_bytes().decode("utf-8", "replace").split("\n\n") if block.strip()
            ]
            story, name = Story(title=blocks[0], subtitle=blocks[1], paragraphs=blocks[2:]), entry["bbc"]
        else:
            paragraphs = [line.strip() for line in entry["text"].splitlines() if line.strip()]
            story = Story(
                title=entry["title"],
                paragraphs=paragraphs,
                source=entry.get("source", ""),
                tags=list(entry.get("keywords", [])),
            )
            name = entry["title"]
        found.append(Case(name, story, tuple(entry["tags"]), tuple(entry.get("acceptable", []))))
    return found


def score(fixtures: list[Case], background: Sequence[str] = ()) -> tuple[float, float, list[Scored]]:
    """(precision, recall, each case scored), the tagger run as ingest runs it, on these stories in a
    content folder that already holds `background` (texts that make a term distinctive or ordinary)."""
    texts = [f"{case.story.title} {case.story.body}" for case in fixtures] + list(background)
    tagger = tagging.Tagger(document_frequency=tagging.document_frequency(texts), corpus_size=len(texts))
    scored = [Scored(case, tuple(tagger.tags(case.story))) for case in fixtures]
    suggested = sum(len(item.suggested) for item in scored)
    editor = sum(len(item.case.editor) for item in scored)
    precision = sum(len(item.correct) for item in scored) / suggested if suggested else 0.0
    return precision, sum(len(item.found) for item in scored) / editor, scored


def report() -> None:
    """Print the fixture set's precision and recall, and the cases with wrong or missed tags."""
    fixtures = cases()
    precision, recall, scored = score(fixtures, bbc_texts())
    print(f"  tags: {len(fixtures)} stories with an editor's tags: precision {precision:.3f}   recall {recall:.3f}")
    for item in scored:
        wrong = [tag for tag in item.suggested if tag not in item.correct]
        missed = [tag for tag in item.case.editor if tag not in item.found]
        if wrong:
            print(
                f"    {item.case.name[:50]}: not the editor's: {', '.join(wrong)}; missed: {', '.join(missed) or '-'}"
            )
