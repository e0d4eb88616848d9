"""Rendered files kept across builds under `.cache/pages/`, by the key of the page they
belong to, so a build into an empty output folder (a fresh clone, a CI job that keeps
only `.cache/`) links what an earlier build rendered instead of rendering it again.

Files are hard links, not copies: the store costs no extra disk for the pages the site
still has. A file edited in place changes its shared inode's size or time, which the
store checks before it hands the file out again. Each build keeps only the entries it used.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from newsdigest.cache import BuildCache

NAMESPACE = "page-store"


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


class PageStore:
    def __init__(self, folder: str | os.PathLike, cache_file: str | os.PathLike):
        self.folder = os.fspath(folder)
        self.cache_file = Path(cache_file)

    def restore(self, keys: list[str], into: str | os.PathLike) -> dict[str, list[str]]:
        """Link the files of every key an earlier build kept, and still intact, into `into`.
        Returns key -> the relative paths of its files."""
        if not keys or not self.cache_file.exists():
            return {}
        with BuildCache(self.cache_file) as cache:
            found = cache.get_many(NAMESPACE, keys)
        restored, folders = {}, set()
        for key, text in found.items():
            entries = json.loads(text)
            if not all(self._intact(blob, size, mtime_ns) for _, blob, size, mtime_ns in entries):
                continue
            for relative, blob, _, _ in entries:
                _link(os.path.join(self.folder, blob), os.path.join(into, relative), folders)
            restored[key] = [relative for relative, _, _, _ in entries]
        return restored

    def _intact(self, blob: str, size: int, mtime_ns: int) -> bool:
        try:
            stat = os.stat(os.path.join(self.folder, blob))
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (size, mtime_ns)

    def keep(self, rendered: dict[str, list[str]], source: str | os.PathLike, used: set[str]) -> None:
        """Link the files rendered this build (key -> relative paths under `source`) into the
        store, and forget every entry this build did not use."""
        entries, folders = {}, set()
        for key, files in rendered.items():
            kept = []
            for number, relative in enumerate(files):
                blob = f"{key[:2]}/{key}.{number}"
                stored = os.path.join(self.folder, blob)
                try:
                    _link(os.path.join(source, relative), stored, folders)
                    stat = os.stat(stored)
                except OSError:
                    break
                kept.append([relative, blob, stat.st_size, stat.st_mtime_ns])
            else:
                entries[key] = json.dumps(kept)
        with BuildCache(self.cache_file) as cache:
            cache.get_many(NAMESPACE, sorted(used))  # marks them used, for prune
            cache.put_many(NAMESPACE, entries)
            cache.prune(NAMESPACE)
        self._remove_blobs_not_in(used)

    def _remove_blobs_not_in(self, used: set[str]) -> None:
        if not os.path.isdir(self.folder):
            return
        for shard in os.scandir(self.folder):
            if not shard.is_dir():
                continue
            for blob in os.scandir(shard.path):
                if blob.name.rsplit(".", 1)[0] not in used:
                    os.unlink(blob.path)
