"""A hook for fault-injection tests: with `NEWSDIGEST_STOP_AT=<point>` in its environment,
a build stops itself (SIGSTOP) when it reaches that point, so a test can look at it, its
worker processes and its output, then kill it (SIGKILL) or let it go on (SIGCONT).

The points, in the order a build reaches them:
  conversion  Markdown is being converted (in worker processes when there are 200 files or more)
  rendering   pages are being rendered (in worker processes when there are 200 pages or more)
  search      Pagefind is indexing a block
  staging     the new site is complete in its folder; unchanged files are being linked to the old ones
  switch      the link to the new site is made, not yet renamed over the output path
  cleanup     the new site is live; the old one is not yet removed

A build stops at most once. Without the variable (always, outside tests) `reached` does nothing.
"""

from __future__ import annotations

import os
import signal

ENVIRONMENT_VARIABLE = "NEWSDIGEST_STOP_AT"
POINTS = ("conversion", "rendering", "search", "staging", "switch", "cleanup")


def reached(point: str) -> None:
    """Called by the build's own process (never a worker) at each point."""
    if os.environ.get(ENVIRONMENT_VARIABLE) == point:
        del os.environ[ENVIRONMENT_VARIABLE]
        os.kill(os.getpid(), signal.SIGSTOP)
