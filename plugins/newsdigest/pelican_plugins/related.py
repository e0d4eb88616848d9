"""Related stories on every article (newsdigest.site.related): the curator's explicit "Related:"
references first, then ranked similar coverage up to RELATED_MAX.

Sets `article.related` to a list of RelatedStory (article, score, reason; or, for a
reference that matches no story, its text and URL) and `article.also_published`
to the near-identical copies from other sources (syndicated wire copy).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from newsdigest.build import record
from newsdigest.build.cache import RELATED_RANKING, RELATED_WORDS, BuildCache, code_fingerprint, store_path
from newsdigest.content import safe_urls
from newsdigest.paths import display_path
from newsdigest.site import related
from newsdigest.workers import worker_count

logger = logging.getLogger(__name__)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class RelatedStory:
    article: Article | None  # None: an explicit reference that matched no story
    score: float
    reason: str
    text: str = ""
    url: str = ""

    @property
    def explicit(self) -> bool:
        return self.reason == "explicit reference"

    def __digest__(self) -> str:
        """What a page shows of it (the score is not shown, and shifts with every edit elsewhere)."""
        return f"{self.article.url if self.article is not None else ''}|{self.reason}|{self.text}|{self.url}"


def _document(article) -> related.StoryText:
    tags = tuple(term.key for term in getattr(article, "tag_terms", None) or []) or tuple(
        tag.name for tag in getattr(article, "tags", [])
    )
    return related.StoryText(
        title=article.title,
        standfirst=getattr(article, "subtitle", ""),
        body=_TAGS.sub(" ", article._content or ""),
        tags=tags,
        timestamp=article.date.timestamp(),
        lang=article.metadata.get("lang", ""),
    )


def _listed(items) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def reason(neighbour: related.Neighbour, story, other, reports: int) -> str:
    """Why `other` is listed on `story`'s page, in words a reader can check: what the two share
    (the names both name, else the words both use most tellingly), and how they stand in time:
    the same event (several reports within three days), a follow-up or an earlier report."""
    about = (
        _listed(neighbour.shared_names or neighbour.shared_words)
        if (neighbour.shared_names or neighbour.shared_words)
        else "the same subject"
    )
    days = (other.date - story.date).total_seconds() / 86400.0
    if reports >= 3 and abs(days) <= 3:
        return f"Same event: {reports} reports on {about}"
    if days >= 1:
        return f"Follows up {round(days)} day{'s' if round(days) != 1 else ''} later, on {about}"
    if days <= -1:
        return f"Earlier report, {round(-days)} day{'s' if round(-days) != 1 else ''} before, on {about}"
    return f"Also about {about}"


class RelatedGenerator(Generator):
    def generate_context(self):
        articles = list(self.context.get("articles", []))
        settings = record.current().settings.related
        ranking = self._ranking([_document(article) for article in articles], settings)
        index = related.TitleIndex([a.title for a in articles], [a.slug for a in articles], settings.title_match)
        linked_to: list[set[int]] = [{n.index for n in row} for row in ranking.neighbours]
        for row, neighbours in enumerate(ranking.neighbours):
            for neighbour in neighbours:
                linked_to[neighbour.index].add(row)
        elsewhere = 0  # references to stories the digest does not hold: normal, not a problem
        for row, article in enumerate(articles):
            chosen, slips, unmatched = _explicit(article, row, articles, index)
            if slips:
                logger.warning(
                    "%s: related: %s (correct the headline, or keep it if it names a story not in the digest)",
                    display_path(article.source_path),
                    "; ".join(slips),
                )
            elsewhere += unmatched - len(slips)
            for neighbour in ranking.neighbours[row]:
                if len(chosen) >= settings.max_related:
                    break
                other = articles[neighbour.index]
                if all(item.article is not other for item in chosen):
                    reports = 2 + len(linked_to[row] & linked_to[neighbour.index])
                    chosen.append(RelatedStory(other, neighbour.score, reason(neighbour, article, other, reports)))
            article.related = chosen
            article.also_published = [articles[i] for i in ranking.duplicates[row]]
        if elsewhere:
            logger.info(
                "%d related: headlines name stories not in the digest (shown as text; they link once ingested)",
                elsewhere,
            )

    def _ranking(self, documents: list[related.StoryText], settings: related.Settings) -> related.Ranking:
        """The previous build's ranking when no headline, standfirst, body, tag or date changed
        (a note, a section, a template or a page edit), else a new one."""
        key = related.inputs_digest(documents, settings) + code_fingerprint()
        with BuildCache(store_path(self.settings["CACHE_PATH"])) as cache:
            found = cache.get_decoded(
                RELATED_RANKING, [key], lambda text: _checked(related.ranking_from_json(text), len(documents))
            )
            if key in found:
                ranking = found[key]
            else:
                # Each story's words are kept by its text: an edit reads one story's words again.
                keys = [related.text_key(document, settings.default_lang) for document in documents]
                known = cache.get_many(RELATED_WORDS, sorted(set(keys)))
                threads = worker_count(record.current().settings.parallel.workers)
                story_words = related.read_words(documents, settings.default_lang, threads, known)
                cache.put_many(
                    RELATED_WORDS,
                    {k: line for k, line in zip(keys, story_words.lines, strict=True) if k not in known},
                )
                ranking = related.rank(documents, settings, threads=threads, story_words=story_words)
                cache.put_many(RELATED_RANKING, {key: related.ranking_to_json(ranking)})
                cache.prune(RELATED_WORDS)
            cache.prune(RELATED_RANKING)
        return ranking


def _explicit(
    article, row: int, articles: list, index: related.TitleIndex
) -> tuple[list[RelatedStory], list[str], int]:
    """The story's own "Related:" references as RelatedStory, the likely typos among those that
    match no story ("'X' is not a headline here: did you mean 'Y'?"), and how many match none.

    Ingest copies the source page's related headlines, which match only once the curator ingests
    those stories too: an unmatched reference is normal, and is shown as text. One close to a
    headline of the digest is a slip worth a warning."""
    chosen: list[RelatedStory] = []
    slips: list[str] = []
    unmatched = 0
    for reference in getattr(article, "related_references", None) or []:
        found = index.find(reference)
        if found == row:
            slips.append(f"{str(reference)!r} is this story's own headline")
        if found is None or found == row:
            unmatched += 1
            near = index.nearest(reference) if found is None else None
            if near is not None and near != row:
                slips.append(f"{str(reference)!r} is not a headline here: did you mean {articles[near].title!r}?")
            url = safe_urls.web_url(reference) or ""
            chosen.append(RelatedStory(None, 0.0, "explicit reference", text=reference, url=url))
        elif all(item.article is not articles[found] for item in chosen):
            chosen.append(RelatedStory(articles[found], 1.0, "explicit reference"))
    return chosen, slips, unmatched


def _checked(ranking: related.Ranking, count: int) -> related.Ranking:
    """A ranking read from the cache, if it fits `count` stories (a damaged one is computed again)."""
    indices = [neighbour.index for row in ranking.neighbours for neighbour in row]
    indices += [index for row in ranking.duplicates for index in row]
    if (
        len(ranking.neighbours) != count
        or len(ranking.duplicates) != count
        or any(not (isinstance(index, int) and 0 <= index < count) for index in indices)
    ):
        raise ValueError("the cached ranking does not fit the stories")
    return ranking


def keep_references(article_generator, content=None) -> None:
    """Pelican sets `related` from front matter; keep the curator's references under their own name."""
    for article in article_generator.articles + article_generator.drafts + article_generator.hidden_articles:
        references = article.metadata.get("related", [])
        article.related_references = list(references) if isinstance(references, list) else [references]


def related_generator(pelican):
    return RelatedGenerator


def register():
    signals.article_generator_pretaxonomy.connect(keep_references)
    signals.get_generators.connect(related_generator)
