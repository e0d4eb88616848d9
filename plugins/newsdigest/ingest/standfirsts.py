"""A story's standfirst from the page's description: one or two sentences of the story, at most
MAX_CHARS, or nothing. Never a dateline's fragment ("(Aug. 13) -- Declaring"), the headline
again in a call to read it ("Read 'Storm hits' on Example News."), or a whole paragraph. Plain
functions."""

from __future__ import annotations

import re

from newsdigest.ingest.story import plain_text

MAX_CHARS = 300
MAX_SENTENCES = 2
MIN_WORDS = 4  # fewer words are a fragment, not a sentence of the story
TRUNCATED = ("...", "…")
# A dateline opening a description: "(Aug. 13) --", "WASHINGTON (AP) —", "BERLIN, 13. Aug. (dpa) -".
_DATELINE = re.compile(
    r"^(?:[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{2,40}(?:,[^()\-–—]{1,30})?\s*(?:\([^()]{1,30}\)\s*)?|\([^()]{1,30}\)\s*)(?:--|—|–|-)\s+"
)
# A possible end of a sentence: a stop and any closing quote, then a space (none after CJK stops).
_STOP = re.compile(r"[.!?…][\"'”’»)]*\s+|[。！？]")
_WORD = re.compile(r"\w+")


def standfirst(description: str, headline: str) -> str:
    """The standfirst a page's description gives the story headed `headline`, or ""."""
    text = plain_text(description)
    if opening := _DATELINE.match(text):
        text = text[opening.end() :]
    if _repeats_headline(text, headline):
        return ""
    sentences = _sentences(text)
    if text.endswith(TRUNCATED) or len(text) > MAX_CHARS:
        sentences = [sentence for sentence in sentences if not sentence.endswith(TRUNCATED)]
        while sentences and len(" ".join(sentences)) > MAX_CHARS:
            sentences.pop()
    kept = " ".join(sentences[:MAX_SENTENCES])
    return kept if len(kept.split()) >= MIN_WORDS and len(kept) <= MAX_CHARS else ""


def _sentences(text: str) -> list[str]:
    """`text` cut after each sentence's final stop; the last piece may end without one. A stop
    after an initial, a short abbreviation or a day ("U.S. officials", "Aug. 13", "am 13. Mai") or before
    a lower-case word ends no sentence."""
    pieces, start = [], 0
    for stop in _STOP.finditer(text):
        following = text[stop.end() : stop.end() + 2].lstrip("\"'“‘«(")
        word = text[: stop.start()].rsplit(None, 1)[-1] if text[: stop.start()].strip() else ""
        # "Aug. 13", "U.S.", and a German ordinal day ("am 13. August")
        abbreviation = (len(word) <= 3 and word[:1].isupper()) or "." in word or (word.isdigit() and len(word) <= 2)
        if stop.group(0).strip() in "。！？" or (
            (following[:1].isupper() or following[:1].isdigit()) and not abbreviation
        ):
            pieces.append(text[start : stop.end()].strip())
            start = stop.end()
    pieces.append(text[start:].strip())
    return [piece for piece in pieces if piece]


def _repeats_headline(text: str, headline: str) -> bool:
    """The headline again with a few words around it ("Read 'Storm hits…' on Example News.")."""
    words = [word.casefold() for word in _WORD.findall(text)]
    headline_words = {word.casefold() for word in _WORD.findall(headline)}
    shared = sum(1 for word in words if word in headline_words)
    return shared >= min(3, len(headline_words)) and len(words) - shared < MIN_WORDS + 2
