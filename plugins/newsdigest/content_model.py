"""The content model: what an article's front matter may hold, checked and normalised.

Plain functions, no Pelican. `normalise` turns the raw YAML mapping into typed
values (aware datetimes, lists of strings) or raises `ContentError` naming the key.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdigest import safe_urls

TEXT_KEYS = (
    "title", "subtitle", "source", "source_url", "image", "image_alt", "image_credit", "image_caption",
    "section", "summary", "note", "slug", "fingerprint", "edition", "status", "lang",
)
LIST_KEYS = ("authors", "contributors", "tags", "related", "aliases")
# Addresses that reach links, images and feeds: anything but a web address (or, for images, a
# path on this site) is dropped with a warning, never published.
URL_KEYS = {"source_url": safe_urls.web_url, "image": safe_urls.image_url}
DATE_KEYS = ("date", "modified")
# Shown on the story's own page (the note also in its edition), never in lists of stories: a
# page needs them in its key only when its template reads them (newsdigest.template_reads).
OWN_PAGE_KEYS = ("note", "image_credit", "contributors")
STATUSES = ("published", "draft", "hidden")
# A BCP 47 language tag as pages and feeds carry it: "fr", "pt-BR", "zh-Hant" ("en_US" is read as "en-US").
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


class ContentError(ValueError):
    """A front-matter value that breaks the content model; `key` names the field."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.message = message
        self.key = key


def site_timezone(name: str | None) -> dt.tzinfo | None:
    """The zone named by the TIMEZONE setting, or None when there is none."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ContentError(f"unknown TIMEZONE {name!r}") from error


def parse_date(value, key: str, timezone: dt.tzinfo | None) -> dt.datetime:
    """An ISO 8601 date or datetime as an aware datetime.

    A value without a UTC offset is read in `timezone`; with no timezone that is an error,
    since guessing would move the story by hours.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ContentError(f"{key}: {value!r} is not an ISO 8601 date (e.g. 2015-11-21T17:01:00-05:00)", key) from None
    else:
        raise ContentError(f"{key}: {value!r} is not an ISO 8601 date", key)
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        if timezone is None:
            raise ContentError(f"{key}: {value!r} has no UTC offset and no TIMEZONE is set", key)
        moment = moment.replace(tzinfo=timezone)
    return moment


def language_tag(value: str) -> str | None:
    """`value` as a language tag for `lang` attributes, or None when it is not one."""
    tag = value.strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.fullmatch(tag) else None


def _as_text(value, key: str) -> str:
    if isinstance(value, (dict, list)):
        raise ContentError(f"{key}: expected text, found a {type(value).__name__}", key)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _as_list(value, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, dict):
        raise ContentError(f"{key}: expected a list, found a mapping", key)
    items = value if isinstance(value, list) else [value]
    result = []
    for item in items:
        text = _as_text(item, key)
        if text:
            result.append(text)
    return result


def normalise(raw: dict, *, require_date: bool, timezone: dt.tzinfo | None,
              warnings: list[ContentError] | None = None) -> dict:
    """Check `raw` front matter against the content model and return typed metadata.

    Unknown keys pass through untouched, for templates to use. Values that are dropped
    rather than refused (an unsafe address) are reported in `warnings`.
    """
    metadata = dict(raw)
    for key in TEXT_KEYS:
        if key in metadata:
            if metadata[key] is None:
                del metadata[key]
            else:
                metadata[key] = _as_text(metadata[key], key)
    for key in LIST_KEYS:
        if key in metadata:
            metadata[key] = _as_list(metadata[key], key)
    for key, accept in URL_KEYS.items():
        if key in metadata and accept(metadata[key]) is None:
            value = metadata.pop(key)
            if warnings is not None and value:
                shown = value if len(value) <= 60 else value[:57] + "..."
                warnings.append(ContentError(f"{key}: {shown!r} is not a web address; left out", key))
    if "lang" in metadata:
        tag = language_tag(metadata["lang"])
        if tag is None:
            value = metadata.pop("lang")
            if warnings is not None and value:
                warnings.append(ContentError(f"lang: {value[:40]!r} is not a language tag (e.g. fr, pt-BR); "
                                             "the site's language is used", "lang"))
        else:
            metadata["lang"] = tag
    if not metadata.get("title"):
        raise ContentError("missing title", "title")
    for key in DATE_KEYS:
        if metadata.get(key) not in (None, ""):
            metadata[key] = parse_date(metadata[key], key, timezone)
            if timezone is not None:
                metadata[key] = metadata[key].astimezone(timezone)
        else:
            metadata.pop(key, None)
    if require_date and "date" not in metadata:
        raise ContentError("missing date", "date")
    status = metadata.get("status")
    if status is not None:
        status = status.lower()
        if status not in STATUSES:
            raise ContentError(f"status: {status!r} is not one of {', '.join(STATUSES)}", "status")
        metadata["status"] = status
    return metadata
