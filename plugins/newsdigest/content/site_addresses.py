"""What a site address may be: a story's old addresses (`aliases:`) and every address the
record of published addresses holds, and the file of the site that answers one."""

from __future__ import annotations

import re

from newsdigest.content import safe_urls

# What an address may hold: the characters of slugs and file names, unencoded, so that it means
# the same to a browser, nginx (which matches the decoded path) and the file system.
_ADDRESS = re.compile(r"/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*)?")


class AddressError(ValueError):
    """A record or an alias that cannot be used; `line` is where, when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def address(value: object) -> str | None:
    """`value` as a site address: "/2015/11/21/slug/", or "/page.html" for a file; None when it
    is not a path on this site. Accepts it with or without its leading slash or its trailing
    `index.html`."""
    path = safe_urls.site_path(value)  # stripped
    if path is None:  # another site ("//host/x"), a scheme, "..", controls
        return None
    text = "/" + path.lstrip("/")
    if text.endswith("/index.html"):
        text = text[: -len("index.html")]
    last = text.rsplit("/", 1)[1]
    if last and "." not in last:
        text += "/"  # a folder: the story pages are folders
    if not _ADDRESS.fullmatch(text) or "/../" in text or "/./" in text:
        return None
    return text


def save_as(site_address: str) -> str:
    """The file of the site that answers `site_address`."""
    relative = site_address.lstrip("/")
    return relative + "index.html" if relative.endswith("/") or not relative else relative
