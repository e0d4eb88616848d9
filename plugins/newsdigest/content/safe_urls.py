"""Which URLs may reach a reader: one rule for the front matter, the theme, the feeds and ingest.

Scraped and hand-written addresses end up in `<a href>`, `<img src>`, feed links and
JSON-LD. Only web addresses (http, https) are kept there; images may also be paths on
the site itself. Anything else (`javascript:`, `data:`, `vbscript:`, `file:`, an address
with control characters hiding its scheme) is refused. Plain functions, no Pelican.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

WEB_SCHEMES = ("http", "https")
# Browsers drop ASCII tab and newlines inside URLs and ignore leading control characters and
# spaces, so "java\tscript:" runs; such characters never belong in an address we publish.
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
MAX_URL_LENGTH = 4096


def web_url(value: object) -> str | None:
    """`value` as an absolute http(s) URL with a host, or None when it is anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_URL_LENGTH or _CONTROL.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return text


def joined_web_url(base: str, reference: str) -> str | None:
    """`reference` resolved against `base` as a web address, or None: a malformed one
    ("http://[ccpa-preferences]/") is no address at all."""
    try:
        return web_url(urljoin(base, reference))
    except ValueError:
        return None


def site_path(value: object) -> str | None:
    """`value` as a path on this site ("images/x.jpg", "/images/x.jpg"), or None: no scheme,
    no host ("//host/x" is another site), nothing that climbs out of the site with "..".."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_URL_LENGTH or _CONTROL.search(text) or text.startswith(("//", "\\")):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or ".." in parts.path.split("/") or "\\" in text:
        return None
    return text


def image_url(value: object) -> str | None:
    """An image address we may show: a web URL, or a path on this site."""
    return web_url(value) or site_path(value)
