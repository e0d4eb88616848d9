"""The headline of a page, from the several a page gives (<h1>, og:title, JSON-LD headline,
twitter:title, <title>): each freed of the site's name or a byline glued on ("… | Eleanor
Ainge Roy", "… - Breitbart"), the site's generic title left out, and the one most of the
others agree with chosen. Plain functions."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from newsdigest.ingest.sources import key
from newsdigest.ingest.story import plain_text

# Separators sites put between a headline and their name: "|", " - ", "–", "—", "::", "·", "•", "»", "«".
_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|«|/)\s+|\s*\|\s*")
# Which candidate wins when as many others agree with each: what the page declares first. The
# visible <h1> is then shown if it agrees with the winner.
PREFERENCE = ("json-ld", "og", "h1", "twitter", "title")
FALLBACK = "heading"  # a heading of the main content: taken only when every other candidate is the site's name
AGREEMENT = 85  # rapidfuzz ratio from which two candidate headlines are the same headline
MAX_NAME_WORDS = 6  # a publisher's name is short; a longer "site name" is a headline put there


def _name_key(text: str) -> str:
    """A site's name compared blind to a leading "the" and a "www." ("The Guardian" = "Guardian")."""
    return re.sub(r"^(?:the|www)(?=\w{3})", "", key(text))


def _is_name(segment: str, names: list[str]) -> bool:
    """True when a title segment is one of the site's names (or its host, "Aktuálně.cz" for aktualne.cz)."""
    segment_key = _name_key(segment)
    if not segment_key:
        return True
    for name in names:
        name_key = _name_key(name)
        if name_key and (
            segment_key == name_key
            or (len(segment_key) >= 4 and name_key.startswith(segment_key))
            or (len(name_key) >= 4 and segment_key.startswith(name_key) and len(segment_key) - len(name_key) <= 4)
            or ("." not in name and _spells(segment, name_key))
        ):
            return True
    return False


def _spells(segment: str, label: str) -> bool:
    """True when a host's label is the name's words in order, each whole or by its initial
    ("The New York Times" for nytimes, "Los Angeles Times" for latimes, "USA Today")."""
    words = [word for word in (key(word) for word in segment.split()) if word]
    words = words[1:] if words[:1] == ["the"] else words
    if not 2 <= len(words) <= MAX_NAME_WORDS:
        return False
    ends = {0}
    for word in words:
        ends = {end + len(piece) for end in ends for piece in {word[:1], word} if label.startswith(piece, end)}
    return len(label) in ends


def strip_glued(text: str, names: list[str]) -> str:
    """A title without the site's name or a byline at either end ("Storm hits | The Times")."""
    text = plain_text(text)
    for _ in range(3):
        parts = _SEPARATOR.split(text)
        if len(parts) < 2:
            break
        if _is_name(parts[-1], names):
            text = _rejoin(text, len(parts) - 1, at_end=True)
        elif _is_name(parts[0], names):
            text = _rejoin(text, 1, at_end=False)
        else:
            break
    return text.strip()


def glued_name(text: str, names: list[str]) -> str:
    """The site's name as a title spells it at either end ("… | Aktuálně.cz" for aktualne.cz), or ""."""
    parts = _SEPARATOR.split(plain_text(text))
    return next((part.strip() for part in (parts[-1], parts[0]) if len(parts) > 1 and _is_name(part, names)), "")


def _rejoin(text: str, keep: int, at_end: bool) -> str:
    """The text before the last separator (at_end) or after the first one."""
    separators = list(_SEPARATOR.finditer(text))
    cut = separators[keep - 1] if at_end else separators[0]
    return text[: cut.start()] if at_end else text[cut.end() :]


def choose(candidates: list[tuple[str, str]], names: list[str]) -> str:
    """The headline from (kind, text) candidates, kinds as in PREFERENCE; "" when none is left.

    `names` are the site's names and the byline's names: glued on a candidate they are cut
    off, and a candidate that is nothing but one of them is the site's generic title."""
    cleaned = []
    for kind, text in candidates:
        headline = strip_glued(text or "", names)
        if headline and not _is_name(headline, names) and len(headline) <= 400:
            cleaned.append((kind, headline))
    if any(kind != FALLBACK for kind, _ in cleaned):
        cleaned = [(kind, headline) for kind, headline in cleaned if kind != FALLBACK]
    if not cleaned:
        return ""

    def support(headline: str) -> int:
        return sum(1 for _, other in cleaned if _agree(headline, other))

    def rank(item: tuple[str, str]) -> tuple[int, int]:
        kind, headline = item
        return (-support(headline), PREFERENCE.index(kind) if kind in PREFERENCE else len(PREFERENCE))

    winner = min(cleaned, key=rank)[1]
    return next(
        (
            headline
            for kind, headline in cleaned
            if kind == "h1" and _agree(headline, winner) and len(headline) <= len(winner)
        ),
        winner,
    )


def same_headline(one: str, other: str) -> bool:
    """Two texts are one headline, spelt alike or nearly."""
    a, b = key(one), key(other)
    return bool(a and b) and (a == b or fuzz.ratio(a, b) >= AGREEMENT)


def _agree(one: str, other: str) -> bool:
    """Two candidates are the same headline: nearly equal, or one is the other with a
    section or kicker glued on ("Storm hits the coast | World news")."""
    if same_headline(one, other):
        return True
    shorter, longer = sorted((key(one), key(other)), key=len)
    return len(shorter) >= 12 and (longer.startswith(shorter) or longer.endswith(shorter))


def publisher_name(declared: str, candidates: list[tuple[str, str]], hosts: list[str]) -> str:
    """The publisher's name: as the page declares it, unless that "name" is the story's headline
    (a site that sets og:site_name to each story's title); else as its <title> glues it on."""
    if declared and (
        len(declared.split()) <= MAX_NAME_WORDS
        or not any(kind != "title" and same_headline(declared, text) for kind, text in candidates)
    ):
        return declared
    return next(
        (name for kind, text in candidates if kind in ("title", "og") if (name := glued_name(text, hosts))),
        "",
    )


def names_site(candidates: list[tuple[str, str]], names: list[str]) -> bool:
    """True when the page's metadata titles (JSON-LD, OpenGraph, Twitter) are only the site's
    name: the metadata describe the site, not this story."""
    titles = [text for kind, text in candidates if kind in ("json-ld", "og", "twitter")]
    return bool(titles) and all(_is_name(strip_glued(text, names), names) for text in titles)
