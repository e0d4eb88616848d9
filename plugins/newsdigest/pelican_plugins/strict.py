"""Strict build: any error while reading or writing fails the whole build.

Pelican logs a bad file and carries on; a digest that silently dropped a story
must never be published. Every ERROR logged during a build is collected (one
line each, naming the file), and the build stops before writing when reading
went wrong, or at the end when writing did.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

import jinja2
from pelican import signals
from pelican.writers import FileOverwriteFailedError, Writer

from newsdigest.paths import display_path

logger = logging.getLogger(__name__)

SETTINGS_KEY = "NEWSDIGEST_PROBLEMS"


class BuildFailed(Exception):
    """The build found problems; `problems` holds one line for each."""

    exitcode = 1

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''}:\n" + "\n".join(self.problems))


class ProblemCollector(logging.Handler):
    """Collects the first line of every ERROR record logged while a build runs."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.problems: list[str] = []

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

    def __getstate__(self):  # settings may be pickled by Pelican's cache; the collector is per run
        return {}

    def __setstate__(self, state):
        self.__init__()


def _collector(settings) -> ProblemCollector | None:
    return settings.get(SETTINGS_KEY)


def start_collecting(pelican) -> None:
    collector = ProblemCollector()
    pelican.settings[SETTINGS_KEY] = collector
    logging.getLogger().addHandler(collector)


def _fail_if_problems(settings) -> None:
    collector = _collector(settings)
    if collector is not None and collector.problems:
        logging.getLogger().removeHandler(collector)
        raise BuildFailed(collector.problems)


def check_after_reading(generators) -> None:
    if generators:
        _fail_if_problems(generators[0].settings)


def check_after_writing(pelican) -> None:
    _fail_if_problems(pelican.settings)
    stop_collecting(pelican.settings)


def stop_collecting(settings) -> None:
    """Detach the collector; safe to call twice, and after a crash."""
    collector = _collector(settings)
    if collector is not None:
        logging.getLogger().removeHandler(collector)


def _origin(kwargs, template) -> str:
    """What a write came from: the content file when there is one, else the template."""
    for key in ("article", "page"):
        item = kwargs.get(key)
        if item is not None and getattr(item, "source_path", None):
            return display_path(item.source_path)
    name = getattr(template, "name", None) or getattr(template, "filename", None)
    return f"template {name}" if name else "a page"


def _template_location(error: Exception, template) -> str:
    """`name:line` of the template frame the error was raised in, when it can be found."""
    lineno = getattr(error, "lineno", None)
    if lineno is None and getattr(template, "filename", None):
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename == template.filename:
                lineno = frame.lineno
    return f"{template.name}:{lineno}" if lineno else str(template.name)


class StrictWriter(Writer):
    """Pelican's writer, refusing to let two items share an output path and naming
    the content file behind a template error instead of crashing."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._owners: dict[str, str] = {}

    def write_file(self, name, template, context, *args, **kwargs):
        if not name:
            return None
        origin = _origin(kwargs, template)
        key = os.path.normpath(name)
        if key in self._owners and not kwargs.get("override_output"):
            logger.error("%s: writes %s, which %s also writes", origin, name, self._owners[key])
            return None
        self._owners[key] = origin
        try:
            return super().write_file(name, template, context, *args, **kwargs)
        except jinja2.TemplateError as error:
            logger.error("%s: template %s: %s", origin, _template_location(error, template), error)
        except FileOverwriteFailedError as error:
            logger.error("%s: %s", origin, error)
        return None


def strict_writer(pelican):
    return StrictWriter


def register():
    signals.initialized.connect(start_collecting)
    signals.all_generators_finalized.connect(check_after_reading)
    signals.get_writer.connect(strict_writer)
    signals.finalized.connect(check_after_writing)
