"""Publication moments as pages state them: parsed, ranked, and the most precise one chosen.

A page may give its date in several places (JSON-LD, OpenGraph, <meta>, <time>), some
with a zone and some without, some with a time and some a day only. A time with an
explicit zone beats one without (it needs no guess); a time beats a day alone; a day
alone stays a day (no made-up midnight). Fractional seconds are dropped.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import parser as date_parser

from newsdigest.ingest.story import ZONE_ABBREVIATIONS

Moment = dt.datetime | dt.date
_DAY_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HAS_TIME = re.compile(r"\d{1,2}[:.h]\d{2}|\d\s*[ap]\.?m\b", re.I)


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
