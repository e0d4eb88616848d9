"""Related stories: explicit references resolved by title, then ranked similar coverage.

A computed link needs evidence a reader would accept: the two stories' text, and their leads
(headline, standfirst and first lines), must both be similar beyond a bar calibrated on labelled
pairs (tests/fixtures/related-pairs.yml) and raised on a site whose unrelated stories are alike;
or the two must share distinctive names (few other stories name them) and be alike beyond a lower
bar. A story with no such neighbour gets no computed list. Each link carries what the two share (the
distinctive names both name, else their most telling shared words), for a reason a reader can check.

Plain functions, no Pelican. Ranking blends TF-IDF cosine similarity of the text
(headline weighted up, stop words of each story's language left out) with overlap
of rare tags, optionally decayed by distance in time, then confirms each candidate
by the neighbours the two stories share: two stories are related when each is
among the other's nearest coverage, not merely when one word list overlaps. The
cut-off follows from that, so it adapts to each story's own neighbours whatever
its length. Candidates come from a sparse top-k product (never an n x n matrix) over the words
few enough stories have to single out a neighbourhood; every later score is exact.
"""

from __future__ import annotations

import array
import collections
import dataclasses
import functools
import itertools
import json
import math
import multiprocessing
import os
import random
import re
import string
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import stop_words
from rapidfuzz import fuzz, process

from newsdigest.digests import digest
from newsdigest.site.related_settings import Settings
from newsdigest.workers import MIN_ITEMS_FOR_WORKERS, die_with_parent, map_chunks

# scipy, igraph and sparse_dot_topn are imported where a ranking is
# computed: a build that reuses the cached ranking never needs them.
if TYPE_CHECKING:
    from scipy import sparse

_QUOTES_AND_DASHES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-"})
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Runs of two or more letters and digits: apostrophes and hyphens split words, so "Netanyahu's"
# is "netanyahu" and the French "l'armée" is "armée"; "G7" and "G20" stay apart, bare numbers go.
COMMUNITY_SEED = 1
LEIDEN_ITERATIONS = 3  # passes of Leiden's algorithm over the similarity graph
SHORTLIST_EXTRA = 15  # candidates scored beyond the shown count
# Candidates are found by the words in at most this many neighbourhoods' worth of stories.
CANDIDATE_WORD_SPREAD = 3
# A name named by at most this many stories is distinctive whatever the site's size.
NAME_FLOOR = 2
# The least share of two stories' names that distinctive names in common make (their number over
# the geometric mean of each story's names) for the names to count: a roundup that names a hundred
# people shares a few with many stories, about none of which it is.
NAME_OVERLAP = 0.1
# How similar unrelated stories are is read from random pairs of a site of at least this many
# stories: among three stories, one true pair is a third of all pairs.
UNRELATED_SAMPLE_FLOOR = 10
_WORD = re.compile(r"[^\W_]{2,}")
# What `_WORD` reads in ASCII text, as a bytes.translate table: letters and digits kept, the rest spaces.
_ASCII_WORD_CHARACTERS = bytes(code if chr(code).isascii() and chr(code).isalnum() else 0x20 for code in range(256))
# Punctuation and symbols common in stories otherwise in ASCII, none of them in a word.
_COMMON_MARKS = "‘’“”–—…£€«»\u00a0•·"
# An unmatched "Related:" headline this close to a story's (fuzz.ratio, 0-100) is likely a typo for
# it; one further off names a story the digest does not hold (ingest copies the source's own).
NEAR_MISS = 75.0
LEAD_WORDS = 40  # a story's lead: the first words of its headline, standfirst and body (stop words out)
# Lower-case words that may join the parts of a name ("Bank of England", "Charles de Gaulle").
_CONNECTORS = frozenset("of de du des la le del della di da do dos von van der den al el bin y and & on".split())
_POSSESSIVE = re.compile(r"['’]s?$")
_CALENDAR = frozenset(
    """january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday janvier février mars avril mai juin juillet août septembre octobre
    novembre décembre lundi mardi mercredi jeudi vendredi samedi dimanche januar februar märz juni juli oktober
    dezember montag dienstag mittwoch donnerstag freitag samstag sonntag enero febrero marzo abril mayo junio julio
    agosto septiembre octubre noviembre diciembre lunes martes miércoles jueves viernes sábado domingo jan feb mar
    apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun""".split()
)


def normalise_title(title: str) -> str:
    """A headline reduced to lower-case words: case, accents, quotes, dashes and punctuation ignored."""
    text = unicodedata.normalize("NFKD", str(title).translate(_QUOTES_AND_DASHES))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(_NOT_WORD.sub(" ", text.replace("'", "")).split())


def language_code(lang: str) -> str:
    """'fr', 'fr-FR', 'FR_ca' -> 'fr'."""
    return re.split(r"[-_]", str(lang or "").strip().lower(), maxsplit=1)[0]


@functools.cache
def language_stop_words(lang: str) -> frozenset[str]:
    """The stop words of a language (ISO 639-1 code) from the `stop-words` package, as the tokens
    `words` makes of them; none for a language it does not know."""
    try:
        listed = stop_words.get_stop_words(language_code(lang))
    except stop_words.StopWordError:
        return frozenset()
    return frozenset(token for word in listed for token in _WORD.findall(word.casefold()))


def words(text: str, lang: str) -> list[str]:
    """The words of `text` that say what it is about: lower case, the language's stop words left out."""
    code = language_code(lang)
    plain = _plain_ascii(text)
    if plain is None:
        tokens = itertools.filterfalse(language_stop_words(code).__contains__, _WORD.findall(text.casefold()))
    else:  # the same words, split by bytes.translate and str.split in C: several times faster
        tokens = itertools.filterfalse(_stop_words_and_characters(code).__contains__, plain.split())
    return list(itertools.filterfalse(str.isdigit, tokens))


