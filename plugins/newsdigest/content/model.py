"""The content model: what an article's front matter may hold, checked and normalised.

Plain functions, no Pelican. `normalise` turns the raw YAML mapping into typed
values (aware datetimes, lists of strings) or raises `ContentError` naming the key.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdigest.content import safe_urls, site_addresses

TEXT_KEYS = (
    "title",
    "subtitle",
    "source",
    "source_url",
    "image",
    "image_alt",
    "image_credit",
    "image_caption",
    "section",
    "summary",
    "note",
    "slug",
    "fingerprint",
    "edition",
    "status",
    "lang",
)
LIST_KEYS = ("authors", "contributors", "tags", "related", "aliases")
# Addresses that reach links, images and feeds: anything but a web address (or, for images, a
# path on this site) is dropped with a warning, never published.
URL_KEYS = {"source_url": safe_urls.web_url, "image": safe_urls.image_url}
DATE_KEYS = ("date", "modified")
# A date given as a day alone ("2015-11-21") is shown without a time: set to True by `normalise`.
DATE_ONLY_KEY = "date_only"
_DAY_ALONE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Shown on the story's own page (the note also in its edition), never in lists of stories: a
# page needs them in its key only when its template reads them (newsdigest.build.template_reads).
OWN_PAGE_KEYS = ("note", "image_credit", "contributors")
# A story file larger than this is named in a warning: most likely pages of a site pasted whole.
LARGE_STORY_BYTES = 200 * 1024
# "gone": deleted on purpose; its addresses answer 410 (newsdigest.site.addresses.record).
GONE = "gone"
STATUSES = ("published", "draft", "hidden", GONE)
# Keys whose values name a page of their own (/tags/<slug>/, /sections/…, /sources/…).
TERM_KEYS = ("tags", "section", "source")
# Text that is shown (headlines, names, tags, notes): invisible characters are removed from it.
SHOWN_KEYS = (
    "title",
    "subtitle",
    "source",
    "image_alt",
    "image_credit",
    "image_caption",
    "section",
    "summary",
    "note",
    "authors",
    "contributors",
    "tags",
    "related",
)
# Bidirectional embeddings, overrides and isolates reorder what a reader sees ("gpj.exe" shown
# as "exe.jpg"); zero-width spaces and word joiners make two spellings of one word look alike.
# The plain direction marks (LRM, RLM, ALM) reorder nothing and help mixed-direction headlines.
_INVISIBLE = re.compile("[\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Zero-width (non-)joiners shape emoji sequences and Persian or Indic words: they are kept
# between two characters beyond ASCII, and removed anywhere else (inside a Latin word).
_STRAY_JOINER = re.compile("(?<![^\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?![^\x00-\x7f])")
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
            raise ContentError(
                f"{key}: {value!r} is not an ISO 8601 date (e.g. 2015-11-21T17:01:00-05:00)", key
            ) from None
    else:
        raise ContentError(f"{key}: {value!r} is not an ISO 8601 date", key)
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        if timezone is None:
            raise ContentError(f"{key}: {value!r} has no UTC offset and no TIMEZONE is set", key)
        moment = moment.replace(tzinfo=timezone)
    return moment


_SPACES = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Text with every run of white space (newlines included) made one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def visible_text(text: str) -> str:
    """`text` without bidirectional controls and zero-width characters (but joiners that shape
    a non-Latin word or an emoji)."""
    if text.isascii():
        return text
    return _STRAY_JOINER.sub("", _INVISIBLE.sub("", text))


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


def normalise(
    raw: dict, *, require_date: bool, timezone: dt.tzinfo | None, warnings: list[ContentError] | None = None
) -> dict:
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
    for key in SHOWN_KEYS:
        value = metadata.get(key)
        if isinstance(value, str):
            metadata[key] = visible_text(value).strip()
        elif isinstance(value, list):
            metadata[key] = [shown for shown in (visible_text(item).strip() for item in value) if shown]
    for key in TERM_KEYS:
        names = metadata.get(key) or []
        for name in names if isinstance(names, list) else [names]:
            if not any(char.isalnum() for char in name):
                raise ContentError(f"{key}: {name!r} has no letter or digit to name its page by", key)
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
                warnings.append(
                    ContentError(
                        f"lang: {value[:40]!r} is not a language tag (e.g. fr, pt-BR); the site's language is used",
                        "lang",
                    )
                )
        else:
            metadata["lang"] = tag
    if not metadata.get("title"):
        raise ContentError("missing title", "title")
    if "aliases" in metadata:
        for alias in metadata["aliases"]:
            if site_addresses.address(alias) is None:
                raise ContentError(
                    f"aliases: {alias!r} is not an address on this site (like /2015/11/21/old-slug/)", "aliases"
                )
        metadata["aliases"] = [site_addresses.address(alias) for alias in metadata["aliases"]]
    raw_date = metadata.get("date")
    if (isinstance(raw_date, dt.date) and not isinstance(raw_date, dt.datetime)) or (
        isinstance(raw_date, str) and _DAY_ALONE.fullmatch(raw_date.strip())
    ):
        metadata[DATE_ONLY_KEY] = True
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
