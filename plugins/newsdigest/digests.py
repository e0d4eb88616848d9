"""Digests of what goes into a page, so a rebuild can tell which pages changed.

`stable_repr` turns settings, metadata and plugin results into text that is the
same from one run to the next (no memory addresses, no set order); content
objects stand for themselves by URL, since their own digests cover the rest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

_MAX_DEPTH = 6


def stable_repr(value, depth: int = 0) -> str:
    if depth > _MAX_DEPTH:
        return "…"
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return repr(str(value))
    if hasattr(value, "__digest__"):  # an object that says what identifies it
        return f"<{type(value).__name__} {value.__digest__()}>"
    if hasattr(value, "source_path") and hasattr(value, "url"):  # a Pelican content object
        return f"<{type(value).__name__} {value.url}>"
    if hasattr(value, "slug") and hasattr(value, "name") and hasattr(value, "url"):  # tag, author, term
        return f"<{type(value).__name__} {value.name!s} {value.url}>"
    if isinstance(value, dict):
        items = sorted((stable_repr(k, depth + 1), stable_repr(v, depth + 1)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable_repr(v, depth + 1) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(stable_repr(v, depth + 1) for v in value) + "]"
    if callable(value):
        return f"<callable {getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}>"
    state = getattr(value, "__dict__", None)
    if state is not None:
        public = {k: v for k, v in state.items() if not k.startswith("_") and k != "settings"}
        return f"<{type(value).__name__} {stable_repr(public, depth + 1)}>"
    return f"<{type(value).__name__}>"