@functools.cache
def _stop_words_and_characters(code: str) -> frozenset[str]:
    """A language's stop words, and every lower-case ASCII letter and digit alone (`_WORD` reads
    none of them)."""
    return language_stop_words(code) | frozenset(string.ascii_lowercase + string.digits)


def _plain_ascii(text: str) -> str | None:
    """`text` in lower case with every character but ASCII letters and digits made a space, when
    its other characters are all ASCII or common punctuation (as in most English stories); else
    None."""
    for mark in _COMMON_MARKS:
        if mark in text:
            text = text.replace(mark, " ")
    if not text.isascii():
        return None
    return text.encode("ascii").translate(_ASCII_WORD_CHARACTERS).decode("ascii").lower()


@functools.lru_cache(maxsize=1 << 17)  # names recur across a site's stories
def name_key(name: str) -> str:
    """A name reduced for matching: case, accents and dots ignored ("U.S." and "US" are one)."""
    if name.isascii():
        return " ".join(name.casefold().replace(".", "").split())
    text = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().replace(".", "").split())


def _char_class(test) -> str:
    """A regex character class of the Basic Multilingual Plane's characters that pass `test`."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if test(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)


_UPPER = f"[{_char_class(str.isupper)}]"
# A capitalised word not inside another ("iPhone" holds none), possessive and all: "Netanyahu's".
_NAME_WORD = rf"{_UPPER}(?<![\w'’&.-].)(?:[\w'’.&-]*[^\W_])?"
# A run of them on one line, joined by spaces and lower-case connectors ("Bank of England"); a
# comma, a full stop or a quote ends it ("Bamako, Mali" is two names).
_NAME_RUN = re.compile(rf"{_NAME_WORD}(?:[^\S\n]+(?:(?:{'|'.join(sorted(_CONNECTORS))})[^\S\n]+)*{_NAME_WORD})*")
# A run that opens a sentence: after the start of the text (a line break is put before it), a line
# break, a quote or bracket, or the end of a sentence, and spaces.
_OPENING_RUN = re.compile(rf"[.!?…:;\n\"“”«»„|()\[\]‘'][^\S\n]*({_NAME_RUN.pattern})")


def names(text: str, lang: str) -> list[str]:
    """The proper names in `text`: runs of capitalised words (joined by "of", "de", "von"…),
    possessives dropped, in their first spelling. A capitalised word alone that only ever opens
    a sentence could be any word, so it counts only as an acronym; in German, where every noun is
    capitalised, only runs of two words or more (or acronyms) do. Runs of over four words
    (a headline in title case) and month and day names are not names. Regular expressions find
    the runs, and those that open a sentence: the words between them are never looked at one by
    one, and each distinct run is read once."""
    lang = language_code(lang)
    runs = collections.Counter(_NAME_RUN.findall(text))
    openings = collections.Counter(_OPENING_RUN.findall("\n" + text))
    found: dict[str, str] = {}
    for run, count in runs.items():
        named = _name_of(run, openings[run] >= count, lang)
        if named:
            found.setdefault(*named)
    return list(found.values())


@functools.lru_cache(maxsize=1 << 16)
def _name_of(run: str, opens: bool, lang: str) -> tuple[str, str] | None:
    """(key, name) of a run of capitalised words, or None: runs repeat ("The", "BBC"), so each is
    read once."""
    name = _name_of_run(run.split(), opens, language_stop_words(lang), nouns_capitalised=lang in ("de", "lb"))
    return (name_key(name), name) if name else None


def _name_of_run(run: list[str], opens: bool, stop: frozenset[str], nouns_capitalised: bool) -> str:
    """The name a run of capitalised words makes (`opens`: the run opens a sentence), or ""."""
    start = 0
    while start < len(run) and (run[start].casefold() in stop or run[start].casefold() in _CONNECTORS):
        start += 1
    opens = opens and start == 0
    end = len(run)
    while end > start and run[end - 1].casefold() in _CONNECTORS:
        end -= 1
    run = run[start:end]
    if nouns_capitalised and opens and len(run) > 1:
        run, opens = run[1:], False  # "Deutsche Jagdverband" could be "Der Jagdverband": the first word is unsure
    if not run or (nouns_capitalised and any(not token[0].isupper() for token in run)):
        return ""
    parts = [_POSSESSIVE.sub("", token) for token in run]
    if len(parts) > 4 or any(part.casefold() in _CALENDAR for part in parts):
        return ""
    if len(parts) == 1:
        acronym = sum(char.isupper() for char in parts[0]) >= 2
        if not acronym and (opens or nouns_capitalised or len(parts[0]) < 3):
            return ""
    return " ".join(parts)


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
        return self._closest(key, self.threshold)

    def nearest(self, reference: str, cutoff: float = NEAR_MISS) -> int | None:
        """The story whose headline `reference` comes closest to, when it is close enough to be a
        typo for it (`find` found none): a curator's slip, not another site's headline."""
        return self._closest(normalise_title(reference), cutoff)

    def _closest(self, key: str, cutoff: float) -> int | None:
        if not key or not self._normalised:
            return None
        match = process.extractOne(key, self._normalised, scorer=fuzz.ratio, score_cutoff=cutoff)
        return match[2] if match else None


@dataclass(frozen=True)
class StoryText:
    """What the ranking reads of a story: its words, tags, time and language."""

    title: str
    standfirst: str
    body: str
    tags: tuple[str, ...]
    timestamp: float  # seconds since the epoch
    lang: str = ""  # ISO 639-1 code; empty: Settings.default_lang


@dataclass(frozen=True)
class Neighbour:
    index: int
    score: float
    text_score: float
    shared_tags: tuple[str, ...]
    # what the two stories share, for the reason: distinctive names both name, else telling words
    shared_names: tuple[str, ...] = ()
    shared_words: tuple[str, ...] = ()


@dataclass
class Ranking:
    neighbours: list[list[Neighbour]] = field(default_factory=list)
    duplicates: list[list[int]] = field(default_factory=list)


def made_by_tags(neighbour: Neighbour, settings: Settings) -> bool:
    """True when the text alone would not relate the two stories: shared tags did."""
    return bool(neighbour.shared_tags) and neighbour.text_score * settings.text_weight < settings.min_score


def text_key(document: StoryText, default_lang: str = "en") -> str:
    """What a document's words are read from: equal keys, equal words."""
    return digest("words-3", document.lang or default_lang, document.title, document.standfirst, document.body)


