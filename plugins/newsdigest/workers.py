"""Worker processes for the expensive, independent steps of a build.

Workers are forked: they start at once, inherit what they work on (only their results are pickled), and,
unlike spawned ones, never re-import the caller's main module (a script without a
main guard would make a spawning pool start workers forever). They only compute and
return results, never log or print, so no lock held by another thread at fork time
can stop them. They are always shut down: on error and on Ctrl-C too, and on Linux they
die with the build even when it is killed outright (SIGKILL), which no handler sees.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkProcess

from newsdigest.settings import SettingsGroup, setting

_PR_SET_PDEATHSIG = 1
# Below this many items the cost of starting workers outweighs the gain.
MIN_ITEMS_FOR_WORKERS = 200


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """How many worker processes a build uses."""

    workers: int | None = setting("NEWSDIGEST_WORKERS", None, minimum=0)  # None or 0: one per core


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


def map_chunks(function: Callable[[list], list], items: list, workers: int, chunk_size: int = 100) -> Iterator:
    """`function` over `items` in chunks, in forked worker processes when worth it; yields the
    results in order. Workers inherit `function` and `items` (a closure over a whole site will
    do: only results are pickled); each takes every `workers`-th chunk and sends back each
    chunk's results as it finishes it. A worker that dies raises WorkerDied."""
    chunks = [items[start : start + chunk_size] for start in range(0, len(items), chunk_size)]
    if workers <= 1 or len(items) < MIN_ITEMS_FOR_WORKERS or not hasattr(os, "fork"):
        for chunk in chunks:
            yield from function(chunk)
        return
    context = multiprocessing.get_context("fork")
    workers = min(workers, len(chunks))
    connections: list[Connection] = []
    processes: list[ForkProcess] = []
    # Objects made before the fork go to the collector's permanent generation: a worker's
    # collections then never write to them, so their memory pages stay shared with this process
    # instead of being copied into every worker.
    gc.freeze()
    try:
        for share in range(workers):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_work,
                daemon=True,
                args=(function, chunks[share::workers], theirs, [*connections, ours], os.getpid()),
            )
            process.start()
            theirs.close()
            connections.append(ours)
            processes.append(process)
        gc.unfreeze()
        for number in range(len(chunks)):
            try:
                results = connections[number % workers].recv()
            except EOFError:
                process = processes[number % workers]
                process.join(timeout=10)
                raise WorkerDied(f"a worker process died (exit code {process.exitcode})") from None
            yield from results
    except BaseException:  # Ctrl-C, a crash, or the caller gave up: stop the workers now, not after their work
        gc.unfreeze()
        for process in processes:
            process.terminate()
        raise
    finally:
        for connection in connections:
            connection.close()  # a worker waiting for the end of the map exits
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()


class WorkerDied(RuntimeError):
    pass


def _work(
    function: Callable[[list], list], chunks: list[list], connection, parents_ends: list, parent_pid: int
) -> None:
    """In a forked worker: send `function`'s results for each chunk, then wait for the end of the
    map (the parent closes its end), so workers live as long as the map they serve."""
    die_with_parent(parent_pid)
    for end in parents_ends:  # inherited copies, which would keep this worker's pipe (and others') open
        end.close()
    for chunk in chunks:
        connection.send(function(chunk))
    try:
        connection.recv()
    except EOFError:
        pass
