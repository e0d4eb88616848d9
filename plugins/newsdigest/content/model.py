"""The content model: what an article's front matter may hold, checked and normalised.

Plain functions, no Pelican. `normalise` turns the raw YAML mapping into a `Story` of typed
values (aware datetimes, tuples of strings) or raises `ContentError` naming the key. Each
field of `Story` says what kind of value it holds and how it is treated (`FieldRole`); Pelican
gets the story back as a mapping (`Story.to_metadata`), keys in the file's order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdigest.content import safe_urls, site_addresses

Kind = Literal["text", "list", "date"]
_Accept = Callable[[object], str | None]


@dataclass(frozen=True)
class FieldRole:
    """What a front matter field is: its kind, and the rules of the content model it falls under."""

    kind: Kind
    # Text that is shown (headlines, names, tags, notes): invisible characters are removed from it.
    shown: bool = False
    # Shown on the story's own page (the note also in its edition), never in lists of stories: a
    # page needs it in its key only when its template reads it (newsdigest.build.template_reads).
    own_page: bool = False
    # Its values name a page of their own (/tags/<slug>/, /sections/…, /sources/…); the number
    # is the order the fields are checked in.
    term: int = 0
    # An address that reaches links, images and feeds: anything `url` does not accept (a web
    # address or, for images, a path on this site) is dropped with a warning, never published.
    url: _Accept | None = None


def _role(
    kind: Kind, *, shown: bool = False, own_page: bool = False, term: int = 0, url: _Accept | None = None
) -> dict[str, FieldRole]:
    return {"role": FieldRole(kind, shown, own_page, term, url)}


@dataclass(frozen=True)
class Story:
    """A story's front matter, checked. None: the file does not give the field (or gives nothing
    usable). Texts are converted in the order they are declared, then lists, then dates."""

    title: str = field(metadata=_role("text", shown=True))
    subtitle: str | None = field(default=None, metadata=_role("text", shown=True))
    source: str | None = field(default=None, metadata=_role("text", shown=True, term=3))
    source_url: str | None = field(default=None, metadata=_role("text", url=safe_urls.web_url))
    image: str | None = field(default=None, metadata=_role("text", url=safe_urls.image_url))
    image_alt: str | None = field(default=None, metadata=_role("text", shown=True))
    image_credit: str | None = field(default=None, metadata=_role("text", shown=True, own_page=True))
    image_caption: str | None = field(default=None, metadata=_role("text", shown=True))
    section: str | None = field(default=None, metadata=_role("text", shown=True, term=2))
    summary: str | None = field(default=None, metadata=_role("text", shown=True))
    note: str | None = field(default=None, metadata=_role("text", shown=True, own_page=True))
    slug: str | None = field(default=None, metadata=_role("text"))
    fingerprint: str | None = field(default=None, metadata=_role("text"))
    edition: str | None = field(default=None, metadata=_role("text"))
    status: str | None = field(default=None, metadata=_role("text"))
    lang: str | None = field(default=None, metadata=_role("text"))
    authors: tuple[str, ...] | None = field(default=None, metadata=_role("list", shown=True))
    contributors: tuple[str, ...] | None = field(default=None, metadata=_role("list", shown=True, own_page=True))
    tags: tuple[str, ...] | None = field(default=None, metadata=_role("list", shown=True, term=1))
    related: tuple[str, ...] | None = field(default=None, metadata=_role("list", shown=True))
    aliases: tuple[str, ...] | None = field(default=None, metadata=_role("list"))
    date: dt.datetime | None = field(default=None, metadata=_role("date"))
    modified: dt.datetime | None = field(default=None, metadata=_role("date"))
    # A date given as a day alone ("2015-11-21") is shown without a time.
    date_only: bool = False
    # Keys the model does not know, passed through untouched for templates to use.
    extra: Mapping[str, object] = field(default_factory=dict)
    # The file's keys in its order, which the metadata keeps.
    keys: tuple[str, ...] = ()

    def to_metadata(self) -> dict[str, object]:
        """The story as Pelican's metadata: every key the file gives, in its order, with its typed
        value (lists as lists), but fields left out; `date_only` when the date is a day alone."""
        metadata: dict[str, object] = {}
        for key in self.keys:
            if key in ROLES:
                value = getattr(self, key)
                if value is not None:
                    metadata[key] = list(value) if isinstance(value, tuple) else value
            else:
                metadata[key] = self.extra[key]
        if self.date_only:
            metadata[DATE_ONLY_KEY] = True
        return metadata


ROLES: dict[str, FieldRole] = {
    item.name: item.metadata["role"] for item in dataclasses.fields(Story) if "role" in item.metadata
}


def _names(kind: Kind | None = None, **rule: object) -> tuple[str, ...]:
    return tuple(
        name
        for name, role in ROLES.items()
        if (kind is None or role.kind == kind) and all(getattr(role, key) == value for key, value in rule.items())
    )


TEXT_FIELDS = _names("text")
LIST_FIELDS = _names("list")
DATE_FIELDS = _names("date")
OWN_PAGE_KEYS = _names(own_page=True)
SHOWN_KEYS = _names(shown=True)
TERM_FIELDS = tuple(sorted((name for name, role in ROLES.items() if role.term), key=lambda name: ROLES[name].term))
URL_FIELDS = {name: role.url for name, role in ROLES.items() if role.url is not None}
DATE_ONLY_KEY = "date_only"
_DAY_ALONE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A story file larger than this is named in a warning: most likely pages of a site pasted whole.
LARGE_STORY_BYTES = 200 * 1024
# No news story is larger: ingest refuses a larger input, and the build a larger story file.
MAX_STORY_BYTES = 10 * 2**20
# "gone": deleted on purpose; its addresses answer 410 (newsdigest.site.addresses.record).
GONE = "gone"
STATUSES = ("published", "draft", "hidden", GONE)
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


def parse_date(value: object, key: str, timezone: dt.tzinfo | None) -> dt.datetime:
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


def _as_text(value: object, key: str) -> str:
    if isinstance(value, (dict, list)):
        raise ContentError(f"{key}: expected text, found a {type(value).__name__}", key)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _as_list(value: object, key: str) -> list[str]:
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


# The steps of `normalise`, in order, on the front matter's values by key: each checks or
# converts the fields of one kind or rule.


def _convert_texts(values: dict[str, object]) -> None:
    for key in TEXT_FIELDS:
        if key in values:
            if values[key] is None:
                del values[key]
            else:
                values[key] = _as_text(values[key], key)


def _convert_lists(values: dict[str, object]) -> None:
    for key in LIST_FIELDS:
        if key in values:
            values[key] = _as_list(values[key], key)


def _keep_visible(values: dict[str, object]) -> None:
    for key in SHOWN_KEYS:
        value = values.get(key)
        if isinstance(value, str):
            values[key] = visible_text(value).strip()
        elif isinstance(value, list):
            values[key] = [shown for shown in (visible_text(item).strip() for item in value) if shown]


def _check_terms(values: dict[str, object]) -> None:
    for key in TERM_FIELDS:
        value = values.get(key) or []
        for name in value if isinstance(value, list) else [value]:
            if not any(char.isalnum() for char in str(name)):
                raise ContentError(f"{key}: {name!r} has no letter or digit to name its page by", key)


def _drop_unsafe_urls(values: dict[str, object], warnings: list[ContentError] | None) -> None:
    for key, accept in URL_FIELDS.items():
        if key in values and accept(values[key]) is None:
            value = str(values.pop(key))
            if warnings is not None and value:
                shown = value if len(value) <= 60 else value[:57] + "..."
                warnings.append(ContentError(f"{key}: {shown!r} is not a web address; left out", key))


def _check_language(values: dict[str, object], warnings: list[ContentError] | None) -> None:
    if "lang" not in values:
        return
    tag = language_tag(str(values["lang"]))
    if tag is not None:
        values["lang"] = tag
        return
    value = str(values.pop("lang"))
    if warnings is not None and value:
        warnings.append(
            ContentError(
                f"lang: {value[:40]!r} is not a language tag (e.g. fr, pt-BR); the site's language is used", "lang"
            )
        )


def _check_aliases(values: dict[str, object]) -> None:
    aliases = values.get("aliases")
    if not isinstance(aliases, list):
        return
    found = []
    for alias in aliases:
        address = site_addresses.address(alias)
        if address is None:
            raise ContentError(
                f"aliases: {alias!r} is not an address on this site (like /2015/11/21/old-slug/)", "aliases"
            )
        found.append(address)
    values["aliases"] = found


def _is_day_alone(value: object) -> bool:
    return (isinstance(value, dt.date) and not isinstance(value, dt.datetime)) or (
        isinstance(value, str) and _DAY_ALONE.fullmatch(value.strip()) is not None
    )


def _parse_dates(values: dict[str, object], timezone: dt.tzinfo | None) -> None:
    for key in DATE_FIELDS:
        value = values.get(key)
        if value is None or value == "":
            values.pop(key, None)
            continue
        moment = parse_date(value, key, timezone)
        values[key] = moment.astimezone(timezone) if timezone is not None else moment


def _check_status(values: dict[str, object]) -> None:
    status = values.get("status")
    if status is not None:
        status = str(status).lower()
        if status not in STATUSES:
            raise ContentError(f"status: {status!r} is not one of {', '.join(STATUSES)}", "status")
        values["status"] = status


def normalise(
    raw: Mapping[str, object],
    *,
    require_date: bool,
    timezone: dt.tzinfo | None,
    warnings: list[ContentError] | None = None,
) -> Story:
    """Check `raw` front matter against the content model and return the story it describes.

    Unknown keys pass through untouched, for templates to use. Values that are dropped
    rather than refused (an unsafe address) are reported in `warnings`.
    """
    values = dict(raw)
    _convert_texts(values)
    _convert_lists(values)
    _keep_visible(values)
    _check_terms(values)
    _drop_unsafe_urls(values, warnings)
    _check_language(values, warnings)
    if not values.get("title"):
        raise ContentError("missing title", "title")
    _check_aliases(values)
    date_only = _is_day_alone(values.get("date"))
    _parse_dates(values, timezone)
    if require_date and "date" not in values:
        raise ContentError("missing date", "date")
    _check_status(values)
    fields: dict[str, object] = {
        key: tuple(value) if isinstance(value, list) else value for key, value in values.items() if key in ROLES
    }
    extra = {key: value for key, value in raw.items() if key not in ROLES}
    # Each step above left every field's value of its declared type.
    return Story(**cast(dict[str, Any], fields), date_only=date_only, extra=extra, keys=tuple(raw))
