"""The last good build, remembered: a digest of everything it read, and of the site it left
live. A build whose inputs digest alike, while that site is still live and untouched, has
nothing to do and ends at once: `make build` run twice costs a walk of the folders, not a
build.

What a build reads: the settings (as Pelican resolved them, switches included), newsdigest's
code and the versions of the libraries that shape output (`cache.code_fingerprint`, which the
page keys trust too), and every file of the content folder, the theme and the settings
file's own folder (pelicanconf.py, publishconf.py and what they import). The address record
the build itself writes into the content folder is taken as the build left it.

Files are compared by identity, not bytes: path, size, modification and change time, inode.
Any write to a file sets its change time to the clock and no program can set it back, so a
story edited, added or removed, or a file of the live site damaged, replaced or deleted, is
always noticed; a needless build (a file touched, a hard link made) costs only time.
Plain functions, no Pelican.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsdigest.build.cache import code_fingerprint
from newsdigest.build.generations import live_generation, site_files
from newsdigest.build.ignored_files import files_under
from newsdigest.build.page_keys import stable_repr

logger = logging.getLogger(__name__)

RECORD_NAME = "last-build.json"  # under CACHE_PATH
_FORMAT = 1


@dataclass(frozen=True)
class LastBuild:
    inputs: str  # the digest of what it read
    generation: str  # the folder it put live
    site: str  # the digest of that folder's files' identities
    pages: int  # pages the site holds, for the report


def _identity(status: os.stat_result) -> str:
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}:{status.st_mode}"


def _describe_files(root: str, ignore: Iterable[str], skip: str | None = None) -> list[str]:
    """The folder, then each file under it but `skip` (links followed, as Pelican's readers
    follow them): its path and identity."""
    described = [f"R{root}"]
    if os.path.isdir(root):
        start = len(os.path.join(root, ""))
        for path in files_under(root, ignore):
            if path != skip:
                described.append(f"F{path[start:]}\0{_identity(os.stat(path))}")
    return described


def inputs_digest(settings: Mapping[str, Any], settings_file: str | os.PathLike[str], record_file: str | None) -> str:
    """The digest of what a build with `settings` reads, but the address record (`record_file`,
    which it writes: see `with_record`). Taken before the build reads anything, so an edit made
    while it runs makes the next build's digest differ."""
    described = [f"C{code_fingerprint()}", f"S{stable_repr(dict(sorted(settings.items())))}"]
    ignore = list(settings.get("IGNORE_FILES", []))
    described += _describe_files(os.path.abspath(settings["PATH"]), ignore, skip=record_file)
    for theme in (settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", [])):
        described += _describe_files(os.path.abspath(theme), ignore)
    settings_folder = os.path.dirname(os.path.abspath(settings_file))
    for name in sorted(os.listdir(settings_folder)):
        if name.endswith(".py"):
            described.append(f"P{name}\0{_identity(os.stat(os.path.join(settings_folder, name)))}")
    return _digest(described)


def _digest(described: list[str]) -> str:
    # Paths and settings never hold a NUL: joined by NULs, two different lists never digest alike.
    return hashlib.sha256("\0".join(described).encode("utf-8", "surrogateescape")).hexdigest()


def with_record(inputs: str, record_file: str | None) -> str:
    """`inputs` with the address record as it is now (as the last build left it, when it is untouched)."""
    found = _identity(os.stat(record_file)) if record_file is not None and os.path.isfile(record_file) else "-"
    return hashlib.sha256(f"{inputs}:{found}".encode()).hexdigest()


def site_digest(generation: str | os.PathLike[str]) -> str:
    """The digest of every file's path, identity and mode under a live site's folder (one
    lstat(2) per file, tens of thousands of them: gathered, then hashed at once)."""
    files, _ = site_files(generation)
    return _digest([f"{path}\0{_identity(files[path].stat(follow_symlinks=False))}" for path in sorted(files)])


def read(cache_path: str | os.PathLike[str]) -> LastBuild | None:
    """The last good build's record; None when there is none, or it cannot be read (it only saves time)."""
    try:
        data = json.loads((Path(cache_path) / RECORD_NAME).read_text(encoding="utf-8"))
        if data.pop("format", None) != _FORMAT:
            return None
        return LastBuild(**data)
    except (OSError, ValueError, TypeError):
        return None


def still_live(cache_path: str | os.PathLike[str], inputs: str, output: Path) -> LastBuild | None:
    """The last good build, when its inputs digested to `inputs` and the site it put live at
    `output` still is, every file untouched; else None (a build has work to do)."""
    last = read(cache_path)
    if last is None or last.inputs != inputs:
        return None
    live = live_generation(output)
    if live is None or os.fspath(live) != last.generation or site_digest(live) != last.site:
        return None
    return last


def remember(cache_path: str | os.PathLike[str], inputs: str, output: Path, pages: int) -> None:
    """Record a good build that put `output` live from inputs digesting to `inputs`. A failure
    to write is no failure of the build: the next one simply does its work."""
    live = live_generation(output)
    if live is None:
        return
    record = {"format": _FORMAT, "inputs": inputs, "generation": os.fspath(live), "site": site_digest(live)}
    path = Path(cache_path) / RECORD_NAME
    temporary = path.with_name(f".{RECORD_NAME}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({**record, "pages": pages}, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        logger.info("could not remember the build in %s: %s", path, error.strerror or error)
