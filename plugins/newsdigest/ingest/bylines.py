"""Bylines as names: "By Jane Doe and John Roe in Paris | Updated 21 Nov 2015, 941 comments"
-> ["Jane Doe", "John Roe"]. Plain functions."""

from __future__ import annotations

import re

from newsdigest.ingest.story import plain_text

# "By" in the languages of the sources a digest quotes.
_LEAD = re.compile(
    r"^(?:(?:written|posted|story|text|words|reported|published|compiled|veröffentlicht|eingestellt|erstellt|"
    r"geschrieben|verfasst|publié|écrit|rédigé|escrito|publicado|scritto|pubblicato)\s+)?"
    r"(?:by|par|von|por|di|da|door|av|af|przez|od|от|di\s+redazione)\s*:?\s+|"
    # A label before the names: "Author: Jane Doe", "Autorin Jane Doe", "FOCUS-Online-Experte Jane Doe".
    r"^(?:authors?|autor|autorin|autoren|auteurs?|autore|text|texte|byline|(?:[\w-]+-)?(?:experte|expertin))\b\s*:?\s*",
    re.I,
)
_LEAD_WORD = re.compile(r"by|par|von|por|di|da|door|av|af|przez|od", re.I)
# Where the names end: a date, a time, a count, a role or a place.
_TAIL = re.compile(
    r"\s*(?:[|•·—–]|\bupdated\b|\bpublished\b|\bposted\b|\bpubli[ée]\b|\bmis à jour\b|\d{1,2}[:.]\d{2}|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|"
    r"\b\d[\d,.]*\s*(?:comments?|shares?|views?|min(?:ute)?s?\b)|"
    r"\b(?:in|à|en)\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?\s*$|"
    # A weekday that starts the date: "Jane Doe Thursday, November 9".
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|"
    r"freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|"
    r"jueves|viernes|sábado)\b\s*(?:[,.\d]|$)).*$",
    re.I,
)
_ROLES = re.compile(
    r",?\s*\b(?:(?:senior|chief|deputy|contributing|associate|executive|managing|special)\s+(?:[\w-]+\s+){0,2}?)?"
    r"(?:staff |political |foreign |special |senior )*(?:writer|reporter|correspondent|editor|columnist|"
    r"contributor|producer|journalist|photographer|analyst|critic|rédacteur|rédactrice|journaliste|philosophe|"
    r"envoyée? spéciale?|redakteur|redakteurin|korrespondent|korrespondentin)s?\b.*$",
    re.I,
)
_AGENCIES = re.compile(r"\b(?:and |with )?(?:agencies|wire services|staff)\b", re.I)
_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bet\b|\bund\b|\by\b|\be\b|\bog\b|\boch\b)\s*")
_FOR_OUTLET = re.compile(r"\s+for\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*$")
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
# A user name: "mh", "fri.juli", "det/dpa" (an agency's and its editor's initials).
_HANDLE = re.compile(r"[^\W_][\w.-]{0,29}(?:/[^\W_][\w.-]{0,29})?")
# The name of a site's account, not of a person: "admin", "wordpressadmin", "webmaster".
_ACCOUNT = re.compile(r"admin|webmaster|^(?:root|user|guest|gast|editor|name|anonymous|anonym)$", re.I)
_DEGREE = re.compile(r"(?:ph\.?\s?d|m\.?d|d\.?phil|msc|mba|bsc|m\.?a|b\.?a|rd|rn|mph|esq)\.?", re.I)
# A name that ends with an abbreviation keeps its full stop: "Perry Bacon Jr.", "R. R.".
_ABBREVIATED_END = re.compile(r"(?:^|\s)(?:[^\W\d_]|jr|sr)\.$", re.I)
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


def names(byline: str, handles: bool = False) -> list[str]:
    """The people a byline names, in order, without "By", dates, counts, roles or places. With
    `handles` (a field that can only hold an author: JSON-LD, meta author, rel=author), a user
    name in lower case counts too ("mh", "det/dpa")."""
    text = plain_text(byline)
    text = _EMAIL_OR_URL.sub(" ", text)
    text = _LEAD.sub("", text.strip())
    text = _TAIL.sub("", _TAIL.sub("", text))  # "… in Paris | Updated …": the date, then the place
    text = _FOR_OUTLET.sub("", text)
    if handles and _HANDLE.fullmatch(text.strip()) and not _ACCOUNT.search(text):
        return [text.strip()]
    found = []
    for index, part in enumerate(_SEPARATORS.split(text)):
        if index and (_ROLES.search(part) or _DEGREE.fullmatch(part.strip())):
            continue  # "Jane Doe, Rural Affairs Correspondent", "Jane Doe, PhD": a role, not a name
        part = _ROLES.sub("", _AGENCIES.sub("", part)).strip(" ,:;-–—()")
        part = _LEAD.sub("", part)
        part = part if _ABBREVIATED_END.search(part) else part.rstrip(" .")
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
    """Names from several places, each once (case-blind), in first-seen order, without the
    publisher (one of `exclude`): a name that is, or holds, the publisher's ("CNN", "CNN
    Business") left out, but for a person's name with the publisher's glued on at its end
    ("Adam Aaronson PhillyVoice")."""
    excluded = [re.compile(rf"\b{re.escape(name)}\b", re.I) for name in exclude if name]
    seen = set()
    merged = []
    for names_list in lists:
        for name in names_list:
            for pattern in excluded:
                name = _without_publisher(name, pattern)
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                merged.append(name)
    return merged


def _without_publisher(name: str, publisher: re.Pattern) -> str:
    found = publisher.search(name)
    if found is None:
        return name
    person = name[: found.start()].strip()
    words = person.split()
    glued = found.end() == len(name) and len(words) >= 2 and _capitalised(person) and words[-1] not in _PARTICLES
    return person if glued else ""
