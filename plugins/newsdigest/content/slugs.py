"""Slugs: short, readable, path-safe names made from any text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from unidecode import unidecode

MAX_SLUG_LENGTH = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Symbols that tell names apart ("C#", "C++", "F#", ".NET"), spelled out before punctuation is dropped.
_SPOKEN_SYMBOLS = (
    (re.compile(r"(?<=\w)#"), " sharp "),
    (re.compile(r"(?<=\w)\+\+"), " plus plus "),
    (re.compile(r"(?<=\w)\+(?!\w)"), " plus "),
    (re.compile(r"(?<![\w.])\.(?=[^\W\d_])"), "dot "),
)


def spell_symbols(text: str) -> str:
    """'C#' -> 'C sharp', 'C++' -> 'C plus plus', '.NET' -> 'dot NET': names that differ only in a
    symbol stay apart once punctuation is gone."""
    for pattern, spoken in _SPOKEN_SYMBOLS:
        text = pattern.sub(spoken, text)
    return text


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH, fallback: str = "") -> str:
    """ASCII slug of `text`: only [a-z0-9-], no leading/trailing dash, cut at a word boundary.

    Returns `fallback` (or a hash of the text when that is empty too) when nothing
    readable is left, so a slug is never empty and never a path.
    """
    ascii_text = unidecode(spell_symbols(unicodedata.normalize("NFKC", str(text)))).lower()
    ascii_text = ascii_text.replace("'", "").replace("&", " and ")
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
        slug = slug[:max_length].strip("-")
    if not slug:
        slug = fallback or "item-" + short_hash(str(text))
    return slug


def short_hash(text: str, length: int = 6) -> str:
    """A short, stable hex digest used to tell apart items that share a slug."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def with_suffix(slug: str, key: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """`slug` plus a short stable suffix derived from `key`, still within `max_length`."""
    suffix = short_hash(key)
    return f"{slug[: max_length - len(suffix) - 1].rstrip('-')}-{suffix}"
