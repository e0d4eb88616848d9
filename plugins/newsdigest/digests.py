"""The one digest of cache keys, page keys and search blocks: SHA-256 over length-framed parts."""

from __future__ import annotations

import hashlib


def update_framed(hasher, part: str | bytes) -> None:
    # Each part framed by its length: ("ab", "c") and ("a", "bc") never digest alike.
    data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
    hasher.update(len(data).to_bytes(8, "little"))
    hasher.update(data)


def digest(*parts: str | bytes) -> str:
    """The one digest of cache keys and page keys: SHA-256 of the parts, each framed by its length."""
    hasher = hashlib.sha256()
    for part in parts:
        update_framed(hasher, part)
    return hasher.hexdigest()
