"""Bylines as names: "By Jane Doe and John Roe in Paris | Updated 21 Nov 2015, 941 comments"
-> ["Jane Doe", "John Roe"]. Plain functions."""

from __future__ import annotations

import re

from newsdigest.ingest.story import plain_text

# "By" in the languages of the sources a digest quotes.
_LEAD = re.compile(r"^(?:written\s+)?(?:by|par|von|por|di|da|door|av|af|przez|od|от|di\s+redazione)\s*:?\s+", re.I)
_LEAD_WORD = re.compile(r"by|par|von|por|di|da|door|av|af|przez|od", re.I)
# Where the names end: a date, a time, a count, a role or a place.
_TAIL = re.compile(
    r"\s*(?:[|•·—–]|\bupdated\b|\bpublished\b|\bposted\b|\bpubli[ée]\b|\bmis à jour\b|\d{1,2}[:.]\d{2}|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|"
    r"\b\d[\d,.]*\s*(?:comments?|shares?|views?|min(?:ute)?s?\b)|"
    r"\b(?:in|à|en)\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?\s*$).*$",
    re.I,
)
_ROLES = re.compile(
    r",?\s*\b(?:senior |chief |staff |deputy |political |foreign |special |contributing |associate |"
    r"senior political |executive )*(?:writer|reporter|correspondent|editor|columnist|contributor|producer|"
    r"journalist|photographer|analyst|critic|rédacteur|rédactrice|journaliste|envoyée? spéciale?)s?\b.*$",
    re.I,
)
_AGENCIES = re.compile(r"\b(?:and |with )?(?:agencies|wire services|staff)\b", re.I)
_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bet\b|\bund\b|\by\b|\be\b|\bog\b|\boch\b)\s*")
_FOR_OUTLET = re.compile(r"\s+for\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*$")
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_NAME = re.compile(r"[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){0,4}")
# Lower-case words a name may hold: "Ursula von der Leyen", "Ahmed bin Salman".
_PARTICLES = {
    "de",
    "del",
    "della",
    "der",
    "den",
    "di",
    "da",
    "das",
    "do",
    "dos",
    "du",
    "la",
    "le",
    "van",
    "von",
    "al",
    "el",
    "bin",
    "ibn",
    "y",
    "e",
    "zu",
    "ter",
    "ten",
}
MAX_NAME = 60


def names(byline: str) -> list[str]:
    """The people a byline names, in order, without "By", dates, counts, roles or places."""
    text = plain_text(byline)
    text = _EMAIL_OR_URL.sub(" ", text)
    text = _LEAD.sub("", text.strip())
    text = _TAIL.sub("", _TAIL.sub("", text))  # "… in Paris | Updated …": the date, then the place
    text = _FOR_OUTLET.sub("", text)
    found = []
    for index, part in enumerate(_SEPARATORS.split(text)):
        if index and _ROLES.search(part):  # "Jane Doe, Rural Affairs Correspondent": a role, not a name
            continue
        part = _ROLES.sub("", _AGENCIES.sub("", part)).strip(" .,:;-–—()")
        part = _LEAD.sub("", part)
        if (
            part
            and len(part) <= MAX_NAME
            and _NAME.fullmatch(part)
            and _capitalised(part)
            and not _LEAD_WORD.fullmatch(part)
        ):
            found.append(part.title() if part.isupper() and " " in part else part)  # "JANIE HAR" -> "Janie Har"
    return found


def _capitalised(name: str) -> bool:
    """Every word of a name starts with a capital, but particles: "About the author" is no name."""
    words = name.split()
    return words[0][:1].isupper() and all(word[:1].isupper() or word in _PARTICLES for word in words[1:])


def merge(*lists: list[str], exclude: tuple[str, ...] = ()) -> list[str]:
    """Names from several places, each once (case-blind), in first-seen order; names that are,
    or hold, one of `exclude` (the publisher: "CNN", "CNN Business") left out."""
    excluded = [re.compile(rf"\b{re.escape(name)}\b", re.I) for name in exclude if name]
    seen = set()
    merged = []
    for names_list in lists:
        for name in names_list:
            if name.casefold() not in seen and not any(pattern.search(name) for pattern in excluded):
                seen.add(name.casefold())
                merged.append(name)
    return merged
