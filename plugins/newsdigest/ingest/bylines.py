"""Bylines as names: "By Jane Doe and John Roe in Paris | Updated 21 Nov 2015, 941 comments"
-> ["Jane Doe", "John Roe"]. Plain functions."""

from __future__ import annotations

import re
import unicodedata

from newsdigest.ingest.story import plain_text

# "By" in the languages of the sources a digest quotes.
_LEAD = re.compile(
    r"^(?:(?:written|posted|story|text|words|reported|published|compiled|veröffentlicht|eingestellt|erstellt|"
    r"(?:blog\s*|gast)?beitrag|"
    # "Ein Interview von", "A commentary by": the kind of piece, then the writer.
    r"(?:(?:ein|eine|an?)\s+)?(?:interview|kommentar|gastkommentar|essay|analyse|reportage|kolumne|commentary|column)|"
    r"geschrieben|verfasst|publié|écrit|rédigé|escrito|publicado|scritto|pubblicato)\s+)?"
    r"(?:by|par|von|por|di|da|door|av|af|przez|od|от|di\s+redazione)\s*:?\s+|"
    # A label before the names: "Author: Jane Doe", "Autorin Jane Doe", "FOCUS-Online-Experte Jane Doe".
    r"^(?:authors?|autor|autorin|autoren|auteurs?|autore|autores|text|texte|byline|interview|(?:[\w-]+-)?(?:experte|expertin))\b\s*:?\s*",
    re.I,
)
_LEAD_WORD = re.compile(r"by|par|von|por|di|da|door|av|af|przez|od", re.I)
# Where the names end: a date, a time, a count, a role or a place.
_TAIL = re.compile(
    r"\s*(?:[|•·—–]|\s-\s|\bupdated\b|\bpublished\b|\bposted\b|\bpubli[ée]\b|\bmis à jour\b|"
    r"\b(?:veröffentlicht|publiziert|aktualisiert|erschienen|publicado|actualizado|pubblicato|aggiornato)\b|\d{1,2}[:.]\d{2}|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b|"
    # "am 21. April 2020", "le 3 mars": the date after a German, French or Spanish byline.
    r"\b(?:am|on|le|el)(?:\s+\d{1,2}\.?\s|\s*$)|\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|"
    r"\b\d[\d,.]*\s*(?:comments?|shares?|views?|min(?:ute)?s?\b)|\b(?:comments?|shares?)\s*$|"
    r"\b(?:in|à|en)\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?\s*$|"
    # Whom the writer spoke with, or whose material was used: "Jane Doe mit Ann Lee", "Jane Doe with Reuters".
    r"\s(?:mit|with)\s+(?:(?-i:[A-Z])|\w{2,5}(?:/\w+)?\s*$)|"
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
# "and agencies", "with wire services", "Staff": no person, but "Jörg Staff" is one.
_AGENCIES = re.compile(r"\b(?:and|with)\s+(?:agencies|wire services|staff)\b|^\s*(?:agencies|staff)\s*$", re.I)
# A name, its outlet and "Staff": "Adam Aaron PhillyVoice Staff".
_OUTLET_STAFF = re.compile(r"^(?P<name>\S+(?:\s+\S+)+?)\s+\S+\s+staff$", re.I)
# "and" in any case ("Glen Owen And Brendan Carlin": title-cased bylines); one-letter words only in
# lower case, since "E" or "Y" may be an initial.
_SEPARATORS = re.compile(r"\s*(?:,|;|&|\s/\s|\b(?i:and|et|und)\b|\by\b|\be\b|\bog\b|\boch\b)\s*")
# An outlet or an affiliation after the names: "for The Mail on Sunday", "from University of Michigan".
_FOR_OUTLET = re.compile(
    r"\s+(?i:for|from)\s+(?:(?i:the)\s+)?[A-Z][\w.]*(?:\s+(?:(?:of|on|de|du|der|für|and|the)\s+)?[A-Z][\w.]*)*$"
)
# An address or a social handle beside a name: "Williams Perdomo @wperdomod".
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|(?<!\S)@\w+")
# What comes before the lead word in a dated byline: "Posted on September 21, 2020 by Jane Doe",
# "22.11.2022 Jane Doe", "04.02.2022 | 13:10 Uhr | Jane Doe".
_DATED_LEAD = re.compile(
    r"^(?:posted|published|veröffentlicht|publié|publicado|pubblicato)\b[^|]*?\s(?=(?:by|von|par|por|di)\s)|"
    r"^(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2})(?:\s*[|,–-]?\s*\d{1,2}[:.]\d{2}(?:\s*uhr)?)?\s*[|,–-]?\s*",
    re.I,
)
# A user name: "mh", "fri.juli", "det/dpa" (an agency's and its editor's initials).
_HANDLE = re.compile(r"[^\W_][\w.-]{0,29}(?:/[^\W_][\w.-]{0,29})?")
# The name of a site's account, not of a person: "admin", "wordpressadmin", "webmaster".
_ACCOUNT = re.compile(r"admin|webmaster|^(?:root|user|guest|gast|editor|name|anonymous|anonym|staff)$", re.I)
# An advertisement's label where a forum or a feed puts its poster's name.
_AD_LABEL = re.compile(r"gesponserte?\s+inhalte?|sponsored(?:\s+(?:content|post))?|anzeige|werbung|advertisement", re.I)
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
# An agency glued to a full name: "Peter Maahn/SP-X", "Jane Doe/dpa" (not a handle's "det/dpa").
_SLASH_AGENCY = re.compile(r"(?<=\w)/[^\W\d_][\w-]{0,11}$")
# The legal form or the kind of an organisation, as the last word of its name.
_ORGANISATION = re.compile(
    r"\b(?:GmbH|AG|SE|KG|OHG|e\.\s?V|Ltd|Inc|LLC|PLC|plc|Corp|S\.A|SA|SARL|BV|NV)\.?$|"
    r"\b(?i:verlag|online|media|medien|group|gruppe|redaktion|newsroom)$|\w(?i:verband|verlag)$"
)
# A dateline: a place, then the agency in brackets and a dash.
_DATELINE = re.compile(r"^[^\W\d_][\w.' /-]{1,40}?\s*\((?P<agency>[^\W\d_][\w/.-]{0,15})\)\s*[–—-]\s")
MAX_SIGNED = 100  # a longer line is a sentence, not a byline
# Articles that start a heading, never a name: "By The Numbers", "Von Der Idee zum Produkt".
_ARTICLES = frozenset("The A An Der Die Das Dem Den Ein Eine Le La Les Un Une El Los Las Il Lo".split())


def names(byline: str, handles: bool = False) -> list[str]:
    """The people a byline names, in order, without "By", dates, counts, roles or places. With
    `handles` (a field that can only hold an author: JSON-LD, meta author, rel=author), a user
    name in lower case counts too ("mh", "det/dpa")."""
    text = _cleaned(byline)
    if handles and _HANDLE.fullmatch(text.strip()) and not _ACCOUNT.search(text) and not _LEAD_WORD.fullmatch(text):
        return [text.strip()]
    found = []
    for index, part in enumerate(_SEPARATORS.split(text)):
        if index and (_ROLES.search(part) or _DEGREE.fullmatch(part.strip())):
            continue  # "Jane Doe, Rural Affairs Correspondent", "Jane Doe, PhD": a role, not a name
        part = _AGENCIES.sub("", _OUTLET_STAFF.sub(r"\g<name>", part.strip()))
        role = _ROLES.search(part)
        if role and not role.group(0).startswith(",") and len(part[: role.start()].split()) == 1:
            continue  # "Sports Reporter", "Rasender Reporter": the word qualifies the role, names no one
        part = (part[: role.start()] if role else part).strip(" ,:;-–—()")
        part = _SLASH_AGENCY.sub("", part) if " " in part else part
        part = _LEAD.sub("", part)
        part = part if _ABBREVIATED_END.search(part) else part.rstrip(" .")
        if _an_institution(part):
            return []  # "Landesanstalt für Wald und Forstwirtschaft": no "Forstwirtschaft" out of it
        if (
            part
            and len(part) <= MAX_NAME
            and _NAME.fullmatch(part)
            and _capitalised(part)
            and not _LEAD_WORD.fullmatch(part)
            and not _AD_LABEL.fullmatch(part)
        ):
            part = _once(part)
            found.append(part.title() if part.isupper() and " " in part else part)  # "JANIE HAR" -> "Janie Har"
    return _without_places(found)


def _without_places(found: list[str]) -> list[str]:
    """Without a single capitalised word among full names: the place of a dateline ("Markus
    Haefel, London, Beat Bumm"), not a person; an agency's capitals ("Jane Doe, AP") stay."""
    if not any(" " in name for name in found):
        return found
    return [name for name in found if " " in name or name.isupper() or not name[:1].isupper()]


def _once(name: str) -> str:
    """A name printed twice in one element (a visible and a screen-reader copy) once:
    "Olivier Minot Olivier Minot" -> "Olivier Minot"."""
    words = name.split()
    half = len(words) // 2
    return " ".join(words[:half]) if len(words) % 2 == 0 and half >= 2 and words[:half] == words[half:] else name


def _an_institution(part: str) -> bool:
    """A capitalised phrase with a lower-case word in it, not a particle: an institution's name
    ("Bayerische Landesanstalt für Wald"), which the separators must not cut into names."""
    words = part.split()
    return len(words) >= 3 and words[0][:1].isupper() and not _capitalised(part)


def _cleaned(byline: str) -> str:
    """The byline without its lead word, address, date, place or outlet."""
    text = plain_text(byline).replace("\u00ad", "")  # soft hyphens: "Mat-thi-as" is "Matthias"
    text = _EMAIL_OR_URL.sub(" ", text)
    text = _LEAD.sub("", _DATED_LEAD.sub("", text.strip()))
    text = _TAIL.sub("", _TAIL.sub("", text))  # "… in Paris | Updated …": the date, then the place
    return _FOR_OUTLET.sub("", text)


def signed(line: str) -> list[str]:
    """The names of a line of plain text that is nothing but a byline ("Von Anna Berg und Jonas
    Wild", "Por Agencia EFE", "Written by: Jane Doe"): a lead word, then names of two to four
    capitalised words each, and nothing else; [] for any other line ("Von Kopf bis Fuß", "By the
    numbers"), since a heading or a sentence can start with the same word."""
    text = plain_text(line).lstrip("-–—•* ")
    if len(text) > MAX_SIGNED or not _LEAD.match(text):
        return []
    parts = [part.strip() for part in _SEPARATORS.split(_cleaned(text)) if part.strip()]
    found = names(text)
    if len(parts) >= 2 and " " not in parts[-1]:  # "Von Jane Doe, dpa": the agency she wrote for
        found = [name for name in found if name != parts[-1]]
        parts = parts[:-1]
    shaped = all(2 <= len(name.split()) <= 4 and name.split()[0] not in _ARTICLES for name in found)
    return found if found and len(found) == len(parts) and shaped else []


def dateline_agency(paragraph: str) -> list[str]:
    """The agency a story's dateline credits: "Hamburg (dpa/lno) – …" -> ["dpa/lno"],
    "WASHINGTON (AP) — …" -> ["AP"]."""
    found = _DATELINE.match(plain_text(paragraph))
    return [found.group("agency")] if found else []


def is_organisation(name: str) -> bool:
    """A company's or an association's name, by its legal form or kind ("Web Commerce GmbH",
    "Deutscher Caritasverband e. V.", "Suedtirol Online"): no person, where a field gives it."""
    return _ORGANISATION.search(name.strip()) is not None


def spells(slug: str, name: str) -> bool:
    """A URL's slug or a user name that spells a person's name: "kathrin-fuehres-684124" for
    "Kathrin Führes", "gabor_munier" for "Gàbor Muniér", "christian.stadtfeld" for "Christian P.
    Stadtfeld" (a middle initial left out)."""
    letters = re.sub(r"[^a-z]", "", slug.casefold())
    words = [word for word in name.split() if not _ABBREVIATED_END.search(f" {word}")]
    spellings = {_folded("".join(words), umlauts) for umlauts in (False, True)}
    return len(words) >= 2 and any(len(spelled) >= 4 and letters == spelled for spelled in spellings)


def full_name(handle: str, text: str) -> str:
    """The full name a text gives for a user name made of a person's names ("christian.stadtfeld"
    -> "Christian P. Stadtfeld"), or ""."""
    parts = [part for part in re.split(r"[._-]", handle) if part]
    if len(parts) != 2 or not all(part.isalpha() for part in parts):
        return ""
    shape = re.compile(r"\b[^\W\d_][\w'’-]+(?:\s+[^\W\d_]\.)?\s+[^\W\d_][\w'’-]+")
    return next(
        (
            found.group()
            for found in shape.finditer(text)
            if _capitalised(found.group()) and spells(handle, found.group())
        ),
        "",
    )


def _folded(text: str, umlauts: bool) -> str:
    """Letters without their accents ("Muniér" -> "munier"), or with German umlauts spelled out
    ("Führes" -> "fuehres")."""
    text = text.casefold()
    if umlauts:
        text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", text))


def is_handle(name: str) -> bool:
    """A user name, not a person's: "arianschlichenmayer", "det/dpa", "delta201"."""
    return not _capitalised(name)


def in_author_field(value: str) -> list[str]:
    """The people a field that holds only an author names (meta author): as `names` with user
    names, and a first name with its surname typed in lower case ("Mobasir hassan"), a person
    all the same."""
    words = _cleaned(value).split()
    typed = len(words) == 2 and words[0][:1].isupper() and words[1].isalpha() and words[1].islower()
    return names(value, handles=True) or ([" ".join(words)] if typed else [])


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
