"""One build at a time: an exclusive lock on `build.lock` in the cache folder.

Two builds at once would share the cache and race for the output; the later one could
report success while the earlier one's older site goes live. The lock is flock(2), which
the kernel drops when its holder dies (even by SIGKILL), so a crashed build never blocks
the next one. `newsdigest build`, `serve`'s rebuilds and the bench all take it through
`newsdigest.build.run.build`.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from newsdigest.paths import display_path

logger = logging.getLogger(__name__)

LOCK_NAME = "build.lock"


class BuildBusy(Exception):
    """Another build holds the lock and the caller asked not to wait."""


def _holder(descriptor: int) -> str:
    """The process id the holder wrote into the lock file, for messages."""
    try:
        text = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {text})" if text.isdigit() else ""


@contextlib.contextmanager
def build_lock(cache_path: str | os.PathLike[str], wait: bool = True) -> Iterator[None]:
    """Hold the build lock of `cache_path` for the duration of the block.

    When another build holds it: wait for it, saying so once, or raise BuildBusy when
    `wait` is false."""
    folder = Path(cache_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            if not wait:
                raise BuildBusy(f"another build{holder} holds {display_path(path)}; not waiting for it") from None
            logger.warning("waiting for another build%s to finish (it holds %s)", holder, display_path(path))
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(descriptor)  # closing drops the lock
