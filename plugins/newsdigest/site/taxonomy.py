"""One taxonomy engine for tags, sections and sources: fold names, apply the curator's
vocabulary, give every term one stable slug, count, and relate terms.

Plain functions, no Pelican. Near-linear in the number of (story, term) pairs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from newsdigest.content import safe_urls
from newsdigest.content.slugs import slugify, spell_symbols, with_suffix
from newsdigest.settings import SettingsGroup, setting

KIND_NAMES = ("tags", "sections", "sources", "authors")  # the taxonomies a site may have pages and feeds for


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """The TAXONOMY_* settings, with their defaults (docs/configuration.md)."""

    kinds: tuple[str, ...] = setting("TAXONOMY_KINDS", ("tags", "sections", "sources"), choices=KIND_NAMES)
    vocabulary: str = setting("TAXONOMY_VOCABULARY", "tags.yml")  # aliases, preferred names, descriptions
    min_count: int = setting("TAXONOMY_MIN_COUNT", 1, minimum=0)  # stories a term needs for a page of its own
    related_limit: int = setting("TAXONOMY_RELATED_LIMIT", 8, minimum=0)
    top_terms: int = setting("TAXONOMY_TOP_TERMS", 12, minimum=0)  # the most covered terms, above each A-Z index


# Slugs a term may not take: they name pages of the taxonomy itself.
RESERVED_SLUGS = frozenset({"page", "feed", "feeds", "index"})
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def fold(name: str) -> str:
    """The key two spellings of one term share: no case, accents, hyphens, punctuation or extra spaces.

    >>> fold("Al-Qaeda") == fold("al Qaeda") == fold("  AL  QAEDA. ")
    True
    >>> fold("C#") == fold("C++")
    False
    """
    return _fold_text(str(name))


@functools.lru_cache(maxsize=1 << 16)  # called for every tag of every story, each build
def _fold_text(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", spell_symbols(name))
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _PUNCTUATION.sub(" ", without_marks.casefold()).split()
    return " ".join(words) or name.strip().casefold()


@dataclass(frozen=True)
class VocabularyEntry:
    name: str
    description: str = ""
    image: str = ""


class Vocabulary:
    """The curator's controlled vocabulary (content/tags.yml): preferred names, aliases, descriptions.

    Format: a mapping `Preferred Name: {aliases: [...], description: "...", image: "..."}`
    (the value may be omitted, or be just a list of aliases).
    """

    def __init__(self, entries: dict[str, VocabularyEntry] | None = None, warnings: list[str] | None = None):
        self._entries = dict(entries or {})
        self.warnings = list(warnings or [])  # what was left out, one line each, naming the file

    @classmethod
    def from_mapping(cls, mapping: dict | None, source: str = "tags.yml") -> Vocabulary:
        entries: dict[str, VocabularyEntry] = {}
        warnings = []
        for preferred, spec in (mapping or {}).items():
            preferred = str(preferred).strip()
            if isinstance(spec, list):
                spec = {"aliases": spec}
            spec = spec or {}
            if not isinstance(spec, dict):
                raise ValueError(f"{source}: {preferred!r} must map to aliases, a description or an image")
            image = str(spec.get("image") or "")
            if image and safe_urls.image_url(image) is None:
                warnings.append(
                    f"{source}: {preferred!r}: image {image[:60]!r} is not a web address or a path "
                    "on this site; left out"
                )
                image = ""
            entry = VocabularyEntry(preferred, str(spec.get("description") or ""), image)
            for spelling in [preferred, *(str(alias) for alias in spec.get("aliases") or [])]:
                entries[fold(spelling)] = entry
        return cls(entries, warnings)

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        if not path.is_file():
            return cls()
        try:
            mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            raise ValueError(f"{path}{where}: invalid YAML: {getattr(error, 'problem', error)}") from None
        if mapping is not None and not isinstance(mapping, dict):
            raise ValueError(f"{path}: must be a mapping of preferred names to aliases")
        return cls.from_mapping(mapping, str(path))

    def lookup(self, name: str) -> VocabularyEntry | None:
        return self._entries.get(fold(name))

    def key(self, name: str) -> str:
        entry = self.lookup(name)
        return fold(entry.name) if entry else fold(name)


@dataclass(eq=False)
class Term:
    kind: str
    key: str
    name: str
    slug: str = ""
    description: str = ""
    image: str = ""
    articles: list = field(default_factory=list)
    related: list = field(default_factory=list)
    url: str | None = None  # None: below the minimum count, shown unlinked

    @property
    def count(self) -> int:
        return len(self.articles)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Term {self.kind}:{self.name}>"


def build_terms(
    kind: str,
    tagged: list[tuple[object, list[str]]],
    vocabulary: Vocabulary | None = None,
    min_count: float = Settings.min_count,  # float("inf"): no term has a page
    related_limit: int = Settings.related_limit,
) -> tuple[list[Term], dict[int, list[Term]]]:
    """Fold the names on each item into terms.

    `tagged` pairs each item (newest first) with its term names. Returns the terms sorted by
    display name, and for each item (by position in `tagged`) its terms in the order given.
    """
    vocabulary = vocabulary or Vocabulary()
    spellings: dict[str, Counter] = defaultdict(Counter)
    members: dict[str, list] = defaultdict(list)
    per_item_keys: list[list[str]] = []
    for item, names in tagged:
        keys = []
        for name in names:
            name = str(name).strip()
            if not name:
                continue
            key = vocabulary.key(name)
            if key in keys:
                continue
            keys.append(key)
            spellings[key][name] += 1
            members[key].append(item)
        per_item_keys.append(keys)

    terms: dict[str, Term] = {}
    for key in sorted(spellings):
        entry = vocabulary.lookup(key)
        if entry:
            name = entry.name
        else:  # the most used spelling; ties go to the alphabetically first, so the choice is stable
            name = min(spellings[key].items(), key=lambda pair: (-pair[1], pair[0]))[0]
        terms[key] = Term(
            kind=kind,
            key=key,
            name=name,
            description=entry.description if entry else "",
            image=entry.image if entry else "",
            articles=members[key],
        )
    _assign_slugs(terms.values())
    for term in terms.values():
        if term.count >= min_count:
            term.url = f"{kind}/{term.slug}/"
    _relate(terms, per_item_keys, related_limit)
    ordered = sorted(terms.values(), key=lambda term: (fold(term.name), term.name, term.slug))
    by_item = {index: [terms[key] for key in keys] for index, keys in enumerate(per_item_keys)}
    return ordered, by_item


def _assign_slugs(terms) -> None:
    """Readable ASCII slugs, unique within the kind; the term with the most stories keeps a contested one."""
    wanted: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        wanted[slugify(term.name, fallback="term")].append(term)
    taken = set(wanted)
    for slug, claimants in sorted(wanted.items()):
        claimants.sort(key=lambda term: (-term.count, term.key))
        for position, term in enumerate(claimants):
            if position == 0 and slug not in RESERVED_SLUGS:
                term.slug = slug
                continue
            candidate = with_suffix(slug, term.key)
            while candidate in taken:
                candidate = with_suffix(candidate, term.key)
            term.slug = candidate
            taken.add(candidate)


def _relate(terms: dict[str, Term], per_item_keys: list[list[str]], limit: int) -> None:
    """Each term's related terms: those that most often appear on the same stories."""
    together: dict[str, Counter] = defaultdict(Counter)
    for keys in per_item_keys:
        for key in keys:
            for other in keys:
                if other != key:
                    together[key][other] += 1
    for key, counts in together.items():
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], terms[pair[0]].name))
        terms[key].related = [terms[other] for other, _ in ranked if terms[other].url][:limit]


def index_letter(name: str) -> str:
    """The letter a term is filed under in an A-Z index: its first letter without accents, or "#"."""
    first = fold(name)[:1].upper()
    return first if first.isalpha() else "#"


def alphabetical(terms: list[Term]) -> list[tuple[str, list[Term]]]:
    """Terms (sorted by name) grouped under their index letters, in order: "#" first, then A to Z."""
    groups: dict[str, list[Term]] = {}
    for term in terms:
        groups.setdefault(index_letter(term.name), []).append(term)
    return sorted(groups.items(), key=lambda pair: (pair[0] != "#", pair[0]))


def most_covered(terms: list[Term], limit: int) -> list[Term]:
    """The `limit` terms with the most stories, ties by name; a term of one story is not among them
    (on a young site every term has one: a row of them would just repeat the index's first names)."""
    covered = [term for term in terms if term.count >= 2]
    return sorted(covered, key=lambda term: (-term.count, fold(term.name), term.slug))[: max(0, limit)]
