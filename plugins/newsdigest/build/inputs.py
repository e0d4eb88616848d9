"""What a build may read: regular files inside the content folder, and story files no larger
than one news story can be. Checked before anything opens a file, from what lstat(2) and
stat(2) say: opening a named pipe waits for ever for a writer, /dev/zero never ends, and a
link out of the folder would publish whatever it points at (/etc/passwd copied as an image).

`problems` walks the content folder once, following links only to where they point inside
it, and returns one line per file the build must not read, in path order. `newsdigest
build` calls it before Pelican starts; the inputs plugin calls it for a plain `pelican` run.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass

from newsdigest.build.ignored_files import is_ignored
from newsdigest.content.model import MAX_STORY_BYTES
from newsdigest.paths import display_path

STORY_EXTENSIONS = (".md", ".markdown")  # the files the reader converts (pelican_plugins/reader.py)
_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


def problems(
    content: str | os.PathLike[str],
    ignore_patterns: Iterable[str],
    readable: list[tuple[str, os.stat_result]] | None = None,
) -> list[str]:
    """One line for each file under `content` the build must not read, naming it: a link
    leaving the folder, a link in a loop or to nothing, a pipe, socket or device, a story over
    MAX_STORY_BYTES. Files matching `ignore_patterns` (IGNORE_FILES) are not looked at.
    `readable`, when given, gets each file the build may read, with what stat(2) said of it
    (links followed), in the order of the walk: what a build remembers it read."""
    content = os.fspath(content)
    if not os.path.isdir(content):
        return []  # Pelican says so itself
    root = os.path.realpath(content)
    walk = _Walk(root, list(ignore_patterns), [], readable if readable is not None else [])
    _check_folder(content, (root,), walk)
    return walk.found


@dataclass(frozen=True)
class _Walk:
    root: str  # the content folder, resolved
    patterns: list[str]  # IGNORE_FILES
    found: list[str]  # the problems
    readable: list[tuple[str, os.stat_result]]


def _check_folder(folder: str, real_folders: tuple[str, ...], walk: _Walk) -> None:
    """`real_folders`: the resolved folders from the root down to this one, to tell a link back
    up to one of them (a loop) from one to a sibling."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        walk.found.append(f"{display_path(folder)}: cannot read the folder: {error.strerror}")
        return
    for name in names:
        if is_ignored(name, walk.patterns):
            continue
        path = os.path.join(folder, name)
        problem, real_folder, status = _check_entry(path, walk.root, real_folders)
        if problem is not None:
            walk.found.append(f"{display_path(path)}: {problem}")
        elif real_folder is not None:
            _check_folder(path, (*real_folders, real_folder), walk)
        elif status is not None:
            walk.readable.append((path, status))


def _check_entry(
    path: str, root: str, real_folders: tuple[str, ...]
) -> tuple[str | None, str | None, os.stat_result | None]:
    """(the problem with `path`, or None; the resolved folder to walk into, when it is one; what
    stat(2) says of a file the build may read)."""
    try:
        entry = os.lstat(path)
        link = stat.S_ISLNK(entry.st_mode)
        if link:
            entry = os.stat(path)  # the target's kind, still without opening it
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link in a loop; not read", None, None
        return f"cannot read: {error.strerror}", None, None  # a link to nothing, a file gone meanwhile
    # Only a link needs resolving: anything else is in its resolved folder, inside the root.
    real = os.path.realpath(path) if link else None
    if real is not None and os.path.commonpath([root, real]) != root:
        return f"a link to {real}, outside the content folder; not read", None, None
    if stat.S_ISDIR(entry.st_mode):
        if real is None:
            return None, os.path.join(real_folders[-1], os.path.basename(path)), None
        if real in real_folders:
            return "a link to a folder holding it (a loop); not read", None, None
        return None, real, None
    if not stat.S_ISREG(entry.st_mode):
        return f"not a regular file ({_KINDS.get(stat.S_IFMT(entry.st_mode), 'a special file')}); not read", None, None
    if path.endswith(STORY_EXTENSIONS) and entry.st_size > MAX_STORY_BYTES:
        return (
            (
                f"too large for a news story ({entry.st_size / 2**20:.0f} MB; "
                f"the limit is {MAX_STORY_BYTES // 2**20} MB); not read"
            ),
            None,
            None,
        )
    return None, None, entry
