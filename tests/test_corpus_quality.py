"""Ingest on real pages nobody tuned it for: the 506 pages of ../shared/corpora/boilerplate,
parsed once (conftest's boilerplate_parsed) and scored by the trafilatura project's published
method beside plain trafilatura in the same run; credits against the pages' bylines; the 181 pages
of ../shared/corpora/aeb by that benchmark's metric; suggested tags against an editor's and against
a stated junk rule; related stories shown between real pages a reader labelled. One module, so that
one worker ingests each real page once, for every test that reads it, and no other waits for it.
Skipped, saying why, when ../shared is absent."""

import pytest

from newsdigest.ingest.story import Story
from newsdigest.site import related
from newsdigest_bench import boilerplate, ingest as ingest_bench, related as related_bench, tagging as tag_fixtures

from conftest import AEB, BBC, BOILERPLATE, require_shared

pytestmark = pytest.mark.slow  # a corpus


@pytest.fixture(scope="module")
def scores(boilerplate_parsed) -> boilerplate.Scores:
    return boilerplate.score(BOILERPLATE, parsed=boilerplate_parsed)


@pytest.fixture(scope="module")
def aeb_stories() -> dict[str, Story | None]:
    require_shared(AEB)
    return ingest_bench.aeb_stories(AEB)


@pytest.fixture(scope="module")
def ingested_pages(boilerplate_parsed, aeb_stories) -> dict[str, Story | None]:
    """The real pages as `newsdigest ingest` reads a saved page (its bytes decoded as ingest decodes a
    file, with the address the corpus gives), by their path under the corpora, ingested once for
    every test here. An AEB page ingest refuses is left out: a reader of it reads it again (and fails)."""
    pages = {f"boilerplate/html/{name}.gz": page.story for name, page in boilerplate_parsed.items()}
    pages.update({f"aeb/html/{key}.html.gz": story for key, story in aeb_stories.items() if story is not None})
    return pages


def test_cleaner_than_trafilatura_on_the_boilerplate_corpus(scores):
    """The published method in one run: better than plain trafilatura on precision and on recall."""
    ours, theirs = scores.ours, scores.theirs
    assert ours.precision > theirs.precision, (ours.precision, theirs.precision)
    assert ours.recall > theirs.recall, (ours.recall, theirs.recall)


def test_no_boilerplate_page_fails_that_trafilatura_extracts(scores):
    assert scores.misses == []


def test_credits_on_real_pages_hold_their_ground(scores):
    """Credits on the 279 real pages with a byline (trafilatura: 53% exact, a stranger on 27%):
    issue 25 asks 75% exact and a stranger on at most 3%."""
    credited = scores.our_credits
    assert credited.pages >= 250
    assert credited.exact / credited.pages >= 0.75, credited.wrong
    assert credited.stranger / credited.pages <= 0.03, credited.wrong
    assert credited.exact > scores.their_credits.exact and credited.stranger < scores.their_credits.stranger


def test_the_editor_fixture_set_scores_precision_and_recall(ingested_pages):
    for corpus in (BBC, AEB):
        require_shared(corpus)
    fixtures = tag_fixtures.cases(parsed=ingested_pages)
    pages = [case for case in fixtures if case.name.startswith(("boilerplate/", "aeb/"))]
    assert len(fixtures) >= 100 and len(pages) >= 80
    assert sum(not case.story.lang.startswith("en") for case in pages) >= 30
    precision, recall, _ = tag_fixtures.score(fixtures, tag_fixtures.bbc_texts())
    # Floors under today's figures, so that the tagger only gets better; issue 25 asks 0.9 and 0.6,
    # which the real pages' stories (many languages, many kinds of page) are still far from.
    assert precision >= 0.6 and recall >= 0.5, (precision, recall)


def test_junk_is_at_most_two_per_cent_of_the_tags_suggested_on_real_pages(boilerplate_parsed):
    stories = {name: page.story for name, page in boilerplate_parsed.items()}
    junk = tag_fixtures.junk_share(tag_fixtures.corpus_stories(BOILERPLATE, parsed=stories))
    assert junk.suggested > 1500
    assert junk.share <= 0.02, (junk.share, junk.kinds(), junk.flagged[:20])


def test_aeb_body_quality_and_structure(aeb_stories):
    """The whole benchmark: body F1 stays at least 0.96, and stories keep their links and images."""
    f1, _, _, pages, structure = ingest_bench.aeb_quality(AEB, stories=aeb_stories)
    assert f1 >= 0.96, (f1, pages[:5])
    assert structure.pages == len(pages) == 181
    assert structure.with_link >= 0.7 * structure.pages and structure.with_image >= 0.5 * structure.pages
    assert structure.no_raw_tag == structure.no_entity == structure.pages, structure.problems


def test_shown_links_on_real_pages_labelled_by_a_reader_are_precise(ingested_pages):
    """Issue 30 on the 359 real pages the pairs name (ingested once, here), ranked as one site."""
    pairs = related_bench.labelled_pairs()
    assert len(pairs) >= 300 and sum(p.related for p in pairs) >= 50
    assert sum(not p.related for p in pairs) >= 200
    paths, documents = related_bench.read_labelled_site(pairs, workers=2, ingested=ingested_pages)
    scores = related_bench.pair_scores(related.rank(documents), paths, pairs)
    assert scores.precision >= 0.95, scores.wrong
    assert scores.recall >= 0.4, scores.recall
