"""Publication moments as pages state them: parsed, ranked, and the most precise one chosen.

A page may give its date in several places (JSON-LD, OpenGraph, <meta>, <time>), some
with a zone and some without, some with a time and some a day only. A time with an
explicit zone beats one without (it needs no guess); a time beats a day alone; a day
alone stays a day (no made-up midnight). Fractional seconds are dropped.

A dateline printed in the article's header ("4. August 2013, 09:15 Uhr", "le 4 août 2013")
is read by htmldate, which knows the date formats of many languages, and its time of day by
dateutil when both agree on the day.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import warnings
from zoneinfo import ZoneInfo

import htmldate
from dateutil import parser as date_parser

from newsdigest.ingest.story import ZONE_ABBREVIATIONS

Moment = dt.datetime | dt.date
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HAS_TIME = re.compile(r"\d{1,2}[:.h]\d{2}|\d\s*[ap]\.?m\b", re.I)
EARLIEST_YEAR = 1800
MAX_DATELINE = 200  # a dateline is a short line; a longer text is the story's, with its own dates
# A copyright line is never a dateline: its year is not the story's date.
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b", re.I)
_EMPTY_PAGE = "<html><body><p></p></body></html>"  # htmldate reads an address beside a page
# American pages give their zone without saying whether it is summer: "2:34 AM ET".
_REGIONAL_ZONES = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}


def parse_moment(value) -> Moment | None:
    """An ISO 8601 (or human) date or date-time; a `date` when it names no time of day."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    if _DAY_ONLY.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    try:
        moment = date_parser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            moment = date_parser.parse(text, tzinfos=ZONE_ABBREVIATIONS)
        except (ValueError, OverflowError, TypeError):  # TypeError: an offset dateutil cannot build
            return None
        if not _HAS_TIME.search(text):
            return moment.date()
    try:
        moment.utcoffset()  # dateutil accepts an offset no datetime can hold (-99:00); it fails only when read
    except ValueError:
        return None
    if moment.year < EARLIEST_YEAR:  # a placeholder ("0001-01-01T00:00:00Z"), not a date
        return None
    return moment.replace(microsecond=0)


def precision(moment: Moment) -> int:
    """2: a time with its zone; 1: a time without one; 0: a day alone."""
    if not isinstance(moment, dt.datetime):
        return 0
    return 2 if moment.utcoffset() is not None else 1


def most_precise(candidates) -> Moment | None:
    """The most precise of the candidate values (raw strings or parsed), the first of equals."""
    best = None
    for candidate in candidates:
        moment = candidate if isinstance(candidate, dt.date) else parse_moment(candidate)
        if moment is not None and (best is None or precision(moment) > precision(best)):
            best = moment
    return best


def stated(values) -> Moment | None:
    """The moment a page's metadata states: the most precise of its values that fall on the
    day of the first (the most trusted), so that a time elsewhere never moves the day."""
    parsed = [moment for value in values if (moment := parse_moment(value)) is not None]
    return most_precise(moment for moment in parsed if day_of(moment) == day_of(parsed[0])) if parsed else None


def day_of(moment: Moment) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def from_address(url: str) -> dt.date | None:
    """The day a page's own address names ("/2013/08/04/", "2013-08-04-"), as htmldate reads it."""
    if not url:
        return None
    found = htmldate.find_date(_EMPTY_PAGE, url=url, extensive_search=False, original_date=True)
    return dt.date.fromisoformat(found) if found else None


def from_dateline(text: str) -> Moment | None:
    """The moment a dateline states: its day (as htmldate reads it, in any of the languages it
    knows), with its time of day and zone when it gives them; None for a text without a whole
    date (a year or a month alone is no publication date)."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_DATELINE or _COPYRIGHT.search(text):
        return None
    page = f"<html><body><p>{html.escape(text)}</p></body></html>"  # htmldate reads pages, not strings
    found = htmldate.find_date(page, extensive_search=True, original_date=True)
    day = dt.date.fromisoformat(found) if found else None
    # htmldate gives a year alone as 1 January: the day must be written in the line.
    if day is None or not re.search(rf"(?<!\d)0?{day.day}(?!\d)", text):
        return None
    return _with_time_of_day(day, text) if _HAS_TIME.search(text) else day


def _with_time_of_day(day: dt.date, text: str) -> Moment:
    """`day` at the time `text` gives, when dateutil reads the same day from it (day first or
    month first, as the page writes dates); else the day alone."""
    for day_first in (False, True):
        try:
            with warnings.catch_warnings():  # an unknown zone name leaves the time without a zone
                warnings.simplefilter("ignore")
                moment = date_parser.parse(text, fuzzy=True, dayfirst=day_first, tzinfos=_zone)
            moment.utcoffset()
        except (ValueError, OverflowError, TypeError):
            continue
        if moment.date() == day:
            return moment.replace(microsecond=0)
    return day


def _zone(name: str, offset: int | None):
    """A zone dateutil found after a time: its offset as the page gives it, or a named zone."""
    if offset is not None:
        return offset
    if name in _REGIONAL_ZONES:
        return ZoneInfo(_REGIONAL_ZONES[name])
    return ZONE_ABBREVIATIONS.get(name)
