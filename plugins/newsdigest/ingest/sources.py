"""A story's source as the publisher's name, never an address: "http://www.tmz.com" -> "TMZ",
"the Guardian" -> "The Guardian", through the curator's SOURCE_NAMES map (a spelling or a
host on the left, the name on the right) and the spellings already in the content folder.
Plain functions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsdigest.ingest.story import plain_text
from newsdigest.settings import SettingsGroup, setting
from newsdigest.site.taxonomy import fold

_HOST_LIKE = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.I)
# Second-level labels under which a country's sites register: bbc.co.uk, abc.net.au.
_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "edu", "news"}
SHORT_NAME = 4  # a host label this short is an acronym: tmz -> TMZ


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """What ingest knows of sources from the settings (docs/configuration.md)."""

    names: dict[str, str] = setting("SOURCE_NAMES", {})  # a spelling or a site's address -> the name to use
    timezones: dict[str, str] = setting("SOURCE_TIMEZONES", {})  # source -> the zone of its zone-less times


def key(name: str) -> str:
    """A name compared blind to case, accents, spaces and punctuation ("the Guardian" = "The Guardian")."""
    return fold(name).replace(" ", "")


def host_of(value: str) -> str:
    """The host an address or a bare domain names, without "www."; "" when it names none."""
    text = (value or "").strip()
    if not text:
        return ""
    if "://" not in text:
        if not _HOST_LIKE.fullmatch(text.split("/", 1)[0]):
            return ""
        text = "http://" + text
    try:
        host = (urlsplit(text).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def registered_domain(host: str) -> str:
    """The name a site registered: news.bbc.co.uk -> bbc.co.uk, edition.cnn.com -> cnn.com."""
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def host_names(url: str) -> list[str]:
    """The names an address gives a site: its host, its registered domain and that domain's label."""
    host = host_of(url)
    if not host:
        return []
    domain = registered_domain(host)
    return list(dict.fromkeys([host, domain, domain.split(".")[0]]))


class SourceNames:
    """The curator's map of source names, and the spellings of the stories already there."""

    def __init__(self, names: dict[str, str] | None = None, known: Iterable[str] = ()):
        self._names: dict[str, str] = {}
        self._curated_hosts: dict[str, str] = {}  # the curator's names for sites' addresses
        for name in known:  # spellings already in the content folder
            self._names.setdefault(key(name), name)
        for spelling, name in (names or {}).items():  # the curator's map wins
            self._names[key(str(spelling))] = str(name)
            self._names[key(str(name))] = str(name)
            if host := host_of(str(spelling)):
                self._curated_hosts[host] = str(name)

    def name(self, value: str, url: str = "") -> str:
        """The publisher's name for a page's site name (or an address), else for its URL's host:
        as the curator maps the spelling or the site, else as the page spells it ("Libération",
        "CBSSports" for "CBSSports.com"), else made from the host ("nytimes.com" -> "Nytimes")."""
        value = plain_text(value)
        host = host_of(value) if (value.startswith(("http://", "https://")) or _HOST_LIKE.fullmatch(value)) else ""
        if value and not host:
            return self._names.get(key(value)) or self._curated(host_of(url)) or value
        if spelt := _spelt_label(value, host):  # "CBSSports.com": the site's own casing of its name
            return self._curated(host) or self._names.get(key(spelt), spelt)
        host = host or host_of(url)
        if not host:
            return ""
        labels = host.split(".")
        for start in range(len(labels) - 1):  # edition.cnn.com, then cnn.com
            found = self._names.get(key(".".join(labels[start:])))
            if found:
                return found
        label = registered_domain(host).split(".")[0]
        found = self._names.get(key(label))
        if found:
            return found
        return label.upper() if len(label) <= SHORT_NAME else label[:1].upper() + label[1:]

    def _curated(self, host: str) -> str:
        """The curator's name for a host or a site it is under (edition.cnn.com under cnn.com), or ""."""
        labels = host.split(".") if host else []
        return next(
            (name for start in range(len(labels) - 1) if (name := self._curated_hosts.get(".".join(labels[start:])))),
            "",
        )


def _spelt_label(value: str, host: str) -> str:
    """The site's name as a host-like spelling writes it, when it is not all lower case:
    "CBSSports" for "CBSSports.com"; "" otherwise."""
    if not host or not _HOST_LIKE.fullmatch(value) or value == value.lower():
        return ""
    label = registered_domain(host).split(".")[0]
    return next((part for part in value.split(".") if part.lower() == label), "")
