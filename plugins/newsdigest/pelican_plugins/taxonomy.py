"""Tag, section and source pages from one engine (newsdigest.taxonomy), replacing Pelican's tag pages.

Publishes `context["taxonomies"]` = {"tags": [...], "sections": [...], "sources": [...]}
and gives every article `tag_terms`, `section_term` and `source_term`. Writes, for
each kind, an index at /<kind>/ and a paginated page per term at /<kind>/<slug>/.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from newsdigest.taxonomy import Vocabulary, build_terms, fold

logger = logging.getLogger(__name__)

# kind -> (how to read an article's names, the article attribute that receives its terms, one term or many)
KINDS = {
    "tags": (lambda article: [tag.name for tag in getattr(article, "tags", [])], "tag_terms", False),
    "sections": (lambda article: [article.section] if getattr(article, "section", "") else [], "section_term", True),
    "sources": (lambda article: [article.source] if getattr(article, "source", "") else [], "source_term", True),
}
TITLES = {"tags": "Tags", "sections": "Sections", "sources": "Sources"}


def drop_pelican_tags(generator) -> None:
    """Pelican's own tag pages are replaced; emptying its table also skips its quadratic tag loop."""
    generator.tags = defaultdict(list)
    generator.context["tags"] = []


class TaxonomyGenerator(Generator):
    def generate_context(self):
        articles = list(self.context.get("articles", []))
        vocabulary_path = Path(self.path) / self.settings.get("TAXONOMY_VOCABULARY", "tags.yml")
        try:
            vocabulary = Vocabulary.load(vocabulary_path)
        except ValueError as error:
            logger.error("%s", error)
            vocabulary = Vocabulary()
        for warning in vocabulary.warnings:
            logger.warning("%s", warning)
        min_count = int(self.settings.get("TAXONOMY_MIN_COUNT", 1))
        related_limit = int(self.settings.get("TAXONOMY_RELATED_LIMIT", 8))
        taxonomies = {}
        wanted = self.settings.get("TAXONOMY_KINDS", list(KINDS))
        for kind, (names_of, attribute, single) in KINDS.items():
            if kind not in wanted:
                for article in articles:
                    setattr(article, attribute, None if single else [])
                continue
            terms, by_article = build_terms(
                kind, [(article, names_of(article)) for article in articles],
                vocabulary if kind == "tags" else None, min_count, related_limit)
            taxonomies[kind] = terms
            for index, article in enumerate(articles):
                found = by_article[index]
                setattr(article, attribute, (found[0] if found else None) if single else found)
        self.taxonomies = taxonomies
        self.context["taxonomies"] = taxonomies

    def generate_output(self, writer):
        index_template = self.get_template("terms")
        term_template = self.get_template("term")
        for kind, terms in self.taxonomies.items():
            listed = [term for term in terms if term.url]
            writer.write_file(
                f"{kind}/index.html", index_template, self.context, url=f"{kind}/", kind=kind,
                kind_title=TITLES[kind], terms=listed,
                terms_by_count=sorted(listed, key=lambda term: (-term.count, fold(term.name), term.slug)),
            )
            for term in listed:
                writer.write_file(
                    f"{term.url}index.html", term_template, self.context, paginated={"articles": term.articles},
                    template_name="term", url=term.url, term=term, kind=kind, kind_title=TITLES[kind],
                    articles=term.articles,
                )


def taxonomy_generator(pelican):
    return TaxonomyGenerator


def register():
    signals.article_generator_finalized.connect(drop_pelican_tags)
    signals.get_generators.connect(taxonomy_generator)
