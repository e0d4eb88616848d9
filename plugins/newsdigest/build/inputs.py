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


def problems(content: str | os.PathLike[str], ignore_patterns: Iterable[str]) -> list[str]:
    """One line for each file under `content` the build must not read, naming it: a link
    leaving the folder, a link in a loop or to nothing, a pipe, socket or device, a story over
    MAX_STORY_BYTES. Files matching `ignore_patterns` (IGNORE_FILES) are not looked at."""
    content = os.fspath(content)
    if not os.path.isdir(content):
        return []  # Pelican says so itself
    root = os.path.realpath(content)
    found: list[str] = []
    _check_folder(content, root, (root,), list(ignore_patterns), found)
    return found


def _check_folder(folder: str, root: str, real_folders: tuple[str, ...], patterns: list[str], found: list[str]) -> None:
    """`real_folders`: the resolved folders from the root down to this one, to tell a link back
    up to one of them (a loop) from one to a sibling."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        found.append(f"{display_path(folder)}: cannot read the folder: {error.strerror}")
        return
    for name in names:
        if is_ignored(name, patterns):
            continue
        path = os.path.join(folder, name)
        problem, real_folder = _check_entry(path, root, real_folders)
        if problem is not None:
            found.append(f"{display_path(path)}: {problem}")
        elif real_folder is not None:
            _check_folder(path, root, (*real_folders, real_folder), patterns, found)


def _check_entry(path: str, root: str, real_folders: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(the problem with `path`, or None; the resolved folder to walk into, when it is one)."""
    try:
        entry = os.lstat(path)
        link = stat.S_ISLNK(entry.st_mode)
        if link:
            entry = os.stat(path)  # the target's kind, still without opening it
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link in a loop; not read", None
        return f"cannot read: {error.strerror}", None  # a link to nothing, a file gone meanwhile
    # Only a link needs resolving: anything else is where its resolved folder is.
    real = os.path.realpath(path) if link else os.path.join(real_folders[-1], os.path.basename(path))
    if os.path.commonpath([root, real]) != root:
        return f"a link to {real}, outside the content folder; not read", None
    if stat.S_ISDIR(entry.st_mode):
        if real in real_folders:
            return "a link to a folder holding it (a loop); not read", None
        return None, real
    if not stat.S_ISREG(entry.st_mode):
        return f"not a regular file ({_KINDS.get(stat.S_IFMT(entry.st_mode), 'a special file')}); not read", None
    if path.endswith(STORY_EXTENSIONS) and entry.st_size > MAX_STORY_BYTES:
        return (
            f"too large for a news story ({entry.st_size / 2**20:.0f} MB; "
            f"the limit is {MAX_STORY_BYTES // 2**20} MB); not read"
        ), None
    return None, None
