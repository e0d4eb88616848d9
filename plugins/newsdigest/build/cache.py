"""The build cache: values keyed by content hashes, in one SQLite file under .cache/.

Keys already include everything that went into a value (the content's bytes,
the settings that shape it, the code's fingerprint), so a stale entry is never
read: it is simply never asked for again, and `prune` removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TypeVar

import newsdigest
from newsdigest.build.ignored_files import files_under
from newsdigest.digests import digest, update_framed
from newsdigest.paths import display_path

logger = logging.getLogger(__name__)

_PACKAGES_THAT_SHAPE_OUTPUT = ("pelican", "markdown", "jinja2", "nh3", "feedgen", "pyyaml")
STORE_NAME = "newsdigest.sqlite"
PAGES_FOLDER = "pages"
# The namespaces of the store, one per kind of value.
DOCUMENTS = "document"  # converted Markdown, by file bytes (the reader)
RELATED_RANKING = "related-ranking"  # the related-story ranking, by its inputs
RELATED_WORDS = "related-words"  # each story's words for the ranking, by its text (related.text_key)
PAGE_STORE = "page-store"  # the files of rendered pages, by page key (newsdigest.build.page_store)
PAGE_STORE_CHECKED = "page-store-checked"  # each stored file's identity when last known intact
STORIES_SHOWN = "stories-shown"  # per page: whose own-page fields (notes…) its last rendering read
# The store's layout (SQLite's user_version): 2 = each value a BLOB with the digest it was
# stored with. A file of another layout is emptied when opened.
_FORMAT = 2
# The cache files that could not be used, warned about once per build.
_warned_this_build: set[str] = set()


def store_path(cache_path: str | os.PathLike[str]) -> Path:
    """The SQLite file of every namespace, under the settings' CACHE_PATH."""
    return Path(cache_path) / STORE_NAME


def pages_folder(cache_path: str | os.PathLike[str]) -> Path:
    """The page store's files (newsdigest.build.page_store), under the settings' CACHE_PATH."""
    return Path(cache_path) / PAGES_FOLDER


