"""The build reads only what it should (newsdigest.build.inputs): a plain `pelican` run checks
the content folder when Pelican starts, before any plugin or generator opens a file, and
fails on any file it must not read (`newsdigest build` has checked it already, and checks
again here: the folder may have changed while it waited for the lock).
"""

from __future__ import annotations

import logging

from pelican import signals

from newsdigest.build import inputs
from newsdigest.build.errors import BuildFailed

logger = logging.getLogger(__name__)


def check_inputs(pelican) -> None:
    found = inputs.problems(pelican.settings["PATH"], pelican.settings.get("IGNORE_FILES", []))
    for problem in found:
        logger.error("%s", problem)
    if found:
        raise BuildFailed(found)  # before Pelican reads: a named pipe would block it for ever


def register():
    signals.initialized.connect(check_inputs)
