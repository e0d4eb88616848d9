"""Links that work when the site is opened from the disk (file://), without a server.

A browser asked for a folder over file:// shows the folder, not its index.html, and reads a
link starting with "/" from the root of the disk. In a page built for such a preview
(RELATIVE_URLS, where Pelican already makes SITEURL relative to each page), every link to a
folder gets its `index.html`, and a link from the site's root is made relative to the page.
Links to other sites, fragments and the text of the page are left alone. Plain functions.
"""

from __future__ import annotations

import re

# A tag with an address in it (text cannot hold a raw "<"), and in it the attributes that hold
# addresses; tags without one (most of a page) are not looked at twice.
_TAG = re.compile(r'<[a-zA-Z][^<>]*\s(?:href|src|content)="[^<>]*>')
_ATTRIBUTE = re.compile(r'(\s(href|src|content)=")([^"]*)(")')
_IS_REFRESH = re.compile(r'\shttp-equiv="refresh"', re.IGNORECASE)
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
_REFRESH = re.compile(r"(\s*\d+\s*;\s*url=)(.*)", re.IGNORECASE | re.DOTALL)


def _split(url: str) -> tuple[str, str]:
    """A URL's path, and its query and fragment."""
    cut = min((url.index(mark) for mark in "?#" if mark in url), default=len(url))
    return url[:cut], url[cut:]


def preview_url(url: str, to_root: str, is_link: bool = True) -> str:
    """`url` as the page at `to_root` (its relative way to the site's root, e.g. "../..") must
    write it to work from file://. `is_link`: it opens a page (a folder means its index.html)."""
    if not url or url.startswith(("#", "//")) or _SCHEME.match(url):
        return url
    path, rest = _split(url)
    if path.startswith("/"):
        path = (to_root or ".").rstrip("/") + path
    if is_link and path:
        if path.endswith("/"):
            path += "index.html"
        elif path in (".", "..") or path.endswith(("/.", "/..")):
            path += "/index.html"
    return path + rest


def for_file_preview(html: str, to_root: str) -> str:
    """Every link of a page made to work from file:// (see the module's description)."""

    def attribute(match: re.Match, refresh: bool) -> str:
        opening, name, value, closing = match.groups()
        if name == "content":
            found = _REFRESH.fullmatch(value) if refresh else None
            if found is None:
                return match.group(0)
            value = found.group(1) + preview_url(found.group(2).strip(), to_root)
        else:
            value = preview_url(value, to_root, is_link=name == "href")
        return f"{opening}{value}{closing}"

    def tag(match: re.Match) -> str:
        refresh = _IS_REFRESH.search(match.group(0)) is not None
        return _ATTRIBUTE.sub(lambda found: attribute(found, refresh), match.group(0))

    return _TAG.sub(tag, html)
