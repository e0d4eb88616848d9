"""Page furniture (share rails, related links, newsletter prompts, ad labels, gallery chrome):
the patterns live in furniture.yml beside this module, as data; these functions apply them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

PATTERNS_FILE = Path(__file__).with_name("furniture.yml")
KINDS = ("blocks", "story", "lines", "links", "images")
# Attributes whose words name what an element is for.
NAMING_ATTRIBUTES = ("class", "id", "data-component", "data-testid")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD_SPLIT = re.compile(r"[\s_]+")
MAX_LINE = 300  # furniture lines are short; a longer paragraph is never only furniture


@dataclass(frozen=True)
class Pattern:
    kind: str  # one of KINDS
    source: str
    example: str
    regex: re.Pattern


@functools.cache
def patterns() -> tuple[Pattern, ...]:
    data = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    found = []
    for kind in KINDS:
        for entry in data.get(kind, []):
            source = str(entry["pattern"])
            if kind in ("blocks", "story"):  # one word of a class or id, in full; "-" joins words of one name
                regex = re.compile(rf"(?:^|-)(?:{source})(?:$|-)", re.I)
            elif kind == "lines":  # the whole paragraph
                regex = re.compile(rf"(?:{source})[.!…]?", re.I)
            else:
                regex = re.compile(source, re.I)
            found.append(Pattern(kind, source, str(entry["example"]), regex))
    return tuple(found)


@functools.cache
def landmarks() -> tuple[Pattern, ...]:
    """Tags and roles of landmarks that are not the page's content (<nav>, role="complementary")."""
    data = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    return tuple(
        Pattern("landmarks", str(entry["pattern"]), str(entry["example"]), re.compile(str(entry["pattern"]), re.I))
        for entry in data.get("landmarks", [])
    )


@functools.cache
def _of_kind(kind: str) -> re.Pattern:
    """One alternation of every pattern of `kind`: a page asks about tens of thousands of names,
    and one regex scans each once instead of once per pattern."""
    return re.compile("|".join(f"(?:{pattern.regex.pattern})" for pattern in patterns() if pattern.kind == kind), re.I)


@functools.cache
def _landmark_regex() -> re.Pattern:
    return re.compile("|".join(f"(?:{pattern.source})" for pattern in landmarks()), re.I)


def names_of(element) -> list[str]:
    """The words an element's class, id and component attributes give it, lower case:
    "ArticleShare_bar share-tools" -> ["article-share", "bar", "share-tools"]."""
    words: list[str] = []
    for attribute in NAMING_ATTRIBUTES:
        value = element.get(attribute)
        if value:
            words.extend(_words_of(value))
    return words


@functools.lru_cache(maxsize=8192)
def _words_of(value: str) -> tuple[str, ...]:
    # A page repeats its class names thousands of times, and ingest asks about each element more than once.
    return tuple(word.lower() for word in _WORD_SPLIT.split(_CAMEL.sub("-", value)) if word)


def is_furniture_name(name: str) -> bool:
    return _of_kind("blocks").search(name) is not None


def is_landmark(element) -> bool:
    """True for a landmark that is not content: <nav>, <aside>, <footer>, role="navigation"…."""
    roles = (element.get("role") or "").lower().split()
    landmark = _landmark_regex()
    return any(isinstance(value, str) and landmark.fullmatch(value) for value in (element.tag, *roles))


def is_furniture_element(element) -> bool:
    names = names_of(element)
    story = _of_kind("story")
    return (is_landmark(element) or any(is_furniture_name(name) for name in names)) and not any(
        story.search(name) for name in names
    )


def is_furniture_line(text: str) -> bool:
    """True when a paragraph is nothing but furniture ("Continue reading the main story")."""
    text = text.strip()
    return bool(text) and len(text) <= MAX_LINE and _of_kind("lines").fullmatch(text) is not None


def is_furniture_link(url: str) -> bool:
    return _of_kind("links").search(url) is not None


def is_furniture_image(url: str, alt: str) -> bool:
    """True when an image's address or alt text says it is a logo, an icon or an avatar."""
    path = url.split("?", 1)[0]
    images = _of_kind("images")
    return images.search(path) is not None or images.search(alt) is not None
