"""Build the site: read settings, run Pelican with every plugin into a staging folder,
and swap it in for the output folder only when the build succeeded.

Reads top to bottom: settings -> staging folder -> Pelican run -> swap.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from newsdigest.pelican_plugins.strict import BuildFailed, stop_collecting

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    output: Path

    @property
    def html_pages(self) -> int:
        return sum(1 for _ in self.output.rglob("*.html"))


def load_settings(settings_file: str | os.PathLike, content: str | os.PathLike | None = None,
                  output: str | os.PathLike | None = None, overrides: dict | None = None) -> dict:
    """Pelican settings from `settings_file`, with the content and output folders overridden."""
    override = dict(overrides or {})
    if content is not None:
        override["PATH"] = os.path.abspath(content)
    if output is not None:
        override["OUTPUT_PATH"] = os.path.abspath(output)
    return read_settings(os.fspath(settings_file), override=override)


def build(settings_file: str | os.PathLike = "pelicanconf.py", content: str | os.PathLike | None = None,
          output: str | os.PathLike | None = None, overrides: dict | None = None) -> BuildResult:
    """Build the site atomically: on any problem, raise BuildFailed and leave `output` as it was."""
    settings = load_settings(settings_file, content, output, overrides)
    final_output = Path(settings["OUTPUT_PATH"])
    final_output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=final_output.name + ".staging-", dir=final_output.parent))
    try:
        _run_pelican({**settings, "OUTPUT_PATH": str(staging)})
        _swap_in(staging, final_output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(output=final_output)


def _run_pelican(settings: dict) -> None:
    pelican = Pelican(settings)
    try:
        pelican.run()
    except BuildFailed:
        raise
    except Exception as error:  # a crash inside Pelican or a plugin is a failed build too
        raise BuildFailed([f"{type(error).__name__}: {error}".splitlines()[0]]) from error
    finally:
        stop_collecting(settings)


def _swap_in(staging: Path, final_output: Path) -> None:
    """Replace `final_output` with `staging` by two renames; the old tree is removed last."""
    if final_output.exists():
        retired = Path(tempfile.mkdtemp(prefix=final_output.name + ".old-", dir=final_output.parent))
        retired.rmdir()
        os.replace(final_output, retired)
        os.replace(staging, final_output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, final_output)
