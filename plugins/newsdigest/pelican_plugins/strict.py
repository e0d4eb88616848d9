"""Strict build: any error while reading or writing fails the whole build.

Pelican logs a bad file and carries on; a digest that silently dropped a story
must never be published. Every ERROR logged during a build is collected (one
line each, naming the file), and the build stops before writing when reading
went wrong, or at the end when writing did.
"""

from __future__ import annotations

import logging
import sys

from pelican import signals

from newsdigest.build import record as build_state
from newsdigest.build.errors import BuildFailed


class ProblemCollector(logging.Handler):
    """Collects the first line of every ERROR record logged while a build runs, into `problems`."""

    def __init__(self, problems: list[str]):
        super().__init__(level=logging.ERROR)
        self.problems = problems

    def emit(self, record):
        lines = record.getMessage().strip().splitlines()
        if not lines:
            return
        problem = lines[0]
        # Pelican logs "Could not process <file>" inside its except block without the
        # reason; the exception being handled is the reason.
        _, error, _ = sys.exc_info()
        if error is not None and str(error) not in problem:
            problem += f": {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        self.problems.append(problem)


def start_collecting(pelican) -> None:
    build = build_state.current()
    collector = build.log_handler = ProblemCollector(build.problems)
    logging.getLogger().addHandler(collector)
    # Connected now, after every plugin's register(), so the checks run after the
    # plugins' own receivers and see the errors they log (connecting is idempotent).
    signals.all_generators_finalized.connect(check_after_reading)
    signals.finalized.connect(check_after_writing)


def stop_collecting() -> None:
    """Detach the collector; safe to call twice, and after a crash."""
    collector = build_state.current().log_handler
    if collector is not None:
        logging.getLogger().removeHandler(collector)


def _fail_if_problems() -> None:
    problems = build_state.current().problems
    if problems:
        stop_collecting()
        raise BuildFailed(problems)


def check_after_reading(generators) -> None:
    if generators:
        _fail_if_problems()


def check_after_writing(pelican) -> None:
    _fail_if_problems()
    stop_collecting()


def register():
    signals.initialized.connect(start_collecting)
