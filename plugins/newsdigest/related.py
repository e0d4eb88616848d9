"""Related stories: explicit references resolved by title, then ranked similar coverage.

Plain functions, no Pelican. Ranking blends TF-IDF cosine similarity of the text
(headline weighted up) with overlap of rare tags, optionally decayed by distance
in time. Similarities are computed a block of rows at a time against sparse
vectors, keeping only each row's top candidates: never an n x n matrix.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

# scipy, scikit-learn and sparse_dot_topn (1.5 s to import) are imported where a ranking is
# computed: a build that reuses the cached ranking never needs them.

_QUOTES_AND_DASHES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-"})
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_title(title: str) -> str:
    """A headline reduced to lower-case words: case, accents, quotes, dashes and punctuation ignored."""
    text = unicodedata.normalize("NFKD", str(title).translate(_QUOTES_AND_DASHES))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(_NOT_WORD.sub(" ", text.replace("'", "")).split())


class TitleIndex:
    """Finds a story by headline (exact after normalising, then fuzzy above a threshold) or by slug."""

    def __init__(self, titles: list[str], slugs: list[str], threshold: float = 90.0):
        self.threshold = threshold
        self._normalised = [normalise_title(title) for title in titles]
        self._by_title: dict[str, int] = {}
        for index, key in enumerate(self._normalised):
            self._by_title.setdefault(key, index)
        self._by_slug = {slug: index for index, slug in enumerate(slugs)}

    def find(self, reference: str) -> int | None:
        reference = str(reference).strip()
        if reference in self._by_slug:
            return self._by_slug[reference]
        key = normalise_title(reference)
        if key in self._by_title:
            return self._by_title[key]
        if not key or not self._normalised:
            return None
        match = process.extractOne(key, self._normalised, scorer=fuzz.ratio, score_cutoff=self.threshold)
        return match[2] if match else None


@dataclass(frozen=True)
class Document:
    title: str
    standfirst: str
    body: str
    tags: tuple[str, ...]
    timestamp: float  # seconds since the epoch


@dataclass(frozen=True)
class Settings:
    max_related: int = 5
    text_weight: float = 1.0
    tag_weight: float = 0.3  # how much shared rare tags raise text similarity
    title_weight: float = 0.2  # the headline's vector added again to the story's, at this weight
    min_score: float = 0.15
    duplicate_threshold: float = 0.9  # text similarity at or above this: the same story
    common_tag_share: float = 0.2  # tags on more than this share of stories count for nothing
    decay_days: float | None = None  # half-life of relatedness across time; None: no decay


@dataclass(frozen=True)
class Neighbour:
    index: int
    score: float
    text_score: float
    shared_tags: tuple[str, ...]


@dataclass
class Ranking:
    neighbours: list[list[Neighbour]] = field(default_factory=list)
    duplicates: list[list[int]] = field(default_factory=list)


def text_vectors(documents: list[Document], title_weight: float) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """(blended, body) TF-IDF rows of unit length, from one pass over the text: the body alone
    tells copies apart; the blend, with the headline counted again, ranks relatedness."""
    # Words in over half the stories say nothing about any one of them, but only a corpus of some
    # size can tell which words those are.
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
    from sklearn.preprocessing import normalize

    max_df = 0.5 if len(documents) >= 50 else 1.0
    counter = CountVectorizer(stop_words="english", max_df=max_df, dtype=np.float32,
                              token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b")
    try:
        full = counter.fit_transform([f"{doc.title} {doc.standfirst} {doc.body}" for doc in documents])
    except ValueError:  # no usable words at all (tiny or empty corpus)
        empty = sparse.csr_matrix((len(documents), 1), dtype=np.float32)
        return empty, empty
    titles = counter.transform([doc.title for doc in documents])
    weighting = TfidfTransformer(sublinear_tf=True).fit(full)
    blended = normalize(weighting.transform(full + title_weight * titles))
    body = normalize(weighting.transform(full - titles))
    return blended.astype(np.float32).tocsr(), body.astype(np.float32).tocsr()


def tag_vectors(documents: list[Document], common_share: float) -> tuple[sparse.csr_matrix, list[str]]:
    from scipy import sparse
    from sklearn.preprocessing import normalize

    names = sorted({tag for doc in documents for tag in doc.tags})
    column = {name: position for position, name in enumerate(names)}
    rows, cols = [], []
    for row, doc in enumerate(documents):
        for tag in set(doc.tags):
            rows.append(row)
            cols.append(column[tag])
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                               shape=(len(documents), max(len(names), 1)))
    count = len(documents)
    frequency = np.asarray(matrix.sum(axis=0)).ravel()
    weights = np.where(frequency / max(count, 1) > common_share, 0.0, np.log((1 + count) / (1 + frequency)) + 1)
    return normalize(matrix @ sparse.diags(weights.astype(np.float32))).tocsr(), names


def _pair_similarity(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray,
                     chunk: int = 50_000) -> np.ndarray:
    """Cosine similarity of each (row, col) pair of unit-length rows, a chunk of pairs at a time."""
    result = np.zeros(len(rows), dtype=np.float32)
    for start in range(0, len(rows), chunk):
        stop = start + chunk
        products = matrix[rows[start:stop]].multiply(matrix[cols[start:stop]])
        result[start:stop] = np.asarray(products.sum(axis=1), dtype=np.float32).ravel()
    return result


def rank(documents: list[Document], settings: Settings = Settings(), threads: int = 1) -> Ranking:
    """For each document, its best related documents (and its near-identical copies).

    Candidates come from a sparse top-k product (sparse_dot_topn) of the text vectors
    (or the tag vectors, when text has no weight); tag overlap, copies and recency are
    then scored for those pairs only."""
    from sparse_dot_topn import sp_matmul_topn

    count = len(documents)
    ranking = Ranking([[] for _ in range(count)], [[] for _ in range(count)])
    if count < 2:
        return ranking
    texts, bodies = text_vectors(documents, settings.title_weight)
    tags, _ = tag_vectors(documents, settings.common_tag_share)
    candidates_per_row = settings.max_related + 16
    base = texts if settings.text_weight else tags
    best_factor = settings.text_weight + settings.tag_weight if settings.text_weight else settings.tag_weight
    floor = min(settings.min_score / best_factor if best_factor else 0.0, settings.duplicate_threshold * 0.8)
    product = sp_matmul_topn(base, base.T.tocsr(), top_n=candidates_per_row + 1, threshold=floor,
                             n_threads=max(1, threads)).tocoo()
    keep = product.row != product.col  # never itself
    rows, cols, base_scores = product.row[keep], product.col[keep], product.data[keep].astype(np.float32)
    tag_scores = _pair_similarity(tags, rows, cols)
    text_scores = base_scores if settings.text_weight else _pair_similarity(texts, rows, cols)
    # Shared rare tags raise textual similarity rather than stand in for it: two stories that
    # share a name but not a subject stay apart.
    scores = (text_scores * (settings.text_weight + settings.tag_weight * tag_scores) if settings.text_weight
              else settings.tag_weight * tag_scores)
    if settings.decay_days:
        stamps = np.array([doc.timestamp for doc in documents], dtype=np.float64)
        scores = scores * np.power(0.5, np.abs(stamps[rows] - stamps[cols]) / 86400.0 / settings.decay_days)
    maybe_copy = text_scores >= settings.duplicate_threshold * 0.8
    copies = np.zeros(len(rows), dtype=bool)
    copies[maybe_copy] = _pair_similarity(bodies, rows[maybe_copy], cols[maybe_copy]) >= settings.duplicate_threshold
    order = np.lexsort((cols, -np.round(scores, 6), rows))  # by row, best first, ties to the earlier story
    for position in order:
        row, col = int(rows[position]), int(cols[position])
        if copies[position]:
            ranking.duplicates[row].append(col)
        elif scores[position] >= settings.min_score and len(ranking.neighbours[row]) < settings.max_related:
            shared = tuple(sorted(set(documents[row].tags) & set(documents[col].tags)))
            ranking.neighbours[row].append(Neighbour(col, round(float(scores[position]), 6),
                                                     round(float(text_scores[position]), 6), shared))
    for copies_of_row in ranking.duplicates:
        copies_of_row.sort()
    return ranking


def inputs_digest(documents: list[Document], settings: Settings) -> str:
    """Everything a ranking is computed from: equal digests, equal rankings."""
    hasher = hashlib.sha256(repr(dataclasses.astuple(settings)).encode())
    for doc in documents:
        hasher.update(json.dumps([doc.title, doc.standfirst, doc.body, list(doc.tags), doc.timestamp],
                                 ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def ranking_to_json(ranking: Ranking) -> str:
    return json.dumps({"neighbours": [[[n.index, n.score, n.text_score, list(n.shared_tags)] for n in row]
                                      for row in ranking.neighbours],
                       "duplicates": ranking.duplicates})


def ranking_from_json(text: str) -> Ranking:
    data = json.loads(text)
    return Ranking([[Neighbour(index, score, text_score, tuple(tags)) for index, score, text_score, tags in row]
                    for row in data["neighbours"]], data["duplicates"])


def precision_at_k(ranking: Ranking, labels: list[str], k: int = 5) -> float:
    """Mean share of each document's top-k neighbours that carry its label (documents with none skipped)."""
    shares = []
    for row, neighbours in enumerate(ranking.neighbours):
        top = neighbours[:k]
        if top:
            shares.append(sum(labels[n.index] == labels[row] for n in top) / len(top))
    return float(np.mean(shares)) if shares else math.nan
