"""How paths are shown to a curator in messages."""

from __future__ import annotations

import os


def display_path(path: str | os.PathLike[str]) -> str:
    """The path as a curator would type it: relative to the working folder when inside it."""
    path = os.fspath(path)
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
