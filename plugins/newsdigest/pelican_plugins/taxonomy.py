"""Tag, section, source (and author) pages from one engine (newsdigest.site.taxonomy), replacing
Pelican's tag and author pages.

Publishes `context["taxonomies"]` = {"tags": [...], "sections": [...], "sources": [...], "authors": [...]}
and gives every article `tag_terms`, `section_term`, `source_term` and `author_terms`. Every kind
is folded, so a story shows its terms whatever TAXONOMY_KINDS says; only the kinds listed there
get pages (the others' terms have no URL and show unlinked): for each, an A-Z index at /<kind>/
and a paginated page per term at /<kind>/<slug>/.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from newsdigest.build import record
from newsdigest.site.taxonomy import Vocabulary, alphabetical, build_terms, most_covered

logger = logging.getLogger(__name__)

# kind -> (how to read an article's names, the article attribute that receives its terms, one term or many)
KINDS = {
    "tags": (lambda article: [tag.name for tag in getattr(article, "tags", [])], "tag_terms", False),
    "sections": (lambda article: [article.section] if getattr(article, "section", "") else [], "section_term", True),
    "sources": (lambda article: [article.source] if getattr(article, "source", "") else [], "source_term", True),
    # Only the authors the story's front matter names: Pelican fills in AUTHOR for the others.
    "authors": (lambda article: [author.name for author in article.metadata.get("authors", [])], "author_terms", False),
}
TITLES = {"tags": "Tags", "sections": "Sections", "sources": "Sources", "authors": "Authors"}


def drop_pelican_tags(generator) -> None:
    """Pelican's own tag pages are replaced; emptying its table also skips its quadratic tag loop."""
    generator.tags = defaultdict(list)
    generator.context["tags"] = []


class TaxonomyGenerator(Generator):
    def generate_context(self):
        articles = list(self.context.get("articles", []))
        read = record.current().settings.taxonomy
        vocabulary_path = Path(self.path) / read.vocabulary
        try:
            vocabulary = Vocabulary.load(vocabulary_path)
        except ValueError as error:
            logger.error("%s", error)
            vocabulary = Vocabulary()
        for warning in vocabulary.warnings:
            logger.warning("%s", warning)
        taxonomies = {}
        wanted = read.kinds
        for kind, (names_of, attribute, single) in KINDS.items():
            terms, by_article = build_terms(
                kind,
                [(article, names_of(article)) for article in articles],
                vocabulary if kind == "tags" else None,
                read.min_count if kind in wanted else float("inf"),
                read.related_limit,
            )
            taxonomies[kind] = terms
            for index, article in enumerate(articles):
                found = by_article[index]
                setattr(article, attribute, (found[0] if found else None) if single else found)
        self.taxonomies = taxonomies
        self.wanted = list(wanted)
        self.context["taxonomies"] = taxonomies
        self.context["taxonomy_titles"] = {kind: TITLES[kind] for kind in self.wanted}  # the site's term indexes

    def generate_output(self, writer):
        index_template = self.get_template("terms")
        term_template = self.get_template("term")
        top = record.current().settings.taxonomy.top_terms
        for kind in self.wanted:
            listed = [term for term in self.taxonomies[kind] if term.url]
            writer.write_file(
                f"{kind}/index.html",
                index_template,
                self.context,
                url=f"{kind}/",
                kind=kind,
                kind_title=TITLES[kind],
                terms=listed,
                letters=alphabetical(listed),
                top_terms=most_covered(listed, top),
            )
            for term in listed:
                writer.write_file(
                    f"{term.url}index.html",
                    term_template,
                    self.context,
                    paginated={"articles": term.articles},
                    template_name="term",
                    url=term.url,
                    term=term,
                    kind=kind,
                    kind_title=TITLES[kind],
                    articles=term.articles,
                )


def taxonomy_generator(pelican):
    return TaxonomyGenerator


def register():
    signals.article_generator_finalized.connect(drop_pelican_tags)
    signals.get_generators.connect(taxonomy_generator)
