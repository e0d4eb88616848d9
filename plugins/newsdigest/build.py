"""Build the site: read settings, run Pelican with every plugin into a staging folder,
and put the result in place only when the build succeeded.

Reads top to bottom: settings -> staging folder -> Pelican run -> put in place -> manifest.
A first build renames the staging folder into place. A rebuild renders only the
pages whose inputs changed, then applies that change-set to the output folder:
files whose bytes did not change are left alone (they keep their mtime, so
deploys by rsync stay small) and files that no longer belong are removed.
A failed build applies nothing.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
from pelican import Pelican
from pelican.settings import read_settings

from newsdigest.cache import BuildCache
from newsdigest.paths import display_path
from newsdigest.pelican_plugins.strict import SETTINGS_KEY as PROBLEMS_KEY
from newsdigest.pelican_plugins.strict import BuildFailed, stop_collecting
from newsdigest.pelican_plugins.writer import MANIFEST_NAMESPACE, PREVIOUS_OUTPUT_KEY, WRITER_KEY

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    rendered: int
    reused: int
    changed_files: int
    removed_files: int


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
    """Build the site; on any problem raise BuildFailed and leave `output` exactly as it was."""
    settings = load_settings(settings_file, content, output, overrides)
    final_output = Path(settings["OUTPUT_PATH"])
    final_output.parent.mkdir(parents=True, exist_ok=True)
    previous = final_output if final_output.is_dir() else None
    staging = Path(tempfile.mkdtemp(prefix=final_output.name + ".staging-", dir=final_output.parent))
    run_settings = {**settings, "OUTPUT_PATH": str(staging), PREVIOUS_OUTPUT_KEY: str(previous) if previous else None}
    try:
        _run_pelican(run_settings)
        writer = run_settings[WRITER_KEY]
        writer.keep_in_store()
        if previous is None:
            os.replace(staging, final_output)
            site_files = _files_under(final_output)
            changed, removed = len(site_files), 0
        else:
            site_files, changed, removed = _apply_changes(
                staging, final_output, keep=set(writer.reused_files()),
                previous_files=_previous_files(settings, final_output))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _save_manifest(settings, final_output, writer.manifest_entries(), site_files)
    return BuildResult(output=final_output, rendered=writer.rendered_count, reused=writer.reused_count,
                       changed_files=changed, removed_files=removed)


def _run_pelican(settings: dict) -> None:
    pelican = Pelican(settings)
    try:
        pelican.run()
    except BuildFailed:
        raise
    except jinja2.TemplateSyntaxError as error:
        problem = f"{display_path(error.filename or error.name or 'template')}:{error.lineno}: template syntax error: {error.message}"
        logger.error("%s", problem)
        raise BuildFailed([problem]) from error
    except Exception as error:  # a crash inside Pelican or a plugin is a failed build too
        problem = f"{type(error).__name__}: {error}".splitlines()[0]
        logger.error("%s", problem)
        collector = settings.get(PROBLEMS_KEY)
        earlier = [line for line in (collector.problems if collector else []) if line != problem]
        raise BuildFailed([*earlier, problem]) from error
    finally:
        stop_collecting(settings)


def _files_under(folder: Path) -> set[str]:
    found = set()
    for root, _, files in os.walk(folder):
        relative_root = os.path.relpath(root, folder)
        for name in files:
            found.add(os.path.normpath(os.path.join(relative_root, name)))
    return found


def _same_bytes(first: Path, second: Path) -> bool:
    try:
        if first.stat().st_size != second.stat().st_size:
            return False
        return first.read_bytes() == second.read_bytes()
    except OSError:
        return False


def _apply_changes(staging: Path, final_output: Path, keep: set[str],
                   previous_files: set[str] | None) -> tuple[set[str], int, int]:
    """Move changed files from staging into the output, drop files that no longer belong.

    Returns the site's files, and how many were changed and removed."""
    written = _files_under(staging)
    changed = 0
    for relative in sorted(written):
        target = final_output / relative
        if _same_bytes(staging / relative, target):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(staging / relative, target)
        changed += 1
    belongs = written | {os.path.normpath(path) for path in keep}
    existing = previous_files if previous_files is not None else _files_under(final_output)
    removed = 0
    for relative in sorted(existing - belongs):
        try:
            (final_output / relative).unlink()
            removed += 1
        except FileNotFoundError:
            continue
        _remove_empty_parents(final_output, (final_output / relative).parent)
    shutil.rmtree(staging, ignore_errors=True)
    return belongs, changed, removed


def _remove_empty_parents(root: Path, folder: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty (or already gone): stop climbing
            return
        folder = folder.parent


def _cache(settings) -> BuildCache:
    return BuildCache(Path(settings["CACHE_PATH"]) / "newsdigest.sqlite")


def _previous_files(settings, final_output: Path) -> set[str] | None:
    with _cache(settings) as cache:
        found = cache.get_many(MANIFEST_NAMESPACE + "-files", [str(final_output)])
    return set(json.loads(found[str(final_output)])) if str(final_output) in found else None


def _save_manifest(settings, final_output: Path, entries: dict[str, list], site_files: set[str]) -> None:
    """Record each page's key and its files' identity, for the next build to reuse."""
    pages = {}
    for name, (key, files) in entries.items():
        stats = []
        for relative in files:
            try:
                stat = os.stat(final_output / relative)
            except OSError:
                break
            stats.append([relative, stat.st_ino, stat.st_size, stat.st_mtime_ns])
        else:
            pages[name] = [key, stats]
    with _cache(settings) as cache:
        cache.put_many(MANIFEST_NAMESPACE, {str(final_output): json.dumps(pages, sort_keys=True)})
        cache.put_many(MANIFEST_NAMESPACE + "-files", {str(final_output): json.dumps(sorted(site_files))})
