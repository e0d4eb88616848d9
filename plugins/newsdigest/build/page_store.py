"""Rendered files kept across builds under `.cache/pages/`, by the key of the page they
belong to, so a build links what an earlier build rendered instead of rendering it again:
a rebuild renders only pages whose key is new, and a build into an empty output folder
(a fresh clone, a CI job that keeps only `.cache/`) renders nothing it rendered before.

Files are hard links, not copies: the store costs no extra disk for the pages the site
has. So a file damaged where it is published is damaged in the store too: every file is
checked against the SHA-256 digest of the bytes it was stored with before it is handed
out, and a page with a damaged file is rendered again. Reading every file back costs a
gigabyte of hashing at ten thousand stories, so a file is hashed only when its inode's
change time (ctime) differs from the one recorded at the end of the last good build: any
write to a file, through any of its links, sets its ctime to the clock, and no program can
set it back. Each build keeps only the entries
it used. A stored file whose mode is not the one the umask now gives new files (it was
rendered under another umask) is replaced in the store by a copy with the right one before
it is linked: a web server must be able to read every file of the site.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

from newsdigest.build.cache import PAGE_STORE, PAGE_STORE_CHECKED, BuildCache, file_digest
from newsdigest.build.file_modes import SiteModes, replace_with_copy

logger = logging.getLogger(__name__)

_BLOB_NAME = re.compile(r"[0-9a-f]{2}/[0-9a-f]{64}\.[0-9]+")


def _link(source: str, target: str, folders: set[str]) -> None:
    folder = os.path.dirname(target)
    if folder not in folders:  # tens of thousands of files: ask the file system once per folder
        os.makedirs(folder, exist_ok=True)
        folders.add(folder)
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        os.link(source, target)
    except OSError:  # no hard links here (another file system): copy
        shutil.copy2(source, target)


def _entry(text: str) -> list[tuple[str, str, int, str]]:
    """A stored entry: [(relative path, blob, size, digest)]; raises on anything else."""
    files = []
    for relative, blob, size, sha256 in json.loads(text):
        if (
            not isinstance(relative, str)
            or os.path.isabs(relative)
            or os.path.normpath(relative) != relative
            or relative.startswith("..")
            or not _BLOB_NAME.fullmatch(blob)
            or type(size) is not int
            or not isinstance(sha256, str)
        ):
            raise ValueError(f"not a page store entry: {text[:80]}")
        files.append((relative, blob, size, sha256))
    return files


_CHECKED_KEY = "blobs"


def _identity(status: os.stat_result) -> list[int]:
    return [status.st_ino, status.st_size, status.st_ctime_ns]


class PageStore:
    def __init__(
        self, folder: str | os.PathLike[str], cache_file: str | os.PathLike[str], modes: SiteModes | None = None
    ):
        self.folder = os.fspath(folder)
        self.cache_file = Path(cache_file)
        self.modes = modes or SiteModes.from_umask()
        self.in_use: set[str] = set()  # the blobs handed out or stored this build
        self._checked: dict[str, list[int]] | None = None

    def _known_intact(self) -> dict[str, list[int]]:
        """Blob -> its (inode, size, ctime) when the last good build left it intact."""
        if self._checked is None:
            with BuildCache(self.cache_file) as cache:
                found = cache.get_decoded(PAGE_STORE_CHECKED, [_CHECKED_KEY], json.loads).get(_CHECKED_KEY)
            self._checked = found if isinstance(found, dict) else {}
        return self._checked

    def restore(self, keys: list[str], into: str | os.PathLike[str]) -> dict[str, list[str]]:
        """Link the files of every key an earlier build kept, and still intact, into `into`.
        Returns key -> the relative paths of its files."""
        if not keys or not self.cache_file.exists():
            return {}
        with BuildCache(self.cache_file) as cache:
            found = cache.get_decoded(PAGE_STORE, keys, _entry)
        restored: dict[str, list[str]] = {}
        folders: set[str] = set()
        for key, entries in found.items():
            if not all(self._intact(relative, blob, size, sha256) for relative, blob, size, sha256 in entries):
                continue
            for relative, blob, _, _ in entries:
                _link(os.path.join(self.folder, blob), os.path.join(into, relative), folders)
                self.in_use.add(blob)
            restored[key] = [relative for relative, _, _, _ in entries]
        return restored

    def _intact(self, relative: str, blob: str, size: int, sha256: str) -> bool:
        path = os.path.join(self.folder, blob)
        try:
            status = os.stat(path)
            untouched = self._known_intact().get(blob) == _identity(status)
            intact = status.st_size == size and (untouched or file_digest(path) == sha256)
            if intact and not self.modes.file_is_right(status):
                replace_with_copy(path)
        except OSError:  # gone: simply not kept
            return False
        if not intact:
            logger.warning("%s was changed after it was rendered; rendering it again", relative)
        return intact

    def keep(self, rendered: dict[str, list[str]], source: str | os.PathLike[str], used: set[str]) -> None:
        """Link the files rendered this build (key -> relative paths under `source`) into the
        store, and forget every entry this build did not use."""
        entries: dict[str, str] = {}
        folders: set[str] = set()
        for key, files in rendered.items():
            kept = []
            for number, relative in enumerate(files):
                blob = f"{key[:2]}/{key}.{number}"
                stored = os.path.join(self.folder, blob)
                try:
                    _link(os.path.join(source, relative), stored, folders)
                    kept.append([os.path.normpath(relative), blob, os.stat(stored).st_size, file_digest(stored)])
                    self.in_use.add(blob)
                except OSError:
                    break
            else:
                entries[key] = json.dumps(kept)
        with BuildCache(self.cache_file) as cache:
            cache.get_many(PAGE_STORE, sorted(used))  # marks them used, for prune
            cache.put_many(PAGE_STORE, entries)
            cache.prune(PAGE_STORE)
        self._remove_blobs_not_in(used)

    def note_intact(self) -> None:
        """After a good build, once every link to the site's files is made and the old site's
        removed (each changes a file's ctime): record the identity of every blob in use, which
        the next build takes as proof that the blob was not written since it was checked."""
        identities = {}
        for blob in sorted(self.in_use):
            try:
                identities[blob] = _identity(os.stat(os.path.join(self.folder, blob)))
            except OSError:
                continue
        with BuildCache(self.cache_file) as cache:
            cache.put_many(PAGE_STORE_CHECKED, {_CHECKED_KEY: json.dumps(identities, sort_keys=True)})

    def _remove_blobs_not_in(self, used: set[str]) -> None:
        if not os.path.isdir(self.folder):
            return
        for shard in os.scandir(self.folder):
            if not shard.is_dir():
                continue
            for blob in os.scandir(shard.path):
                if blob.name.rsplit(".", 1)[0] not in used:
                    os.unlink(blob.path)
