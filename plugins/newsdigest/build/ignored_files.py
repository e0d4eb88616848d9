"""Files a build does not read: Pelican's IGNORE_FILES (glob patterns such as ".*", which
covers editors' lock and swap files like `.#story.md`), matched against each file's and
folder's name as Pelican's readers match them. newsdigest applies the same rule wherever
it looks at files itself: the pre-reader, the digests of the theme and of side files,
and `serve`'s watcher.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator


def is_ignored(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def files_under(root: str | os.PathLike[str], patterns: Iterable[str]) -> Iterator[str]:
    """The paths of the files under `root` that are not ignored, in a stable order (links
    followed, as Pelican's readers follow them)."""
    patterns = list(patterns)
    for folder, folders, names in os.walk(root, followlinks=True):
        folders[:] = sorted(name for name in folders if not is_ignored(name, patterns))
        for name in sorted(names):
            if not is_ignored(name, patterns):
                yield os.path.join(folder, name)


def has_ignored_part(relative: str, patterns: Iterable[str]) -> bool:
    """Whether a path relative to a watched folder is, or is inside, an ignored file or folder."""
    patterns = list(patterns)
    return any(is_ignored(part, patterns) for part in relative.split(os.sep) if part not in ("", "."))