@cache
def code_fingerprint() -> str:
    """A digest of newsdigest's own source and the versions of the libraries that shape output."""
    digest = hashlib.sha256()
    package = Path(newsdigest.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for name in _PACKAGES_THAT_SHAPE_OUTPUT:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=absent".encode())
    return digest.hexdigest()


def tree_digest(*folders: str | os.PathLike[str], ignore: Iterable[str] = (), skip: Iterable[str] = ()) -> str:
    """Digest of every file's path (relative to its folder) and bytes under `folders`, but the
    files the build ignores (`ignore`: IGNORE_FILES patterns) and those in the top-level
    folders named in `skip`."""
    skipped = {os.path.normpath(name) for name in skip}
    hasher = hashlib.sha256()
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            continue
        for name in files_under(root, ignore):
            path = Path(name)
            relative = path.relative_to(root)
            if relative.parts[0] in skipped or not path.is_file():
                continue
            update_framed(hasher, relative.as_posix())
            update_framed(hasher, path.read_bytes())
    return hasher.hexdigest()


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


_T = TypeVar("_T")


class BuildCache:
    """A namespace -> key -> text store. Use as a context manager; writes commit on exit.

    A cache only saves time, so it never fails a build. Every value is stored with the digest
    of its namespace, key and bytes, checked on every read: an entry that does not match it,
    or that its reader cannot decode (`get_decoded`), is damaged, and is dropped with a
    warning naming the file and the entry's kind; the caller computes it again. A file SQLite
    cannot read as a database (damaged, or not one at all) is replaced by an empty one. A file
    that cannot be used at all (a folder in its place, a full disk) is left as it is: the
    build goes on without the cache, with a warning naming it.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._used: dict[str, set[str]] = {}
        self._connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._guarded(self._connect)
        except (OSError, sqlite3.Error) as error:
            self._go_without(error)

    @property
    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            raise RuntimeError(f"{self.path}: the cache is not open")
        return self._connection

    def _connect(self) -> None:
        self._connection = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        if self._db.execute("PRAGMA user_version").fetchone()[0] != _FORMAT:
            # Written by another format (or new): its entries are simply misses.
            self._db.execute("DROP TABLE IF EXISTS entries")
            self._db.execute(
                "CREATE TABLE entries (namespace TEXT, key TEXT, value BLOB, sha256 TEXT, PRIMARY KEY (namespace, key))"
            )
            self._db.execute(f"PRAGMA user_version = {_FORMAT}")
            self._db.commit()

    def _guarded(self, operation: Callable[[], _T]) -> _T:
        """Run `operation`; if the database turns out to be damaged, start a new one and run it again."""
        try:
            return operation()
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError):  # locked, disk full: not the file's fault
                raise
            logger.warning(
                "%s: %s; starting an empty cache (the build takes longer this time)", display_path(self.path), error
            )
            if self._connection is not None:
                self._connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._connect()
            return operation()

    def _go_without(self, error: OSError | sqlite3.Error) -> None:
        """The file cannot be used (a folder in its place, a full disk): every read from now on
        is a miss and every write is dropped. Any entry the file holds was written whole, and
        is checked when read, so the file is left for a later build."""
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()  # rolls back what this build had not committed
            self._connection = None
        if self.path.is_dir():
            reason = "is a folder (remove it, or the whole .cache/)"
        else:
            reason = getattr(error, "strerror", None) or str(error)
        message = f"{display_path(self.path)}: cannot use the build cache: {reason}; building without it"
        if message not in _warned_this_build:
            _warned_this_build.add(message)
            logger.warning("%s", message)

    def _run(self, operation: Callable[[], _T], without: _T) -> _T:
        """`operation` on the database, or `without` when the cache cannot be used."""
        if self._connection is None:
            return without
        try:
            return self._guarded(operation)
        except (OSError, sqlite3.Error) as error:
            self._go_without(error)
            return without

    def get_many(self, namespace: str, keys: list[str]) -> dict[str, str]:
        """The intact entries of `keys` found in `namespace`; a damaged one is dropped, with a warning."""

        def select() -> list[tuple[str, object, object]]:
            rows: list[tuple[str, object, object]] = []
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += self._db.execute(
                    f"SELECT key, value, sha256 FROM entries WHERE namespace = ? AND key IN ({marks})",
                    [namespace, *chunk],
                )
            return rows

        found: dict[str, str] = {}
        damaged: list[str] = []
        nothing: list[tuple[str, object, object]] = []
        for key, value, sha256 in self._run(select, nothing):
            text = _intact_text(namespace, key, value, sha256)
            if text is None:
                damaged.append(key)
            else:
                found[key] = text
        self._used.setdefault(namespace, set()).update(keys)
        self._drop_damaged(namespace, damaged)
        return found

    def get_decoded(self, namespace: str, keys: list[str], decode: Callable[[str], _T]) -> dict[str, _T]:
        """Like `get_many`, each value passed through `decode`; an entry it cannot decode is dropped."""
        decoded: dict[str, _T] = {}
        unreadable: list[str] = []
        for key, text in self.get_many(namespace, keys).items():
            try:
                decoded[key] = decode(text)
            except Exception:  # noqa: BLE001 - whatever a damaged entry makes the decoder raise, it is only a cache miss
                unreadable.append(key)
        self._drop_damaged(namespace, unreadable)
        return decoded

    def _drop_damaged(self, namespace: str, keys: list[str]) -> None:
        if not keys:
            return
        count = f"{len(keys)} damaged cache entries" if len(keys) > 1 else "damaged cache entry"
        logger.warning("%s in %s (%s): computed again", count, display_path(self.path), namespace)
        self._run(
            lambda: self._db.executemany(
                "DELETE FROM entries WHERE namespace = ? AND key = ?", [(namespace, key) for key in keys]
            ),
            None,
        )

    def put_many(self, namespace: str, items: dict[str, str]) -> None:
        def insert() -> None:
            rows = []
            for key, text in items.items():
                value = text.encode("utf-8", "surrogatepass")
                rows.append((namespace, key, value, _entry_digest(namespace, key, value)))
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)

        self._run(insert, None)
        self._used.setdefault(namespace, set()).update(items)

    def prune(self, namespace: str) -> None:
        """Forget every entry of `namespace` this build did not ask for."""
        used = self._used.get(namespace, set())

        def delete_unused() -> None:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM used")
            self._db.executemany("INSERT OR IGNORE INTO used VALUES (?)", [(key,) for key in used])
            self._db.execute(
                "DELETE FROM entries WHERE namespace = ? AND key NOT IN (SELECT key FROM used)", [namespace]
            )

        self._run(delete_unused, None)

    def close(self) -> None:
        self._run(lambda: self._db.commit(), None)
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> BuildCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _entry_digest(namespace: str, key: str, value: bytes) -> str:
    # The namespace and key too: an entry moved under another key is damaged as well.
    return digest(namespace, key, value)


def _intact_text(namespace: str, key: str, value: object, sha256: object) -> str | None:
    """An entry's text if its bytes match the digest they were stored with, else None."""
    if not isinstance(value, bytes) or sha256 != _entry_digest(namespace, key, value):
        return None
    try:
        return value.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return None


def forget_warnings() -> None:
    """A new build: warn again about a cache file that cannot be used."""
    _warned_this_build.clear()
