"""How a web server must answer for the site, as one set of rules that `newsdigest serve`
follows and the server files the build writes spell out for other servers: the content type
of each file, the site's 404 page, the old addresses that redirect (301) and those gone (410).

- `_redirects`: Netlify's and Cloudflare Pages' format.
- `_nginx/maps.conf`: nginx `map`s of the old addresses, for the `http` block.
- `_nginx/site.conf`: for the site's `server` block: content types, the 404 page, the
  redirects and 410s of the maps.

A request whose path no file of the site can have (`request_path_problem`: a control character,
bytes that are not UTF-8, a `..` step, or over MAX_PATH_LENGTH) is answered 400, as nginx does.

Plain functions, no Pelican.
"""

from __future__ import annotations

import mimetypes
import re
import urllib.parse
from dataclasses import dataclass

NOT_FOUND_PAGE = "404.html"
REDIRECTS_FILE = "_redirects"
NGINX_MAPS_FILE = "_nginx/maps.conf"
NGINX_SITE_FILE = "_nginx/site.conf"
SERVER_FILES = (REDIRECTS_FILE, NGINX_MAPS_FILE, NGINX_SITE_FILE)
_REDIRECT_VARIABLE, _GONE_VARIABLE = "$newsdigest_redirect", "$newsdigest_gone"

# The types a file's extension alone does not tell (feeds are .xml and .json files), first match
# wins, then the system's table. Text types are served as UTF-8, which every file the build writes is.
CONTENT_TYPES = (
    (r"\.rss\.xml$", "application/rss+xml"),
    (r"\.atom\.xml$", "application/atom+xml"),
    (r"(?:^|/)(?:feed|feeds/all)\.json$", "application/feed+json"),
    (r"\.xml$", "application/xml"),
    (r"\.opml$", "text/x-opml"),
    (r"\.json$", "application/json"),
    (r"\.js$", "text/javascript"),
    (r"\.svg$", "image/svg+xml"),
    (r"(?:^|/)_redirects$", "text/plain"),
    (r"\.conf$", "text/plain"),
)
TEXT_TYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "text/x-opml",
    "application/xml",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "image/svg+xml",
)
# Far above any address the site writes, far below http.server's 64 KiB request line.
MAX_PATH_LENGTH = 4096
_CONTROL_CHARACTER = re.compile(rb"[\x00-\x1f\x7f]")
_COMPILED = tuple((re.compile(pattern), media_type) for pattern, media_type in CONTENT_TYPES)


def content_type(path: str) -> str:
    """The Content-Type header for a file of the site, by its path."""
    media_type = next((media for pattern, media in _COMPILED if pattern.search(path)), None)
    if media_type is None:
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{media_type}; charset=utf-8" if media_type in TEXT_TYPES else media_type


def redirects_file(redirects: dict[str, str], gone: list[str]) -> str:
    """`_redirects`: one line per old address, `old new 301`, and `old /404.html 410`."""
    lines = ["# Written by newsdigest's build: old story addresses, for Netlify and Cloudflare Pages."]
    lines += [f"{old} {new} 301" for old, new in sorted(redirects.items())]
    lines += [f"{old} /{NOT_FOUND_PAGE} 410" for old in sorted(gone)]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class OldAddresses:
    """What old addresses answer, in every spelling the nginx rules accept: path -> new address
    (301), and the paths of stories gone (410)."""

    moved: dict[str, str]
    gone: frozenset[str]

    @classmethod
    def from_redirects_file(cls, text: str) -> OldAddresses:
        """Read back a `_redirects` file `redirects_file` wrote (other lines are left alone)."""
        moved: dict[str, str] = {}
        gone: set[str] = set()
        for line in text.splitlines():
            parts = line.split()
            if len(parts) != 3 or not parts[0].startswith("/"):
                continue
            old, new, status = parts
            keys = _nginx_keys(old)
            if status == "301":
                moved.update((key, new) for key in keys)
            elif status == "410":
                gone.update(keys)
        return cls(moved, frozenset(gone))

    def answer(self, path: str) -> tuple[int, str | None] | None:
        """(410, None) for a story gone, (301, its new address) for a moved one, else None."""
        if path in self.gone:
            return 410, None
        new = self.moved.get(path)
        return (301, new) if new is not None else None


def _nginx_keys(address: str) -> list[str]:
    """The paths nginx may see for an address: a folder with and without its slash, and its index."""
    if address.endswith("/") and address != "/":
        return [address, address.rstrip("/"), address + "index.html"]
    return [address]


def nginx_maps(redirects: dict[str, str], gone: list[str]) -> str:
    """The `map`s site.conf reads, for nginx's `http` block (addresses hold no characters that
    need quoting: see newsdigest.site.addresses.record)."""
    lines = [
        "# Written by newsdigest's build: include it in nginx's http block, before the site's server",
        f"# block includes {NGINX_SITE_FILE.split('/')[-1]}. Reload nginx after each deploy that changes it.",
        # volatile: looked up again for the 404 page a 410 shows, which must not be gone too
        f"map $uri {_REDIRECT_VARIABLE} {{",
        "    volatile;",
        '    default "";',
    ]
    lines += [f"    {key} {new};" for old, new in sorted(redirects.items()) for key in _nginx_keys(old)]
    lines += ["}", f"map $uri {_GONE_VARIABLE} {{", "    volatile;", "    default 0;"]
    lines += [f"    {key} 1;" for old in sorted(gone) for key in _nginx_keys(old)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def nginx_site() -> str:
    """The rules for the site's nginx `server` block (its `root` is the site)."""
    types = " ".join(media for media in TEXT_TYPES if media != "text/html")  # text/html is always in
    lines = [
        "# Written by newsdigest's build: include it in the site's server block, whose root is the",
        f"# site; {NGINX_MAPS_FILE.split('/')[-1]} must be included in the http block.",
        "charset utf-8;",
        f"charset_types {types};",
        f"error_page 404 410 /{NOT_FOUND_PAGE};",
        f"if ({_GONE_VARIABLE}) {{ return 410; }}",
        f"if ({_REDIRECT_VARIABLE}) {{ return 301 {_REDIRECT_VARIABLE}; }}",
    ]
    for pattern, media_type in CONTENT_TYPES:
        lines.append(f'location ~ {pattern} {{ types {{ }} default_type "{media_type}"; }}')
    return "\n".join(lines) + "\n"


def request_path_problem(request_line: str, target: str) -> str | None:
    """Why a request (its line, without its CRLF, and the target in it, `/path?query` as sent)
    cannot name a file of the site, in a few words, or None when it can. Checked before the
    path is decoded and looked up; a control character anywhere in the line counts (some split
    a line as white space, as Python's str.split does \\x1c to \\x1f)."""
    if len(target) > MAX_PATH_LENGTH:
        return f"path longer than {MAX_PATH_LENGTH} characters"
    raw = request_line.encode("latin-1", errors="replace")  # http.server decodes the line as Latin-1
    decoded = urllib.parse.unquote_to_bytes(urllib.parse.urlsplit(target).path)
    if _CONTROL_CHARACTER.search(raw) or _CONTROL_CHARACTER.search(decoded):
        return "control character in path"
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return "path is not UTF-8"
    if ".." in text.replace("\\", "/").split("/"):
        return "'..' in path"
    return None
