"""A story as ingest understands it, between a raw input and a Markdown file."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field


class IngestError(Exception):
    """An input that cannot become a story; the message is the reason, for one line."""


@dataclass
class Story:
    title: str
    paragraphs: list[str]  # Markdown paragraphs, boilerplate removed
    subtitle: str = ""
    date: dt.datetime | None = None  # aware, or naive when the input gave no zone
    source: str = ""
    source_url: str = ""
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    image: str = ""
    image_credit: str = ""
    tags: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    section: str = ""
    guid: str = ""  # a feed entry's id, to skip it next time

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


_SPACES = re.compile(r"\s+")
# Zone abbreviations news pages print after a time, for dateutil (which knows none by default).
ZONE_ABBREVIATIONS = {name: hours * 3600 for name, hours in {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3, "IST": 5.5,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AEST": 10, "AEDT": 11, "JST": 9}.items()}


def one_line(text: str) -> str:
    """Text with every run of white space (newlines included) made one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fingerprint(title: str, body: str) -> str:
    """The same story, however it was spaced or cased, has the same fingerprint."""
    normalised = one_line(f"{title}\n{body}").casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


def safe_markdown(paragraph: str) -> str:
    """A paragraph of scraped text made inert as Markdown: `<` can open no HTML tag, and links
    and images keep only web addresses (a javascript: link becomes its text)."""
    paragraph = paragraph.replace("<", "&lt;")

    def keep_if_safe(match: re.Match) -> str:
        bang, text, url = match.groups()
        if url.lower().startswith(_SAFE_SCHEMES):
            return match.group(0)
        return text

    return _LINK.sub(keep_if_safe, paragraph)
