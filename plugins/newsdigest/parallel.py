"""Worker processes for the expensive, independent steps of a build.

Workers are forked: they start at once, need nothing pickled but their chunk, and,
unlike spawned ones, never re-import the caller's main module (a script without a
main guard would make a spawning pool start workers forever). They only compute and
return results, never log or print, so no lock held by another thread at fork time
can stop them. They are always shut down: on error and on Ctrl-C too, and on Linux they
die with the build even when it is killed outright (SIGKILL), which no handler sees.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterable

_PR_SET_PDEATHSIG = 1
# Below this many items the cost of starting workers outweighs the gain.
MIN_ITEMS_FOR_WORKERS = 200


def worker_count(setting: int | None = None) -> int:
    """The number of worker processes: the setting, else one per available core."""
    if setting:
        return max(1, int(setting))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def die_with_parent(parent_pid: int) -> None:
    """In a worker process: have the kernel kill it when its parent dies, however the parent dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request was made
        os._exit(1)


def dying_with_parent(command: list[str]) -> list[str]:
    """`command` run so that the kernel kills it when this process dies: through util-linux's
    setpriv where it is installed (Popen's preexec_fn, the other way, is unsafe in a process
    with threads, and indexers are started from threads)."""
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "KILL", "--", *command] if setpriv else list(command)


def map_chunks(function: Callable[[list], list], items: list, workers: int, chunk_size: int = 100) -> Iterable:
    """`function` over `items` in chunks, in worker processes when worth it; yields results in order."""
    chunks = [items[start:start + chunk_size] for start in range(0, len(items), chunk_size)]
    if workers <= 1 or len(items) < MIN_ITEMS_FOR_WORKERS:
        for chunk in chunks:
            yield from function(chunk)
        return
    pool = multiprocessing.get_context("fork").Pool(processes=workers, initializer=die_with_parent,
                                                       initargs=(os.getpid(),))
    try:
        for results in pool.imap(function, chunks):
            yield from results
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
