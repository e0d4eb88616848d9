"""The last good build, remembered: a digest of everything it read, and of the site it left
live. A build whose inputs digest alike, while that site is still live and untouched, has
nothing to do and ends at once: `make build` run twice costs a walk of the content folder and
a look at each file of the site, not a build.

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

import array
import hashlib
import itertools
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
_FORMAT = 2


@dataclass(frozen=True)
class LastBuild:
    inputs: str  # the digest of what it read
    generation: str  # the folder it put live
    site: str  # the digest of the identities of that folder's files and folders
    pages: int  # pages the site holds, for the report
    paths: list[str]  # its files and folders (`site_paths`)


def _identity(status: os.stat_result) -> str:
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}:{status.st_mode}"


def _describe_files(root: str, ignore: Iterable[str]) -> list[str]:
    """The folder, then each file under it (links followed, as Pelican's readers follow them):
    its path and identity."""
    described = [f"R{root}"]
    if os.path.isdir(root):
        start = len(os.path.join(root, ""))
        described += [f"F{path[start:]}\0{_identity(os.stat(path))}" for path in files_under(root, ignore)]
    return described


def inputs_digest(
    settings: Mapping[str, Any],
    settings_file: str | os.PathLike[str],
    content_files: list[tuple[str, os.stat_result]],
    record_file: str | None,
) -> str:
    """The digest of what a build with `settings` reads: `content_files` (each file of the
    content folder it may read, and its stat(2), as `inputs.problems` found them) but the
    address record (`record_file`, which it writes: see `with_record`), the theme, the settings.
    Taken before the build reads anything, so an edit made while it runs makes the next build's
    digest differ."""
    described = [f"C{code_fingerprint()}", f"S{stable_repr(dict(sorted(settings.items())))}"]
    ignore = list(settings.get("IGNORE_FILES", []))
    content = os.path.abspath(settings["PATH"])
    described.append(f"R{content}")
    start = len(os.path.join(content, ""))
    skip = os.path.abspath(record_file) if record_file is not None else None
    described += [f"F{path[start:]}\0{_identity(status)}" for path, status in content_files if path != skip]
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


def site_paths(generation: str | os.PathLike[str]) -> list[str]:
    """Every file and folder under a live site's folder, relative to it, in order."""
    files, folders = site_files(generation)
    start = len(os.path.join(os.fspath(generation), ""))
    return sorted([*files, *(f"{folder[start:]}/" for folder in folders if len(folder) > start)])


def site_digest(generation: str | os.PathLike[str], paths: list[str]) -> str | None:
    """The digest of the identities of `paths` (`site_paths`) under a live site's folder; None
    when one is gone. One lstat(2) each from the site's folder, no folder listed: a file added,
    removed or renamed anywhere changes its folder's modification time, a file written in place
    its own, so the digest of the paths a site had tells whether it was touched."""
    try:
        folder = os.open(generation, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    identities = array.array("q")  # tens of thousands of them: numbers, not strings
    try:
        for status in itertools.chain([os.fstat(folder)], (_lstat(path, folder) for path in paths)):
            # An inode number may use all 64 bits: one fewer still tells files apart.
            ino = status.st_ino & 0x7FFF_FFFF_FFFF_FFFF
            identities.extend((status.st_size, status.st_mtime_ns, status.st_ctime_ns, ino, status.st_mode))
    except OSError:
        return None
    finally:
        os.close(folder)
    return hashlib.sha256("\0".join(paths).encode("utf-8", "surrogateescape") + identities.tobytes()).hexdigest()


def _lstat(path: str, folder: int) -> os.stat_result:
    return os.stat(path, dir_fd=folder, follow_symlinks=False)


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
    if live is None or os.fspath(live) != last.generation:
        return None
    site = site_digest(live, last.paths)
    return last if site is not None and site == last.site else None


def remember(cache_path: str | os.PathLike[str], inputs: str, output: Path, pages: int) -> None:
    """Record a good build that put `output` live from inputs digesting to `inputs`. A failure
    to write is no failure of the build: the next one simply does its work."""
    live = live_generation(output)
    if live is None:
        return
    paths = site_paths(live)
    site = site_digest(live, paths)
    if site is None:
        return
    record = {"format": _FORMAT, "inputs": inputs, "generation": os.fspath(live), "site": site}
    path = Path(cache_path) / RECORD_NAME
    temporary = path.with_name(f".{RECORD_NAME}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps({**record, "pages": pages, "paths": paths}, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        logger.info("could not remember the build in %s: %s", path, error.strerror or error)
