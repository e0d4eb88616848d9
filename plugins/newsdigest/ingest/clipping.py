"""Plain-text clippings: a story copied from a news page, with the page's furniture around it.

Understands the usual layout: an age banner, the headline, a standfirst, a date
line, a photo credit, the body (with "Related:" lines in it), then footer
boilerplate ("Follow X on Twitter", "Reuters contributed to this report."). The
BBC layout (headline, blank line, paragraphs) is the same layout without furniture.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as date_parser

from newsdigest.content.model import one_line
from newsdigest.ingest import bylines, furniture
from newsdigest.ingest.story import ZONE_ABBREVIATIONS, Block, IngestError, Story

_AGE_BANNER = re.compile(r"^this (story|article) is (over|more than) \w+ (year|month|day)s? old\.?$", re.I)
_CREDIT = re.compile(r"^(?:photo|image|picture|photograph|top image|lead image)(?: by|:)\s*(?P<credit>.+)$", re.I)
# A "see also" label and the headline it links to, in the languages of the web.
_RELATED = re.compile(
    r"^(?:related|read more|see also|also read|more|(?:à )?lire aussi|voir aussi|lesen sie auch|mehr zum thema|"
    r"(?:lee|lea|leia) (?:también|tambien|más|mais|também)|lea|mira|puedes ver|(?:le|te) puede interesar|"
    r"leggi anche|czytaj (?:też|także|więcej)|zobacz (?:też|także)|veja também|saiba mais)\s*:\s*(?P<headline>.+)$",
    re.I,
)
_FOLLOW = re.compile(r"^follow (?P<source>.+?) on (?:twitter|x|facebook|instagram|threads|bluesky)\b.*$", re.I)
_CONTRIBUTED = re.compile(r"^(?P<who>.+?) contributed (?:to )?(?:this|the) (?:report|story|article)\.?$", re.I)
_BYLINE = re.compile(
    r"^(?i:by|par|von|por|di|door) (?P<names>[A-Z][\w.'-]+(?: [A-Z][\w.'-]+)*"
    r"(?:(?:,| and) [A-Z][\w.'-]+(?: [A-Z][\w.'-]+)*)*)$"
)
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_LINE = re.compile(
    rf"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? )?(?:{_MONTHS} \d{{1,2}},? \d{{4}}|\d{{1,2}} {_MONTHS},? \d{{4}}|"
    rf"\d{{4}}-\d{{2}}-\d{{2}})(?:(?:,| at|,? -)? ?\d{{1,2}}[:.]\d{{2}}(?:\s?[ap]\.?m\.?)?(?: [A-Z]{{2,4}})?)?"
    rf"(?:\s*\|.*)?$",
    re.I,
)


def parse_date_line(line: str) -> dt.datetime | None:
    """The moment a date line names; naive when it names no zone."""
    if not _DATE_LINE.match(line.strip()):
        return None
    text = line.split("|", 1)[0].strip()
    text = re.sub(r"(\d)\s?([ap])\.?m\.?", lambda m: f"{m.group(1)} {m.group(2)}m", text, flags=re.I)
    try:
        return date_parser.parse(text, fuzzy=True, tzinfos=ZONE_ABBREVIATIONS)
    except (ValueError, OverflowError):
        return None


def parse(text: str) -> Story:
    """A clipping's text as a Story; raises IngestError when there is no story in it."""
    blocks = [block for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))]
    lines_by_block = [[one_line(line) for line in block.split("\n") if one_line(line)] for block in blocks]
    lines_by_block = [lines for lines in lines_by_block if lines]
    # The head of the page: everything before the first block that reads as body text.
    head: list[str] = []
    body_blocks: list[list[str]] = []
    for lines in lines_by_block:
        headline_found = [line for line in head if not _AGE_BANNER.match(line)]
        if not body_blocks and len(head) < 8 and _is_head_block(lines, headline_found):
            head.extend(lines)
        else:
            body_blocks.append(lines)
    head = [line for line in head if not _AGE_BANNER.match(line)]
    if not head:
        raise IngestError("no headline found")
    story = Story(title=head[0], paragraphs=[])
    for line in head[1:]:
        if (moment := parse_date_line(line)) is not None and story.date is None:
            story.date = moment
        elif credit := _CREDIT.match(line):
            story.image_credit = credit.group("credit").strip()
        elif byline := _BYLINE.match(line):
            story.authors = bylines.names(byline.group("names"))
        elif not story.subtitle:
            story.subtitle = line
        else:
            story.subtitle = f"{story.subtitle} {line}"
    paragraphs = [one_line(" ".join(lines)) for lines in body_blocks]
    absorb_paragraphs(story, [Block(markdown=paragraph, text=paragraph) for paragraph in paragraphs])
    if not story.paragraphs:
        raise IngestError("no story text found (a headline but no paragraphs)")
    return story


def absorb_paragraphs(story: Story, blocks: list[Block]) -> None:
    """Sort a page's blocks: story text into the body; "Related:" lines, credits, a byline at
    the top and the outlet's footer into their fields; furniture (furniture.yml) nowhere."""
    for index, block in enumerate(blocks):
        text = one_line(block.text)
        if not text and not block.markdown.strip():
            continue
        if related := _RELATED.match(text):
            story.related.append(related.group("headline").strip())
        elif follow := _FOLLOW.match(text):
            story.source = story.source or follow.group("source").strip()
        elif contributed := _CONTRIBUTED.match(text):
            story.contributors.extend(bylines.names(contributed.group("who")))
        elif credit := _CREDIT.match(text):
            story.image_credit = story.image_credit or credit.group("credit").strip()
        elif index < 3 and not story.paragraphs and (signature := _signature(text)):
            story.authors = story.authors or signature
        elif not furniture.is_furniture_line(text):
            story.add(block)


def _signature(text: str) -> list[str]:
    """The names of a byline paragraph: "By Jane Doe and John Roe", "By Reuters"; not a heading
    that starts with the same word ("By The Numbers")."""
    byline = _BYLINE.match(text)
    found = bylines.names(byline.group("names")) if byline else []
    return found if bylines.signed(text) or (len(found) == 1 and " " not in found[0]) else []


def _is_head_block(lines: list[str], head_so_far: list[str]) -> bool:
    """Head blocks are short lines: a banner, a headline, a standfirst, a date, a credit."""
    if any(_AGE_BANNER.match(line) for line in lines):
        return True
    if not head_so_far:
        return len(lines) <= 3 and all(len(line) < 250 for line in lines)
    furniture = [line for line in lines if parse_date_line(line) or _CREDIT.match(line) or _BYLINE.match(line)]
    if furniture:
        return True
    # A standfirst block right after the headline, when a date line follows it in the same block
    # was handled above; a lone long line after the headline is the body's first paragraph.
    return False
