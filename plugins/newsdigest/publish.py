"""Putting a built site in place atomically.

Each build writes a complete site into a new folder beside the output path,
`<output>.gen-<id>` (a generation). The output path itself is a symbolic link to the
live generation, and going live is one rename(2) of a new link over it: a web server
serving the output path, and a reader of it, see the old site or the new one, whole,
at any instant. A kill before the rename leaves the old site live; after it, the new.

No build writes into a published file: unchanged files of the new generation are hard
links to the live one's (they keep their inode and modification time, so rsync sends
nothing for them), and every other file is a new one. What no longer belongs to the
site is simply not in the new generation. Old generations, and whatever a crashed build
left beside the output path, are removed after the switch and before the next build.
Plain functions, no Pelican.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import secrets
import shutil
import stat
from pathlib import Path

from newsdigest import stop_points
from newsdigest.paths import display_path

logger = logging.getLogger(__name__)

GENERATION_MARK = ".gen-"
LINK_MARK = ".link-"  # a link to a new generation, not yet renamed over the output path
LEGACY_STAGING_MARK = ".staging-"  # what builds before generations left when they crashed
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def live_generation(output: Path) -> Path | None:
    """The folder the output path serves now: the link's target, or the output folder itself."""
    if output.is_symlink():
        target = output.resolve()
        return target if target.is_dir() else None
    return output if output.is_dir() else None


def new_generation(output: Path) -> Path:
    """A new, empty folder for the next generation, beside the output path. Its mode follows
    the umask like any folder's (a web server must be able to read it)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    while True:
        folder = output.with_name(f"{output.name}{GENERATION_MARK}{secrets.token_hex(6)}")
        try:
            folder.mkdir(mode=0o777)
            return folder
        except FileExistsError:
            continue


def _ours(output: Path, entry: Path) -> bool:
    name = entry.name
    return any(name.startswith(output.name + mark) for mark in (GENERATION_MARK, LINK_MARK, LEGACY_STAGING_MARK))


def remove_leftovers(output: Path) -> None:
    """Remove every generation, link and staging folder beside the output path but the live one."""
    if not output.parent.is_dir():
        return
    live = live_generation(output)
    for entry in sorted(output.parent.iterdir()):
        if _ours(output, entry) and (live is None or entry.is_symlink() or entry.resolve() != live):
            remove_tree(entry)


def remove_site(output: Path) -> None:
    """Remove the output path and every generation beside it (what `make clean` does)."""
    remove_tree(output)
    remove_leftovers(output)


def remove_tree(path: Path) -> None:
    """Remove a file, link or folder, making folders someone made read-only writable if need be.
    What cannot be removed is named in a warning: the site is in place, so that is no reason to fail."""
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
            return
        try:
            shutil.rmtree(path)
        except OSError:
            _make_folders_writable(path)
            shutil.rmtree(path)
    except OSError as error:
        logger.warning("could not remove %s: %s; the next build tries again", display_path(path),
                       error.strerror or error)


def _make_folders_writable(folder: Path) -> None:
    os.chmod(folder, stat.S_IMODE(os.lstat(folder).st_mode) | stat.S_IRWXU)
    for root, folders, _ in os.walk(folder):  # top-down: each folder is opened after it is fixed
        for name in folders:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISDIR(mode) and stat.S_IMODE(mode) & stat.S_IRWXU != stat.S_IRWXU:
                os.chmod(path, stat.S_IMODE(mode) | stat.S_IRWXU)


def _walk_files(folder: Path) -> dict[str, os.stat_result]:
    """Relative path -> lstat of every file under `folder`."""
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = os.lstat(path)
    return found


def _same_bytes(first: str, second: str) -> bool:
    with open(first, "rb") as one, open(second, "rb") as other:
        while True:
            block = one.read(1 << 20)
            if block != other.read(1 << 20):
                return False
            if not block:
                return True


def keep_unchanged(staging: Path, live: Path | None) -> tuple[int, int]:
    """Make every file of `staging` whose bytes equal the live site's a hard link to it, so it
    keeps its inode and modification time. Returns how many files are new or changed, and how
    many of the live site's files the new site no longer has."""
    new_files = _walk_files(staging)
    old_files = _walk_files(live) if live is not None else {}
    changed = 0
    for number, (relative, new) in enumerate(sorted(new_files.items())):
        if number == len(new_files) // 2:
            stop_points.reached("staging")
        old = old_files.get(relative)
        if old is None or not stat.S_ISREG(old.st_mode):
            changed += 1
            continue
        if old.st_ino == new.st_ino and old.st_dev == new.st_dev:
            continue
        staged, published = os.path.join(staging, relative), os.path.join(live, relative)
        if old.st_size != new.st_size or not _same_bytes(staged, published):
            changed += 1
            continue
        spare = f"{staged}{LINK_MARK}{secrets.token_hex(4)}"
        try:
            os.link(published, spare)
        except OSError:  # no hard links here (another file system): the new file stays
            changed += 1
            continue
        os.replace(spare, staged)
    return changed, len(old_files.keys() - new_files.keys())


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        rename = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if rename(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this system or file system cannot
        return False
    raise OSError(error, os.strerror(error), str(second))


def switch(output: Path, generation: Path) -> None:
    """Make `generation` the live site: the output path becomes a link to it, in one rename."""
    link = output.with_name(f"{output.name}{LINK_MARK}{secrets.token_hex(6)}")
    os.symlink(generation.name, link)  # relative: the output path and its generations move together
    stop_points.reached("switch")
    if output.is_symlink() or not output.exists():
        os.replace(link, output)
        return
    # The output path is a real folder (a site built before generations): swap it with the link
    # atomically where the system can, then it is an old generation like any other.
    if not _exchange(link, output):
        os.rename(output, link.with_name(f"{output.name}{GENERATION_MARK}{secrets.token_hex(6)}"))
        os.replace(link, output)