@dataclass(frozen=True)
class Columns:
    """Each story's words (or name keys) as column numbers, in order: story i's are
    `ids[bounds[i]:bounds[i + 1]]`, over `labels`, sorted, so that a word has the same column
    whatever order the stories come in."""

    labels: list[str]
    ids: np.ndarray  # int32
    bounds: np.ndarray  # int64, one more than there are stories

    def counts(self, first: int | None = None) -> sparse.csr_matrix:
        """Rows of counts (float32), of each story's first `first` entries when given."""
        from scipy import sparse

        ids, bounds = self.ids.copy(), self.bounds  # a copy: summing duplicates sorts them in place
        if first is not None:
            lengths = np.diff(bounds)
            place = np.arange(len(ids)) - np.repeat(bounds[:-1], lengths)
            ids = ids[place < first]
            bounds = np.concatenate([[0], np.cumsum(np.minimum(lengths, first))]).astype(np.int64)
        matrix = sparse.csr_matrix(
            (np.ones(len(ids), dtype=np.float32), ids, bounds), shape=(len(bounds) - 1, max(len(self.labels), 1))
        )
        matrix.sum_duplicates()
        return matrix


@dataclass(frozen=True)
class StoryWords:
    """Each story's words: its line (its words, headline, standfirst and body, then each of its
    names after a tab, as `line_parts` splits them: what a build keeps in its cache), and its
    words and its names' keys (`name_key`) as `Columns`."""

    lines: list[str]
    words: Columns
    names: Columns


def read_words(
    documents: list[StoryText], default_lang: str = "en", workers: int = 1, known: Mapping[str, str] | None = None
) -> StoryWords:
    """Each story's words and names, read in worker processes, from its text or, for those
    `known` holds already (text_key -> line), from its line. Each worker numbers the words of
    its chunk of stories and sends back arrays, not strings; here the chunks' numbers become the
    site's."""
    known = known or {}
    items = []
    for document in documents:
        lang = document.lang or default_lang
        line = known.get(text_key(document, default_lang)) if known else None
        text = f"{document.title} {document.standfirst} {document.body}" if line is None else ""
        items.append((line, text, _name_text(document) if line is None else "", lang))
    chunks = list(map_chunks(_read_chunk, items, workers, chunk_size=500))
    return StoryWords(
        [line for chunk in chunks for line in chunk[0]],
        _site_columns([chunk[1:4] for chunk in chunks]),
        _site_columns([chunk[4:7] for chunk in chunks]),
    )


def _read_chunk(items: list[tuple[str | None, str, str, str]]) -> list[tuple]:
    """In a worker: a chunk of (line or None, text, text names are read from, language) as one
    result, not one per story: each story's line; the chunk's words in the order first met, each
    story's as numbers into them (int32 bytes), and how many each story has; the same for the
    keys of their names."""
    # A word met for the first time gets the next number.
    word_column: collections.defaultdict[str, int] = collections.defaultdict(itertools.count().__next__)
    key_column: collections.defaultdict[str, int] = collections.defaultdict(itertools.count().__next__)
    lines: list[str] = []
    word_ids, word_counts, name_ids, name_counts = (array.array("i") for _ in range(4))
    for line, text, named, lang in items:
        if line is None:
            tokens, found = words(text, lang), names(named, lang)
            lines.append("\t".join([" ".join(tokens), *found]))
        else:
            tokens, found = line_parts(line)
            lines.append(line)
        word_ids.extend(map(word_column.__getitem__, tokens))
        word_counts.append(len(tokens))
        name_ids.extend([key_column[name_key(name)] for name in found])
        name_counts.append(len(found))
    return [
        (
            lines,
            list(word_column),
            word_ids.tobytes(),
            word_counts.tobytes(),
            list(key_column),
            name_ids.tobytes(),
            name_counts.tobytes(),
        )
    ]


def _site_columns(chunks: list[tuple[list[str], bytes, bytes]]) -> Columns:
    """`Columns` over the site from each chunk's (labels, ids into them, counts per story)."""
    labels = sorted(set().union(*(chunk[0] for chunk in chunks)))
    column = {label: position for position, label in enumerate(labels)}
    ids = [
        np.array([column[label] for label in chunk_labels], dtype=np.int32)[np.frombuffer(chunk_ids, dtype=np.int32)]
        for chunk_labels, chunk_ids, _ in chunks
    ]
    lengths = [np.frombuffer(counts, dtype=np.int32) for _, _, counts in chunks]
    return Columns(
        labels,
        np.concatenate(ids) if ids else np.zeros(0, dtype=np.int32),
        np.concatenate([[0], np.cumsum(np.concatenate(lengths) if lengths else [])]).astype(np.int64),
    )


