"""What a story page shows besides the story: reading time, its age against the build date,
and its JSON-LD. Plain functions, no Pelican."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re

WORDS_PER_MINUTE = 230
_TAGS = re.compile(r"<[^>]+>")


def build_moment(newest: dt.datetime | None, environ=os.environ) -> dt.datetime:
    """The moment the site is built "at": SOURCE_DATE_EPOCH when set (reproducible builds),
    else the newest story's date, never the clock, so the same content gives the same site."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    return newest or dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def reading_minutes(html: str) -> int:
    return max(1, math.ceil(len(_TAGS.sub(" ", html).split()) / WORDS_PER_MINUTE))


def whole_years_between(earlier: dt.datetime, later: dt.datetime) -> int:
    years = later.year - earlier.year
    if (later.month, later.day) < (earlier.month, earlier.day):
        years -= 1
    return max(0, years)


def json_ld(data: dict) -> str:
    """JSON for a <script> element: no character in any field can end the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
