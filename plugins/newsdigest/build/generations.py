"""Putting a built site in place atomically.

Each build writes a complete site into a new folder beside the output path,
`<output>.gen-<id>` (a generation). The output path itself is a symbolic link to the
live generation, and going live is one rename(2) of a new link over it: a web server
serving the output path, and a reader of it, see the old site or the new one, whole,
at any instant. A kill before the rename leaves the old site live; after it, the new.

No build writes into a published file: unchanged files of the new generation are hard
links to the live one's (they keep their inode and modification time, so rsync sends
nothing for them), and every other file is a new one. What no longer belongs to the
site is simply not in the new generation. The old generation's files, and whatever a
crashed build left beside the output path, are removed after the switch and before the
next build.

Making and removing a site's folders (one per story) costs far more than linking its
files, so the folders of the old generation are kept, emptied of files, as a spare
(`<output>.spare-<id>`) which the next build fills instead of making them again; the
folders it leaves empty are removed. Plain functions, no Pelican.
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

from newsdigest.build import stop_points
from newsdigest.build.file_modes import SiteModes
from newsdigest.paths import display_path

logger = logging.getLogger(__name__)

GENERATION_MARK = ".gen-"
SPARE_MARK = ".spare-"  # the folders of an old generation, without files
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
    """The folder the next generation is written into, beside the output path: the spare
    folders when there are, else a new folder, whose mode follows the umask like any
    folder's (a web server must be able to read it)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    spare = _spare(output)
    folder = _fresh_name(output, GENERATION_MARK)
    if spare is not None:
        os.rename(spare, folder)  # a generation now: a crash leaves it to `tidy`, like any other
    else:
        folder.mkdir(mode=0o777)
    return folder


def _fresh_name(output: Path, mark: str) -> Path:
    return output.with_name(f"{output.name}{mark}{secrets.token_hex(6)}")


def _named(output: Path, mark: str) -> list[Path]:
    """The folders beside the output path whose names carry `mark`, in a stable order."""
    if not output.parent.is_dir():
        return []
    prefix = output.name + mark
    return sorted(entry for entry in output.parent.iterdir() if entry.name.startswith(prefix))


def _spare(output: Path) -> Path | None:
    return next((entry for entry in _named(output, SPARE_MARK) if entry.is_dir() and not entry.is_symlink()), None)


def tidy(output: Path) -> None:
    """Clear what earlier builds left beside the output path: every generation but the live
    one, links never renamed over it, legacy staging folders. One spare is kept: the one there
    is, else an old generation emptied of its files (a spare is only ever named once empty)."""
    live = live_generation(output)
    spare = _spare(output)
    for entry in _named(output, SPARE_MARK):
        if entry != spare:
            remove_tree(entry)
    for entry in [*_named(output, GENERATION_MARK), *_named(output, LINK_MARK), *_named(output, LEGACY_STAGING_MARK)]:
        if entry.is_symlink() or not entry.is_dir():
            remove_tree(entry)
        elif live is not None and entry.resolve() == live:
            continue
        elif spare is None and _remove_files(entry):
            try:
                spare = entry.rename(_fresh_name(output, SPARE_MARK))
            except OSError as error:
                logger.warning(
                    "could not rename %s: %s; the next build tries again", display_path(entry), error.strerror or error
                )
        else:
            remove_tree(entry)


def remove_site(output: Path) -> None:
    """Remove the output path and every generation and spare beside it (what `make clean` does)."""
    remove_tree(output)
    for mark in (GENERATION_MARK, SPARE_MARK, LINK_MARK, LEGACY_STAGING_MARK):
        for entry in _named(output, mark):
            remove_tree(entry)


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
        logger.warning(
            "could not remove %s: %s; the next build tries again", display_path(path), error.strerror or error
        )


def _remove_files(folder: Path) -> bool:
    """Unlink every file under `folder`, keeping its folders; False (with a warning) if some stay."""
    for attempt in (1, 2):
        try:
            files, _ = site_files(folder)
            for entry in files.values():
                os.unlink(entry.path)
            return True
        except OSError as error:
            if attempt == 1:
                _make_folders_writable(folder)
                continue
            logger.warning(
                "could not empty %s: %s; the next build tries again", display_path(folder), error.strerror or error
            )
    return False


