"""Files a build does not read: Pelican's IGNORE_FILES (glob patterns such as ".*", which
covers editors' lock and swap files like `.#story.md`), matched against each file's and
folder's name as Pelican's readers match them. newsdigest applies the same rule wherever
it looks at files itself: the pre-reader, the digests of the theme and of side files,
and `serve`'s watcher.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator


def is_ignored(name: str, patterns: Iterable[str]) -> bool:
    return _matcher(tuple(patterns))(os.path.normcase(name)) is not None


@functools.lru_cache(maxsize=64)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """One regular expression for all `patterns`, as fnmatch reads each: a content folder has
    tens of thousands of names to try."""
    if not patterns:
        return lambda name: None
    return re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(pattern))})" for pattern in patterns)).match


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
