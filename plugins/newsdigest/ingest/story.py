"""A story as ingest understands it, between a raw input and a Markdown file."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from dataclasses import dataclass, field

from newsdigest.content.model import one_line, visible_text


class IngestError(Exception):
    """An input that cannot become a story; the message is the reason, for one line."""


@dataclass(frozen=True)
class Block:
    """One block of a story's body: its Markdown, and the plain text a reader sees of it
    (what furniture patterns and the tagger read)."""

    markdown: str
    text: str


@dataclass
class Story:
    title: str
    paragraphs: list[str]  # Markdown blocks (paragraphs, lists, quotes, figures), boilerplate removed
    subtitle: str = ""
    # aware, or naive when the input gave no zone; a date alone when the input gave no time
    date: dt.datetime | dt.date | None = None
    source: str = ""
    source_url: str = ""
    authors: list[str] = field(default_factory=list)
    contributors: list[str] = field(default_factory=list)
    image: str = ""
    image_alt: str = ""
    image_credit: str = ""
    image_caption: str = ""
    tags: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    section: str = ""
    lang: str = ""
    guid: str = ""  # a feed entry's id, to skip it next time
    plain_paragraphs: list[str] = field(default_factory=list)  # the text of each of `paragraphs`
    notes: list[str] = field(default_factory=list)  # what was cut or left out, for the curator

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    def add(self, block: Block) -> None:
        self.paragraphs.append(block.markdown)
        self.plain_paragraphs.append(block.text)


_SPACES = re.compile(r"\s+")
# Zone abbreviations news pages print after a time, for dateutil (which knows none by default).
ZONE_ABBREVIATIONS = {
    name: int(hours * 3600)
    for name, hours in {
        "UTC": 0,
        "GMT": 0,
        "Z": 0,
        "BST": 1,
        "CET": 1,
        "CEST": 2,
        "EET": 2,
        "EEST": 3,
        "IST": 5.5,
        "EST": -5,
        "EDT": -4,
        "CST": -6,
        "CDT": -5,
        "MST": -7,
        "MDT": -6,
        "PST": -8,
        "PDT": -7,
        "AEST": 10,
        "AEDT": 11,
        "JST": 9,
    }.items()
}


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def decode_entities(text: str) -> str:
    """Text with entities decoded, twice over when a publisher escaped them twice ("&amp;quot;")."""
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def plain_text(value: str) -> str:
    """Scraped text as a reader should see it, on one line: entities decoded, tags that leaked
    into the text removed ("<u>x</u>"), and no invisible characters (a zero-width space inside
    a byline's name, a right-to-left override in a headline)."""
    return one_line(visible_text(_TAG.sub("", decode_entities(value or ""))))


def fingerprint(title: str, body: str) -> str:
    """The same story, however it was spaced or cased, has the same fingerprint."""
    normalised = one_line(f"{title}\n{body}").casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


# A Markdown link or image; an escaped bracket ("\[x\]") is text, not one.
_LINK = re.compile(r"(?<!\\)(!?)\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#")
# The only HTML ingest itself writes into Markdown: figures and their captions, and the inline
# marks Markdown has no syntax for. Attribute-free (or with these fixed attributes), so inert.
SAFE_TAGS = r'(?:/?(?:sup|sub|small|figure|figcaption)|figure markdown="1"|figcaption markdown="span")>'
_UNSAFE_TAG_OPENING = re.compile(rf"<(?!{SAFE_TAGS})")


def safe_markdown(paragraph: str) -> str:
    """A block of Markdown made inert: no `<` opens an HTML tag but ingest's own figure and
    inline marks (SAFE_TAGS), and links and images keep only web addresses (a javascript: link
    becomes its text)."""
    paragraph = _UNSAFE_TAG_OPENING.sub("&lt;", paragraph)

    def keep_if_safe(match: re.Match) -> str:
        _bang, text, url = match.groups()
        if url.lower().startswith(_SAFE_SCHEMES):
            return match.group(0)
        return text

    return _LINK.sub(keep_if_safe, paragraph)