def _make_folders_writable(folder: Path) -> None:
    os.chmod(folder, stat.S_IMODE(os.lstat(folder).st_mode) | stat.S_IRWXU)
    for root, folders, _ in os.walk(folder):  # top-down: each folder is opened after it is fixed
        for name in folders:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISDIR(mode) and stat.S_IMODE(mode) & stat.S_IRWXU != stat.S_IRWXU:
                os.chmod(path, stat.S_IMODE(mode) | stat.S_IRWXU)


def site_files(folder: str | os.PathLike[str]) -> tuple[dict[str, os.DirEntry[str]], dict[str, int]]:
    """Relative path -> directory entry of every file under `folder` (its inode needs no stat),
    and the path of every folder under it -> how many entries it holds."""
    files, folders, pending = {}, {}, [(os.fspath(folder), "")]
    while pending:
        path, prefix = pending.pop()
        with os.scandir(path) as entries:
            count = 0
            for entry in entries:
                count += 1
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    files[prefix + entry.name] = entry
        folders[path] = count
    return files, folders


def _remove_empty_folders(root: str, folders: dict[str, int]) -> list[str]:
    """Remove the folders holding nothing (left over from the spare), deepest first; returns
    the folders kept."""
    kept = []
    for path in sorted(folders, key=lambda path: path.count(os.sep), reverse=True):
        if folders[path] == 0 and path != root:
            os.rmdir(path)
            folders[os.path.dirname(path)] -= 1
        else:
            kept.append(path)
    return kept


def _same_bytes(old: os.DirEntry[str], new: os.DirEntry[str]) -> bool:
    if old.stat(follow_symlinks=False).st_size != new.stat(follow_symlinks=False).st_size:
        return False
    with open(old.path, "rb") as one, open(new.path, "rb") as other:
        while True:
            block = one.read(1 << 20)
            if block != other.read(1 << 20):
                return False
            if not block:
                return True


def keep_unchanged(staging: Path, live: Path | None, modes: SiteModes | None = None) -> tuple[int, int]:
    """Make every file of `staging` whose bytes equal the live site's a hard link to it, so it
    keeps its inode and modification time, and give every file and folder the modes of the
    umask (`modes`), whatever made them. Returns how many files are new or changed, and how
    many of the live site's files the new site no longer has."""
    modes = modes or SiteModes.from_umask()
    new_files, folders = site_files(staging)
    for folder in _remove_empty_folders(os.fspath(staging), folders):
        modes.fix_folder(folder)  # a spare's folders were made by an earlier build, maybe under another umask
    old_files = site_files(live)[0] if live is not None else {}
    changed = 0
    for number, (relative, new) in enumerate(sorted(new_files.items())):
        if number == len(new_files) // 2:
            stop_points.reached("staging")
        old = old_files.get(relative)
        status = new.stat(follow_symlinks=False)
        if old is not None and old.inode() == new.inode():  # linked from the same stored file
            if modes.fix_file(new.path, status):
                changed += 1
            continue
        if (
            old is None
            or not old.is_file(follow_symlinks=False)
            or not modes.file_is_right(old.stat(follow_symlinks=False))
            or not _same_bytes(old, new)
        ):
            modes.fix_file(new.path, status)
            changed += 1
            continue
        temporary = f"{new.path}{LINK_MARK}{secrets.token_hex(4)}"
        try:
            os.link(old.path, temporary)
        except OSError:  # no hard links here (another file system): the new file stays
            modes.fix_file(new.path, status)
            changed += 1
            continue
        os.replace(temporary, new.path)
    return changed, len(old_files.keys() - new_files.keys())


def exchange(first: Path, second: Path) -> bool:
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
    if not exchange(link, output):
        os.rename(output, link.with_name(f"{output.name}{GENERATION_MARK}{secrets.token_hex(6)}"))
        os.replace(link, output)
