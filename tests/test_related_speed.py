"""Related stories at scale (issue 30): the parts that keep a large site's ranking fast give the
same links as the slow way wherever they must. Speed itself is measured by `newsdigest bench
related`, never here."""

import random

import numpy as np
from scipy import sparse

from newsdigest.site import related


def _unit_rows(rows: list[dict[int, float]], width: int) -> sparse.csr_matrix:
    matrix = sparse.lil_matrix((len(rows), width), dtype=np.float32)
    for row, entries in enumerate(rows):
        for column, value in entries.items():
            matrix[row, column] = value
    return related.unit_rows(matrix.tocsr())


def test_candidates_are_found_by_the_words_too_common_to_single_out_a_neighbourhood_left_out():
    generator = random.Random(3)
    neighbourhood = 5
    spread = related.CANDIDATE_WORD_SPREAD * neighbourhood
    count = int(spread) * 3
    # column 0: a word in every story; column 1: in just over the spread; 2 and up: rare words
    rows = []
    for row in range(count):
        entries = {0: 1.0, 2 + row % 40: 2.0, 2 + generator.randrange(40): 1.0}
        if row <= spread:
            entries[1] = 1.5
        rows.append(entries)
    texts = _unit_rows(rows, 42)
    candidates = related.candidate_vectors(texts, neighbourhood)
    frequency = np.bincount(candidates.indices, minlength=42)
    assert frequency[0] == 0 and frequency[1] == 0  # in more stories than the spread: left out
    assert (frequency[2:] == np.bincount(texts.indices, minlength=42)[2:]).all()
    lengths = np.sqrt(np.asarray(candidates.multiply(candidates).sum(axis=1)).ravel())
    assert np.allclose(lengths, 1.0, atol=1e-5)  # of unit length again: copies still score 1


def test_a_site_whose_words_are_all_in_few_neighbourhoods_keeps_every_word_for_its_candidates():
    widest = int(related.CANDIDATE_WORD_SPREAD * 5)  # the most stories a word may be in, at 5 a neighbourhood
    texts = _unit_rows([{row % 10: 1.0, 10 + row % 3: 1.0} for row in range(3 * widest)], 13)
    assert related.candidate_vectors(texts, 5) is texts


def test_pair_similarity_is_each_pairs_cosine_whichever_way_round_and_however_often_it_comes():
    generator = np.random.default_rng(5)
    matrix = related.unit_rows(sparse.random(60, 80, density=0.2, format="csr", random_state=7, dtype=np.float32))
    rows = generator.integers(0, 60, 500)
    cols = generator.integers(0, 60, 500)
    rows, cols = np.concatenate([rows, cols, rows[:5]]), np.concatenate([cols, rows, cols[:5]])
    dense = matrix.toarray()
    expected = np.einsum("ij,ij->i", dense[rows], dense[cols])
    found = related._pair_similarity(matrix, rows, cols, chunk=97)
    assert found.shape == (len(rows),) and np.allclose(found, expected, atol=1e-5)
    assert related._pair_similarity(matrix, rows[:0], cols[:0]).shape == (0,)


def test_areas_computed_meanwhile_in_another_process_are_those_computed_here():
    generator = np.random.default_rng(11)
    count = max(related.MIN_ITEMS_FOR_WORKERS, 240)
    groups = np.arange(count) % 4  # four subjects: each story alike within its own
    vectors = np.eye(4, dtype=np.float32)[groups] + 0.05 * generator.random((count, 4), dtype=np.float32)
    similarity = sparse.csr_matrix(vectors @ vectors.T / np.linalg.norm(vectors, axis=1) ** 2)
    product = similarity.copy()
    related.keep_top_rows(product, 20)  # rows not sorted: a stand-in graph is all the areas need
    settings = related.Settings(community_neighbours=10)
    here = related.coverage_areas(product, count, settings)
    meanwhile = related.coverage_areas_meanwhile(product, count, settings, threads=2)
    assert (meanwhile() == here).all()
    assert (related.coverage_areas_meanwhile(product, count, settings, threads=1)() == here).all()