def text_vectors(
    documents: list[StoryText], story_words: StoryWords, title_weight: float, default_lang: str = "en"
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix, list[str]]:
    """(blended, telling, body, lead) TF-IDF rows of unit length, and the words of their columns,
    from each story's words (`read_words`). `lead` is `telling` for the first LEAD_WORDS
    words. The blend, with the headline counted again, finds each story's nearest stories;
    `telling` is the same blend without the words every story has, so that its similarity is
    evidence of a shared subject; the body alone tells copies apart, by every word.

    Weights are sublinear term counts (1 + log count) times the smoothed inverse document
    frequency ln((1 + n) / (1 + df)) + 1, computed with numpy and scipy alone."""
    full = story_words.words.counts()
    leads = story_words.words.counts(first=LEAD_WORDS)
    titles = _headline_counts(documents, story_words.words.labels, default_lang)
    count = full.shape[0]
    frequency = np.bincount(full.indices, minlength=full.shape[1])
    # Words in over half the stories say nothing about any one of them, but only a corpus of some
    # size can tell which words those are.
    kept = frequency <= (0.5 if count >= 50 else 1.0) * count
    full, titles, leads, frequency = full[:, kept], titles[:, kept], leads[:, kept], frequency[kept]
    idf = (np.log((1.0 + count) / (1.0 + frequency)) + 1.0).astype(np.float32)
    blend = (full + title_weight * titles).tocsr()
    blended = unit_rows(_weighted(blend, idf))
    body = unit_rows(_weighted((full - titles).tocsr(), idf))
    # The smoothed idf is at least 1, so a word in every story still weighs 1: not here.
    telling = unit_rows(_weighted(blend, idf - 1.0))
    lead = unit_rows(_weighted((leads + title_weight * titles).tocsr(), idf - 1.0))
    labels = story_words.words.labels
    return blended, telling, body, lead, [label for label, keep in zip(labels, kept, strict=False) if keep]


def _headline_counts(documents: list[StoryText], labels: list[str], default_lang: str) -> sparse.csr_matrix:
    """Rows of counts of each headline's words over `labels` (a story's headline words are among
    its words, so all are there)."""
    column = {label: position for position, label in enumerate(labels)}
    ids = array.array("i")
    bounds = [0]
    for document in documents:
        ids.extend([column[word] for word in words(document.title, document.lang or default_lang) if word in column])
        bounds.append(len(ids))
    return Columns(labels, np.frombuffer(ids, dtype=np.int32), np.asarray(bounds, dtype=np.int64)).counts()


def line_parts(line: str) -> tuple[list[str], list[str]]:
    """A line of `StoryWords.lines` as (its words, its names)."""
    text, *found = line.split("\t")
    return text.split(), found


def _weighted(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear counts times each word's weight; entries at or below zero (a headline word
    taken from the body only) are dropped."""
    weighted = counts.copy()
    positive = weighted.data > 0
    weighted.data = np.where(positive, (1.0 + np.log(np.where(positive, weighted.data, 1.0))), 0.0).astype(np.float32)
    weighted.data *= idf[weighted.indices]
    weighted.eliminate_zeros()
    return weighted


def unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The rows of a CSR matrix scaled to unit length (empty rows stay empty), as float32."""
    matrix = matrix.tocsr().astype(np.float32)
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1), dtype=np.float64).ravel())
    scale = np.divide(1.0, lengths, out=np.zeros_like(lengths), where=lengths > 0).astype(np.float32)
    matrix.data *= np.repeat(scale, np.diff(matrix.indptr))
    return matrix


def tag_vectors(documents: list[StoryText], common_share: float) -> tuple[sparse.csr_matrix, list[str]]:
    from scipy import sparse

    names = sorted({tag for doc in documents for tag in doc.tags})
    column = {name: position for position, name in enumerate(names)}
    rows, cols = [], []
    for row, doc in enumerate(documents):
        for tag in set(doc.tags):
            rows.append(row)
            cols.append(column[tag])
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(documents), max(len(names), 1))
    )
    count = len(documents)
    frequency = np.asarray(matrix.sum(axis=0)).ravel()
    weights = np.where(frequency / max(count, 1) > common_share, 0.0, np.log((1 + count) / (1 + frequency)) + 1)
    return unit_rows((matrix @ sparse.diags(weights.astype(np.float32))).tocsr()), names  # tocsr: already one


def _pair_similarity(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray, chunk: int = 50_000) -> np.ndarray:
    """Cosine similarity of each (row, col) pair of unit-length rows, a chunk of pairs at a time,
    each pair computed once whichever way round it comes (most come both ways)."""
    count = np.int64(matrix.shape[0])
    keys, inverse = np.unique(np.minimum(rows, cols) * count + np.maximum(rows, cols), return_inverse=True)
    firsts, seconds = np.divmod(keys, count)
    result = np.zeros(len(keys), dtype=np.float32)
    for start in range(0, len(keys), chunk):
        stop = start + chunk
        products = matrix[firsts[start:stop]].multiply(matrix[seconds[start:stop]])
        result[start:stop] = np.asarray(products.sum(axis=1), dtype=np.float32).ravel()
    return result[inverse.ravel()]


def neighbourhood_size(count: int, settings: Settings) -> int:
    """How many of its most similar stories make a story's neighbourhood in a site of `count`
    stories: a share of the site, within a floor and a cap, so that in a small site it is not the
    whole site."""
    share = math.ceil(settings.neighbourhood_share * count)
    return max(1, min(settings.neighbourhood, max(settings.min_neighbourhood, share), count - 1))


