"""Synthetic corpora for benchmarks, made from the real BBC articles in ../shared.

A helper, not a benchmark: it defines no `run`, so `newsdigest bench` does not list it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from newsdigest.content import frontmatter
from newsdigest.content.slugs import slugify
from newsdigest_bench import project_root

DEFAULT_BBC = project_root().parent / "shared" / "corpora" / "bbc"
SOURCES = ("BBC News", "Wire Service", "The Courier", "Daily Ledger")
_CAPITALISED = re.compile(r"\b([A-Z][a-z]{3,}(?: [A-Z][a-z]+)*)\b")


@dataclass(frozen=True)
class Story:
    topic: str
    headline: str
    paragraphs: tuple[str, ...]


def read_bbc(folder: Path = DEFAULT_BBC) -> list[Story]:
    """Every BBC article as (topic, headline, paragraphs), in a fixed order."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is absent: the BBC corpus lives in ../shared/corpora/bbc")
    stories = []
    for path in sorted(folder.glob("*/*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        blocks = [block.strip() for block in text.split("\n\n") if block.strip()]
        if len(blocks) < 2:
            continue
        stories.append(Story(topic=path.parent.name, headline=blocks[0], paragraphs=tuple(blocks[1:])))
    return stories


def simple_tags(story: Story, limit: int = 5) -> list[str]:
    """Recurring capitalised names in the text: a deterministic tagger for synthetic corpora."""
    counts: dict[str, int] = {}
    for match in _CAPITALISED.finditer(" ".join(story.paragraphs)):
        counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    ranked = sorted((name for name, count in counts.items() if count >= 2), key=lambda name: (-counts[name], name))
    return [story.topic.title(), *ranked[: limit - 1]]


def ingest_tagger(stories: list[Story]):
    """The tags ingest would suggest (places, recurring names, distinctive terms), against this corpus."""
    from newsdigest.ingest import story as ingest_story, tagging

    texts = [f"{story.headline} {' '.join(story.paragraphs)}" for story in stories]
    tagger = tagging.Tagger(document_frequency=tagging.document_frequency(texts), corpus_size=len(texts))
    chosen: dict[int, list[str]] = {}

    def tags(story: Story) -> list[str]:
        if id(story) not in chosen:  # a story recurs in larger corpora: tag it once
            chosen[id(story)] = tagger.tags(
                ingest_story.Story(
                    title=story.headline, subtitle=story.paragraphs[0], paragraphs=list(story.paragraphs[1:])
                )
            )
        return chosen[id(story)]

    return tags


@dataclass(frozen=True)
class GeneratedArticle:
    relative_path: str
    metadata: dict
    body: str


def generate(
    count: int, stories: list[Story], start: dt.date = dt.date(2021, 1, 1), years: int = 4, tagger=simple_tags
) -> list[GeneratedArticle]:
    """`count` articles cycling through `stories`, dates spread evenly over `years` years."""
    span_minutes = years * 365 * 24 * 60
    articles = []
    for index in range(count):
        story = stories[index % len(stories)]
        round_ = index // len(stories)
        headline = story.headline if round_ == 0 else f"{story.headline} (update {round_})"
        moment = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC) + dt.timedelta(
            minutes=span_minutes * index // max(count, 1)
        )
        paragraphs = story.paragraphs
        if round_:  # a later story on the same subject, not a copy: reordered, with another story's paragraphs
            companion = stories[(index * 7 + round_) % len(stories)].paragraphs
            body = list(paragraphs[1:])
            shift = round_ % max(len(body), 1)
            paragraphs = (paragraphs[0], *body[shift:], *body[:shift], *companion[1:4])
        metadata = {
            "title": headline,
            "subtitle": paragraphs[0],
            "date": moment.isoformat(),
            "source": SOURCES[index % len(SOURCES)],
            "section": story.topic.title(),
            "tags": tagger(story),
        }
        slug = slugify(headline)
        articles.append(
            GeneratedArticle(
                relative_path=f"articles/{moment:%Y/%m}/{slug}-{index}.md",
                metadata=metadata,
                body="\n\n".join(paragraphs[1:]) or paragraphs[0],
            )
        )
    return articles


def write_front_matter_corpus(articles: list[GeneratedArticle], content: Path) -> None:
    """The corpus as newsdigest content: YAML front matter."""
    for article in articles:
        path = content / article.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(frontmatter.dump(article.metadata, article.body), encoding="utf-8")


def write_pelican_corpus(articles: list[GeneratedArticle], content: Path) -> None:
    """The same corpus in Pelican's native `Key: value` Markdown header."""
    for article in articles:
        meta = article.metadata
        header = [
            f"Title: {meta['title']}",
            f"Date: {meta['date']}",
            f"Summary: {meta['subtitle']}",
            f"Category: {meta['section']}",
            f"Tags: {', '.join(tag.replace(',', ' ') for tag in meta['tags'])}",
            f"Authors: {meta['source']}",
            f"Slug: {Path(article.relative_path).stem}",
        ]
        path = content / article.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(header) + "\n\n" + article.body + "\n", encoding="utf-8")
