"""Every output path is claimed once: the registry of the files a build writes, and who writes each.

The build's own files (theme static files, feeds, search bundles, robots.txt, sitemaps, the
web server rules, 404.html, the search page, static files) are reserved before anything is
written; a story's page, an alias's redirect page or a `save_as` that lands on one of them, or
on a file another story claimed, is a problem naming both. Paths are compared as a file system
and a web server would resolve them: case, `./`, percent-encoding and a folder's `index.html`
do not make two paths different. Plain functions, no Pelican.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from dataclasses import dataclass, field


def normalise(path: str) -> str:
    """The file `path` writes, in one spelling: "Feeds/./all.atom.xml" -> "feeds/all.atom.xml",
    "/x/" -> "x/index.html"."""
    text = urllib.parse.unquote(path.replace("\\", "/"))
    folder = text.endswith("/") or not text.strip("/")
    text = posixpath.normpath("/" + text).lstrip("/")
    if folder:
        text = f"{text}/index.html" if text else "index.html"
    # Case-insensitive file systems (macOS, Windows) would make two spellings one file.
    return text.casefold()


@dataclass(frozen=True)
class Claim:
    claimant: str  # who writes the path, as a message names it
    source: str | None  # the content file behind it (None: the build's own page)


@dataclass
class OutputClaims:
    """The paths of one build's output and who claimed each."""

    reserved: dict[str, str] = field(default_factory=dict)  # build's own file -> what writes it
    reserved_folders: dict[str, str] = field(default_factory=dict)  # "feeds/" -> what writes in it
    claimed: dict[str, Claim] = field(default_factory=dict)

    def reserve(self, path: str, owner: str) -> None:
        """`path` is written by the build itself (`owner`): no story may land on it."""
        self.reserved.setdefault(normalise(path), owner)

    def reserve_folder(self, folder: str, owner: str) -> None:
        """Every path under `folder` is the build's own (`owner`)."""
        self.reserved_folders.setdefault(normalise(folder).removesuffix("index.html"), owner)

    def reserved_owner(self, path: str) -> str | None:
        key = normalise(path)
        found = self.reserved.get(key)
        if found is not None:
            return found
        for folder, owner in self.reserved_folders.items():
            if key.startswith(folder):
                return owner
        # A file cannot also be a folder: "_redirects/index.html" would need `_redirects` to be one.
        for ancestor in _ancestors(key):
            if ancestor in self.reserved:
                return self.reserved[ancestor]
        return None

    def claim(self, path: str, claimant: str, source: str | None = None) -> str | None:
        """Claim `path` for `claimant`; a problem line naming both when it is taken. A content
        file (`source`) may claim a path again (its page is claimed before the writer writes
        it), but never one the build reserved for its own files."""
        key = normalise(path)
        if source is not None:
            owner = self.reserved_owner(path)
            if owner is not None:
                return f"{claimant}: writes {path}, which {owner} also writes"
        taken = self.claimed.get(key) or next(
            (self.claimed[ancestor] for ancestor in _ancestors(key) if ancestor in self.claimed), None
        )
        if taken is not None and (source is None or taken.source != source):
            return f"{claimant}: writes {path}, which {taken.claimant} also writes"
        if taken is None:
            self.claimed[key] = Claim(claimant, source)
        return None


def _ancestors(key: str) -> list[str]:
    """The folders `key` lies in: "a/b/c.html" -> ["a", "a/b"]."""
    parts = key.split("/")[:-1]
    return ["/".join(parts[: end + 1]) for end in range(len(parts))]