def candidate_vectors(texts: sparse.csr_matrix, neighbourhood: int) -> sparse.csr_matrix:
    """The rows that find each story's nearest stories: `texts` without the words too common to
    single out a neighbourhood (in more than CANDIDATE_WORD_SPREAD neighbourhoods' worth of
    stories), of unit length again. Pairs of stories that share only such words are most of a
    large site's pairs (98.7% of the scale benchmark's at 10,000 stories), and the product's
    cost grows with the square of how many stories have each word: without them it grows about
    as the site does. Only the candidates change: every score that decides a link is computed
    on all the words. Neighbourhoods are a twentieth of a site of up to 2,000 stories, so such
    a site leaves out only words in more than 15% of its stories."""
    frequency = np.bincount(texts.indices, minlength=texts.shape[1])
    common = frequency > CANDIDATE_WORD_SPREAD * neighbourhood
    if not common.any():
        return texts
    kept = texts.copy()
    kept.data[common[kept.indices]] = 0.0
    kept.eliminate_zeros()
    return unit_rows(kept)


def rank(
    documents: list[StoryText],
    settings: Settings = Settings(),
    threads: int = 1,
    story_words: StoryWords | None = None,
) -> Ranking:
    """For each document, its best related documents (and its near-identical copies).

    Candidates are each story's `neighbourhood` most similar stories, from a sparse top-k
    product (sparse_dot_topn) of the text vectors without the words too common to tell
    neighbourhoods apart (`candidate_vectors`; or the tag vectors, when text has no weight);
    tag overlap, recency and copies are scored for those pairs only. A candidate is
    kept when the two stories share at least `min_shared` of their neighbourhoods (each counting
    itself): a rank-based test, so a short story whose similarities are all low keeps its true
    neighbours, and a story no other story is about keeps none. `story_words`: each document's
    words (`read_words`), when the caller has them."""
    from sparse_dot_topn import sp_matmul_topn

    count = len(documents)
    ranking = Ranking([[] for _ in range(count)], [[] for _ in range(count)])
    if count < 2:
        return ranking
    if story_words is None:
        story_words = read_words(documents, settings.default_lang, threads)
    texts, telling, bodies, leads, words_of_columns = text_vectors(
        documents, story_words, settings.title_weight, settings.default_lang
    )
    tags, _ = tag_vectors(documents, settings.common_tag_share)
    neighbourhood = neighbourhood_size(count, settings)
    base = candidate_vectors(texts, neighbourhood) if settings.text_weight else tags
    best_factor = settings.text_weight + settings.tag_weight if settings.text_weight else settings.tag_weight
    floor = min(settings.min_score / best_factor if best_factor else 0.0, settings.duplicate_threshold * 0.8)
    product = sp_matmul_topn(
        base,
        base.T.tocsr(),
        top_n=neighbourhood + 1,
        threshold=floor,
        sort=True,
        n_threads=max(1, threads),
    )
    rows = np.repeat(np.arange(count), np.diff(product.indptr))
    keep = rows != product.indices  # never itself
    rows, cols, base_scores = rows[keep], product.indices[keep], product.data[keep].astype(np.float32)
    place = np.arange(len(rows)) - np.searchsorted(rows, rows)  # 0 for each row's most similar story

    text_scores = base_scores if settings.text_weight else _pair_similarity(texts, rows, cols)
    maybe_copy = text_scores >= settings.duplicate_threshold * 0.8
    copies = np.zeros(len(rows), dtype=bool)
    copies[maybe_copy] = _pair_similarity(bodies, rows[maybe_copy], cols[maybe_copy]) >= settings.duplicate_threshold
    for row, col in zip(rows[copies], cols[copies], strict=True):
        ranking.duplicates[int(row)].append(int(col))
    for copies_of_row in ranking.duplicates:
        copies_of_row.sort()

    # A story's neighbourhood: itself and its most similar stories that are not copies of it.
    neighbourhoods = unit_rows(sparse_neighbourhoods(rows[~copies], cols[~copies], count))
    # Only each story's best candidates can be shown: the rest is scored for them alone.
    shortlist = ~copies & (place < settings.max_related + SHORTLIST_EXTRA)
    rows, cols = rows[shortlist], cols[shortlist]
    # Related stories belong to one area of the site's coverage: the communities of the graph of
    # each story's nearest stories. A pair both stories' neighbourhoods vouch for can still
    # straddle two subjects (a pensions story and a retirement-age vote); the graph's structure
    # as a whole tells which subject each belongs to.
    # Leiden's pass over that graph runs in a process of its own meanwhile, and bounds the pairs
    # the tests below keep.
    areas = coverage_areas_meanwhile(product, count, settings, threads)
    # Each test below keeps the pairs that pass it, so the next is computed for those alone.
    shared = _pair_similarity(neighbourhoods, rows, cols)
    rows, cols, shared = _where(shared >= settings.min_shared, rows, cols, shared)
    # Scored without the words every story has: a small site whose headlines all read "Story N"
    # is not one subject.
    text_scores = _pair_similarity(telling, rows, cols)
    tag_scores = _pair_similarity(tags, rows, cols)
    # Shared rare tags raise textual similarity rather than stand in for it: two stories that
    # share a name but not a subject stay apart.
    scores = (
        text_scores * (settings.text_weight + settings.tag_weight * tag_scores)
        if settings.text_weight
        else settings.tag_weight * tag_scores
    )
    if settings.decay_days:
        stamps = np.array([doc.timestamp for doc in documents], dtype=np.float64)
        scores = scores * np.power(0.5, np.abs(stamps[rows] - stamps[cols]) / 86400.0 / settings.decay_days)
    rows, cols, shared, text_scores, scores = _where(
        scores >= settings.min_score, rows, cols, shared, text_scores, scores
    )
    named = name_vectors(story_words.names, settings)
    confirmed = evidence(text_scores, (rows, cols), (telling, leads, named), settings)
    rows, cols, shared, text_scores, scores = _where(confirmed, rows, cols, shared, text_scores, scores)
    area = areas()
    rows, cols, shared, text_scores, scores = _where(area[rows] == area[cols], rows, cols, shared, text_scores, scores)
    final = scores + settings.shared_weight * shared
    order = np.lexsort((cols, -np.round(final, 6), rows))  # by row, best first, ties to the earlier story
    taken = np.zeros(count, dtype=np.int64)
    chosen = []
    for position in order.tolist():
        if taken[rows[position]] < settings.max_related:
            taken[rows[position]] += 1
            chosen.append(position)
    shared_names = common_names(story_words.lines, named, (rows[chosen], cols[chosen]), (telling, words_of_columns))
    tag_sets = [frozenset(document.tags) for document in documents]
    for row, col, score, text_score, (names_shared, words_shared) in zip(
        rows[chosen].tolist(),
        cols[chosen].tolist(),
        final[chosen].tolist(),
        text_scores[chosen].tolist(),
        shared_names,
        strict=True,
    ):
        common = tuple(sorted(tag_sets[row] & tag_sets[col]))
        ranking.neighbours[row].append(
            Neighbour(col, round(score, 6), round(text_score, 6), common, names_shared, words_shared)
        )
    return ranking


