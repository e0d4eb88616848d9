"""The modes a built site's files and folders must have: those the user's umask gives any new
file (0644 under umask 022) and folder (0755), whatever made them.

A web server runs as another user: a file that kept the mode of a private copy (a hard link
to a file rendered under another umask, an image copied with its mode from `content/`, a
folder reused from an older build) answers 403. Plain functions, no Pelican.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass

_NEW_FILE, _NEW_FOLDER = 0o666, 0o777


def current_umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)  # elsewhere the only way to read it is to set it, and put it back
    os.umask(umask)
    return umask


@dataclass(frozen=True)
class SiteModes:
    file: int
    folder: int

    @classmethod
    def from_umask(cls, umask: int | None = None) -> SiteModes:
        umask = current_umask() if umask is None else umask
        return cls(file=_NEW_FILE & ~umask, folder=_NEW_FOLDER & ~umask)

    def file_is_right(self, status: os.stat_result) -> bool:
        return stat.S_IMODE(status.st_mode) == self.file

    def fix_folder(self, path: str | os.PathLike[str]) -> None:
        if stat.S_IMODE(os.lstat(path).st_mode) != self.folder:
            os.chmod(path, self.folder)

    def fix_file(self, path: str | os.PathLike[str], status: os.stat_result) -> bool:
        """Give the file at `path` the right mode; True when it had to change. A file with other
        links (a page in the store, the live site's) is replaced by a copy: changing its mode
        would change theirs too."""
        if self.file_is_right(status):
            return False
        if status.st_nlink == 1:
            os.chmod(path, self.file)
        else:
            replace_with_copy(path)
        return True


def replace_with_copy(path: str | os.PathLike[str]) -> None:
    """Make `path` a file of its own, with the mode of a new file, holding the same bytes."""
    path = os.fspath(path)
    temporary = f"{path}.copy-{os.getpid()}"
    try:
        shutil.copyfile(path, temporary)  # created anew: the umask's mode
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