def _where(mask: np.ndarray, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Each array's entries where `mask` holds."""
    return tuple(values[mask] for values in arrays)


@dataclass(frozen=True)
class Names:
    """The names of a site's stories: `every`, 0/1 rows of the names each story names, over
    `keys` (`name_key`); `distinctive`, those it shares with few others (named by two stories or
    more, and by at most `name_share` of the site or NAME_FLOOR stories); `long`, those of two
    words or more; `counts`, how many names each story names; `in_order`, each story's keys in
    the order its line of `StoryWords.lines` names them."""

    every: sparse.csr_matrix
    distinctive: sparse.csr_matrix
    long: sparse.csr_matrix
    keys: list[str]
    counts: np.ndarray
    in_order: Columns


def name_vectors(names: Columns, settings: Settings) -> Names:
    """The site's names (`Names`) from each story's name keys (`StoryWords.names`): sparse
    rows, never a story against every other."""
    matrix = names.counts()
    matrix.data[:] = 1.0
    every = matrix.copy()
    frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    limit = max(NAME_FLOOR, settings.name_share * matrix.shape[0])
    distinctive = (frequency >= 2) & (frequency <= limit)
    spaced = np.zeros(matrix.shape[1], dtype=bool)
    spaced[[column for column, key in enumerate(names.labels) if " " in key]] = True
    long = matrix.copy()
    matrix.data *= distinctive[matrix.indices]
    long.data *= (distinctive & spaced)[long.indices]
    matrix.eliminate_zeros()
    long.eliminate_zeros()
    return Names(every, matrix, long, names.labels, np.diff(every.indptr).astype(np.float32), names)


def evidence(
    text_scores: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    vectors: tuple[sparse.csr_matrix, sparse.csr_matrix, Names],
    settings: Settings,
) -> np.ndarray:
    """Which pairs have evidence a reader would accept: text and leads alike beyond the calibrated
    bars, or distinctive names in common (two, or one of two words or more: "Bamako and the
    Radisson Blu"), a tenth of their names or more (NAME_OVERLAP), and text and leads alike beyond
    a lower bar. `vectors`: the telling rows, the lead rows and the site's names. Leads and names
    are compared only for pairs whose text could pass."""
    telling, leads, named = vectors
    rows, cols = pairs
    bar = evidence_bar(telling, settings)
    # The site's bar raises the names' bar alike: on a site whose stories are all alike, more.
    name_bar = settings.name_text_bar * (bar / settings.text_bar if settings.text_bar else 1.0)
    lead_scores = np.zeros(len(rows), dtype=np.float32)
    alike = text_scores >= min(bar, name_bar)
    lead_scores[alike] = _pair_similarity(leads, rows[alike], cols[alike])
    by_text = (text_scores >= bar) & (lead_scores >= settings.lead_bar)
    maybe = ~by_text & (text_scores >= name_bar) & (lead_scores >= name_bar)
    some_rows, some_cols = rows[maybe], cols[maybe]
    in_common = _pair_similarity(named.distinctive, some_rows, some_cols)
    long_in_common = _pair_similarity(named.long, some_rows, some_cols)
    overlap = in_common / np.sqrt(np.maximum(named.counts[some_rows] * named.counts[some_cols], 1.0))
    by_names = np.zeros(len(rows), dtype=bool)
    by_names[maybe] = ((in_common >= 2) | (long_in_common >= 1)) & (overlap >= NAME_OVERLAP)
    return by_text | by_names


def evidence_bar(telling: sparse.csr_matrix, settings: Settings, sample: int = 20_000) -> float:
    """The least text similarity of a computed link: the calibrated bar, or more on a site whose
    unrelated stories are alike: `unrelated_factor` times the median + 3 robust deviations
    (1.4826 MAD) of the similarity of random pairs, nearly all unrelated (seeded, so the same bar
    every build). Median and MAD, not mean and sd: in a small site the few true pairs would
    otherwise raise the bar above themselves."""
    count = telling.shape[0]
    if count < UNRELATED_SAMPLE_FLOOR or not settings.unrelated_factor:
        return settings.text_bar
    generator = np.random.default_rng(COMMUNITY_SEED)
    first, second = generator.integers(0, count, sample), generator.integers(0, count, sample)
    apart = first != second
    similarity = _pair_similarity(telling, first[apart], second[apart])
    median = float(np.median(similarity))
    spread = 1.4826 * float(np.median(np.abs(similarity - median)))
    return max(settings.text_bar, settings.unrelated_factor * (median + 3 * spread))


def common_names(
    lines: list[str],
    named: Names,
    pairs: tuple[np.ndarray, np.ndarray],
    vectors: tuple[sparse.csr_matrix, list[str]],
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each linked pair, the names both stories name, in the first story's spelling, rarest
    first (at most three, none contained in another), and, when they share none, their three
    most telling shared words. A name is as rare as its words are, on average, in the site, in
    the spelling of the first pair that names it. `lines`: each story's line of `StoryWords.lines`
    (the names' spellings); `vectors`: the telling rows and the words of their columns."""
    rows, cols = pairs
    telling, columns = vectors
    spelling = _spellings(lines, named, rows)
    both = named.every[rows].multiply(named.every[cols]).tocoo()  # a row per pair, a column per key
    weights = _name_weights(spelling, rows, both, vectors)
    listed = weights[both.col] > 0
    pair_of, key_of = both.row[listed], both.col[listed]
    spelt = [spelling[row][key] for row, key in zip(rows[pair_of].tolist(), key_of.tolist(), strict=True)]
    alphabetical = {text: place for place, text in enumerate(sorted(set(spelt)))}
    by_spelling = np.array([alphabetical[text] for text in spelt], dtype=np.int64)
    order = np.lexsort((by_spelling, -weights[key_of], pair_of))  # by pair, rarest first
    ranked = key_of[order].tolist()
    bounds = np.searchsorted(pair_of[order], np.arange(len(rows) + 1)).tolist()
    spaced = {key: f" {named.keys[key]} " for key in set(ranked)}  # " tony blair " holds " blair "
    result: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    shown: dict[tuple[int, ...], list[int]] = {}  # most pairs come both ways, with the same names
    for pair, row in enumerate(rows.tolist()):
        keys = tuple(ranked[bounds[pair] : bounds[pair + 1]])
        kept = shown.get(keys)
        if kept is None:
            kept = shown[keys] = _names_to_show(keys, spaced)
        result.append((tuple(spelling[row][key] for key in kept), ()))
    without = [pair for pair, (names_, _) in enumerate(result) if not names_]
    for pair, words_ in zip(without, _shared_words(telling, rows[without], cols[without], columns), strict=True):
        result[pair] = ((), words_)
    return result


def _names_to_show(keys: tuple[int, ...], spaced: dict[int, str]) -> list[int]:
    """The first three of `keys` (rarest first) none of which holds another: a longer name
    replaces one it holds ("Tony Blair", "Blair"). `spaced`: each key's name between spaces."""
    kept: list[int] = []
    for key in keys:
        text = spaced[key]
        if not any(text in spaced[held] for held in kept):
            kept = [held for held in kept if spaced[held] not in text] + [key]
            if len(kept) == 3:
                break
    return kept


def _spellings(lines: list[str], named: Names, rows: np.ndarray) -> dict[int, dict[int, str]]:
    """For each story in `rows`, its names' spellings by their column in `named` (the last of
    a key's spellings, as a dict made of them would keep)."""
    found = named.in_order
    spellings = {}
    for row in sorted(set(rows.tolist())):
        line = lines[row]
        spelt = line[line.index("\t") + 1 :].split("\t") if "\t" in line else []
        keys = found.ids[found.bounds[row] : found.bounds[row + 1]].tolist()
        spellings[row] = dict(zip(keys, spelt, strict=True))
    return spellings


def _name_weights(
    spelling: dict[int, dict[int, str]],
    rows: np.ndarray,
    both: sparse.coo_matrix,
    vectors: tuple[sparse.csr_matrix, list[str]],
) -> np.ndarray:
    """Each name key's weight (`_name_weight`) in the spelling of the first pair that names it
    (`both`: a row per pair, a column per key both stories name); 0 for the keys of no pair."""
    telling, columns = vectors
    column = {word: position for position, word in enumerate(columns)}
    rarity = _word_rarity(telling)
    weights = np.zeros(both.shape[1], dtype=np.float64)
    keys, first = np.unique(both.col, return_index=True)  # both's entries run pair by pair
    for key, pair in zip(keys.tolist(), both.row[first].tolist(), strict=True):
        weights[key] = _name_weight(spelling[int(rows[pair])][key], column, rarity)
    return weights


def _name_text(document: StoryText) -> str:
    """The text names are read from: standfirst and body, and the headline unless it is in title
    case (where every word looks like a name)."""
    title_words = document.title.split()
    title = document.title if sum(w[:1].isupper() for w in title_words) <= len(title_words) / 2 else ""
    return f"{title}\n{document.standfirst}\n{document.body}"


def _word_rarity(telling: sparse.csr_matrix) -> np.ndarray:
    """Each column's weight in `telling` as a rarity: 0 for a word every story has."""
    frequency = np.bincount(telling.indices, minlength=telling.shape[1])
    count = telling.shape[0]
    return np.log((1.0 + count) / (1.0 + frequency))


def _name_weight(name: str, columns: dict[str, int], rarity: np.ndarray) -> float:
    """How distinctive a name is in the site: the mean rarity of its words (0 if none is known)."""
    found = [float(rarity[columns[word]]) for word in _WORD.findall(name.casefold()) if word in columns]
    return sum(found) / len(found) if found else 0.0


def _shared_words(
    telling: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray, columns: list[str]
) -> list[tuple[str, ...]]:
    """For each pair, the three words that weigh most in both stories' telling rows (the product
    of their weights), the first column first on ties."""
    if not len(rows):
        return []
    product = telling[rows].multiply(telling[cols]).tocsr()
    pair_of = np.repeat(np.arange(len(rows)), np.diff(product.indptr))
    order = np.lexsort((np.arange(product.nnz), -product.data, pair_of))
    place = np.arange(product.nnz) - np.repeat(product.indptr[:-1], np.diff(product.indptr))
    best = order[place < 3]  # the first three of each pair's run
    found: list[list[str]] = [[] for _ in range(len(rows))]
    for pair, column in zip(pair_of[best].tolist(), product.indices[best].tolist(), strict=True):
        found[pair].append(columns[column])
    return [tuple(words_) for words_ in found]


def coverage_areas(product: sparse.csr_matrix, count: int, settings: Settings) -> np.ndarray:
    """Each story's community in the graph linking it to its `community_neighbours` most similar
    stories (weighted by similarity, made symmetric): Leiden's partition, seeded, so the same
    stories always fall into the same areas."""
    import igraph

    if settings.community_neighbours <= 0:  # switched off: the whole site is one area
        return np.zeros(count, dtype=np.int64)
    matrix = product.tocsr(copy=True)
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    keep_top_rows(matrix, settings.community_neighbours)
    symmetric = matrix.maximum(matrix.T).tocoo()
    upper = symmetric.row < symmetric.col
    if not upper.any():
        return np.arange(count)
    graph = igraph.Graph(
        n=count, edges=list(zip(symmetric.row[upper].tolist(), symmetric.col[upper].tolist(), strict=True))
    )
    graph.es["weight"] = symmetric.data[upper].astype(np.float64).tolist()
    igraph.set_random_number_generator(random.Random(COMMUNITY_SEED))  # the same areas every build
    try:
        # Three iterations, not until no node moves: that took three times as long (3.4 s against
        # 1.0 s at 10k stories) and changed no link of the labelled pairs or of the BBC corpus.
        partition = graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=settings.community_resolution,
            n_iterations=LEIDEN_ITERATIONS,
        )
    finally:
        igraph.set_random_number_generator(random)
    return np.asarray(partition.membership)


def coverage_areas_meanwhile(
    product: sparse.csr_matrix, count: int, settings: Settings, threads: int
) -> Callable[[], np.ndarray]:
    """`coverage_areas`, computed in a forked process while the caller goes on (igraph holds
    the interpreter's lock throughout): call the result for the areas. In this process on a
    small site, with one thread, or where processes cannot be forked."""
    if threads <= 1 or count < MIN_ITEMS_FOR_WORKERS or not hasattr(os, "fork"):
        here = coverage_areas(product, count, settings)
        return lambda: here
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe(duplex=False)
    process = context.Process(target=_send_areas, args=(theirs, product, count, settings, os.getpid()), daemon=True)
    process.start()
    theirs.close()

    def areas() -> np.ndarray:
        try:
            found = np.frombuffer(ours.recv_bytes(), dtype=np.int64)
        except EOFError:  # the process died: the areas are computed here
            found = coverage_areas(product, count, settings)
        finally:
            ours.close()
            process.join()
        return found

    return areas


def _send_areas(connection, product: sparse.csr_matrix, count: int, settings: Settings, parent: int) -> None:
    """In a forked process: send `coverage_areas` back as int64 bytes."""
    die_with_parent(parent)
    connection.send_bytes(coverage_areas(product, count, settings).astype(np.int64).tobytes())
    connection.close()


def keep_top_rows(matrix: sparse.csr_matrix, top: int) -> None:
    """Keep each row's `top` largest entries of a CSR matrix whose rows are sorted best first."""
    lengths = np.diff(matrix.indptr)
    if lengths.max(initial=0) <= top:
        return
    place = np.arange(matrix.nnz) - np.repeat(matrix.indptr[:-1], lengths)
    matrix.data[place >= top] = 0
    matrix.eliminate_zeros()


def sparse_neighbourhoods(rows: np.ndarray, cols: np.ndarray, count: int) -> sparse.csr_matrix:
    """A 0/1 matrix: row i marks story i and the stories paired with it in (rows, cols)."""
    from scipy import sparse

    every = np.arange(count)
    return sparse.csr_matrix(
        (np.ones(len(rows) + count, dtype=np.float32), (np.concatenate([rows, every]), np.concatenate([cols, every]))),
        shape=(count, count),
    )


def inputs_digest(documents: list[StoryText], settings: Settings) -> str:
    """Everything a ranking is computed from: equal digests, equal rankings."""
    return digest(
        repr(dataclasses.astuple(settings)),
        *(
            json.dumps(
                [doc.title, doc.standfirst, doc.body, list(doc.tags), doc.timestamp, doc.lang], ensure_ascii=False
            )
            for doc in documents
        ),
    )


def ranking_to_json(ranking: Ranking) -> str:
    return json.dumps(
        {
            "neighbours": [
                [
                    [n.index, n.score, n.text_score, list(n.shared_tags), list(n.shared_names), list(n.shared_words)]
                    for n in row
                ]
                for row in ranking.neighbours
            ],
            "duplicates": ranking.duplicates,
        }
    )


def ranking_from_json(text: str) -> Ranking:
    data = json.loads(text)
    return Ranking(
        [
            [
                Neighbour(index, score, text_score, tuple(tags), tuple(names_), tuple(words_))
                for index, score, text_score, tags, names_, words_ in row
            ]
            for row in data["neighbours"]
        ],
        data["duplicates"],
    )


def precision_at_k(ranking: Ranking, labels: list[str], k: int = 5) -> float:
    """Mean share of each document's top-k neighbours that carry its label (documents with none skipped)."""
    shares = []
    for row, neighbours in enumerate(ranking.neighbours):
        top = neighbours[:k]
        if top:
            shares.append(sum(labels[n.index] == labels[row] for n in top) / len(top))
    return float(np.mean(shares)) if shares else math.nan
