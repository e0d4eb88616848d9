"""Build the site: read settings, run Pelican with every plugin into a new folder, and put
it live in one atomic step only when the build succeeded.

Reads top to bottom: settings -> the build lock -> the content folder checked
(newsdigest.build.inputs) -> leftovers of crashed builds cleared -> nothing changed since the last good
build (newsdigest.build.last_build)? done -> the new generation's folder ->
Pelican run (pages whose inputs did not change are linked from the page store, the rest
rendered) -> unchanged files linked to the live site's ->
the page store updated -> the record of published addresses saved in the content folder ->
the switch -> the old generation emptied into the spare. See newsdigest.build.generations
for how the output path stays servable throughout. A failed build applies nothing.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pelican.settings import read_settings

from newsdigest.build import cache, generations, inputs, last_build, stop_points
from newsdigest.build.errors import BuildFailed, unexpected_problem
from newsdigest.build.lock import BuildBusy, build_lock
from newsdigest.content import drafts
from newsdigest.paths import display_path
from newsdigest.settings import SettingsError, SettingsFileError
from newsdigest.site.settings import SiteSettings

# What only a build with work to do needs (the build record, Pelican's run, its plugins) is
# imported once it has: a build with nothing to do ends sooner without them.
if TYPE_CHECKING:
    from newsdigest.build import record as build_state

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    output: Path
    rendered: int
    reused: int
    changed_files: int
    removed_files: int
    record: build_state.Build | None = field(default=None, repr=False, compare=False)  # what the build made


def load_settings(
    settings_file: str | os.PathLike[str],
    content: str | os.PathLike[str] | None = None,
    output: str | os.PathLike[str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Pelican settings from `settings_file`, with the content and output folders overridden."""
    override = dict(overrides or {})
    if content is not None:
        override["PATH"] = os.path.abspath(content)
    if output is not None:
        override["OUTPUT_PATH"] = os.path.abspath(output)
    path = os.fspath(settings_file)
    if not os.path.isfile(path):
        raise SettingsFileError(
            f"{display_path(path)}: no settings file here (run newsdigest in the project's folder, or give --settings)"
        )
    try:
        settings: dict[str, Any] = read_settings(path, override=override)
    except Exception as error:  # a settings file is the curator's code: any error in it is named, in one line
        raise SettingsFileError(unexpected_problem(error, display_path(path))) from error
    return settings


def build(
    settings_file: str | os.PathLike[str] = "pelicanconf.py",
    content: str | os.PathLike[str] | None = None,
    output: str | os.PathLike[str] | None = None,
    overrides: dict[str, Any] | None = None,
    wait: bool = True,
    record_addresses: bool = True,
) -> BuildResult:
    """Build the site; on any problem raise BuildFailed and leave `output` exactly as it was.
    While another build runs, wait for it, or raise BuildBusy when `wait` is false.
    `overrides` may hold the commands' switches (newsdigest.content.drafts): SHOW_DRAFTS writes
    drafts' pages under /drafts/, PUBLISHING fails the build on a story with nothing to read.
    `record_addresses`: save the record of published addresses in the content folder (a
    preview's rebuilds do not: the headlines typed on the way were never published). Such a
    build ends at once when nothing the last one read has changed and its site is live and
    untouched (newsdigest.build.last_build); its result then has no record. A preview's builds
    always run, and are not remembered.
    Whatever goes wrong, even what no check foresaw, raises BuildFailed with one line per
    problem (the traceback of an unforeseen error is logged at INFO, shown by `-v`)."""
    try:
        settings = load_settings(settings_file, content, output, overrides)
    except SettingsFileError as error:
        logger.error("%s", error)
        logger.info("the traceback, for developers:", exc_info=error.__cause__)
        raise BuildFailed([str(error)]) from error
    if settings.get(drafts.SHOW_DRAFTS):
        settings.update(drafts.draft_addresses(settings))
    try:
        return _build(settings, settings_file, wait, record_addresses)
    except (BuildFailed, BuildBusy):
        raise
    except Exception as error:  # anything else is a failed build too, told in one line
        raise _unforeseen(error) from error


def _unforeseen(error: Exception, where: str = "build") -> BuildFailed:
    problem = unexpected_problem(error, where)
    logger.error("%s", problem)
    logger.info("the traceback, for developers:", exc_info=error)
    return BuildFailed([problem])


def _check_inputs(settings: dict[str, Any]) -> list[tuple[str, os.stat_result]]:
    """Before Pelican opens anything: only regular files inside the content folder. Returns
    them, with what stat(2) said of each (`inputs.problems`)."""
    readable: list[tuple[str, os.stat_result]] = []
    problems = inputs.problems(settings["PATH"], settings.get("IGNORE_FILES", []), readable)
    for problem in problems:
        logger.error("%s", problem)
    if problems:
        raise BuildFailed(problems)
    return readable


def _build(
    settings: dict[str, Any], settings_file: str | os.PathLike[str], wait: bool, record_addresses: bool
) -> BuildResult:
    site_settings = _site_settings(settings, settings_file)
    final_output = Path(settings["OUTPUT_PATH"])
    record_name = site_settings.addresses.record_file
    address_file = os.path.join(os.path.abspath(settings["PATH"]), record_name) if record_name else None
    with build_lock(settings["CACHE_PATH"], wait=wait):
        # Checked once the lock is ours: the content's files as this build will read them.
        content_files = _check_inputs(settings)
        cache.forget_warnings()  # a cache file still unusable is named again, once
        generations.tidy(final_output)
        read_inputs = (
            last_build.inputs_digest(settings, settings_file, content_files, address_file) if record_addresses else None
        )
        if read_inputs is not None:
            unchanged = last_build.still_live(
                settings["CACHE_PATH"], last_build.with_record(read_inputs, address_file), final_output
            )
            if unchanged is not None:
                logger.info("nothing changed since the last build: %s is up to date", display_path(final_output))
                return BuildResult(final_output, rendered=0, reused=unchanged.pages, changed_files=0, removed_files=0)
        from newsdigest.build import record as build_state
        from newsdigest.pelican_plugins.search import remove_gathered

        remove_gathered(settings["CACHE_PATH"])
        live = generations.live_generation(final_output)
        try:
            generation = generations.new_generation(final_output)
        except OSError as error:
            problem = f"{display_path(final_output)}: cannot create the new site's folder beside it: {error.strerror}"
            logger.error("%s", problem)
            raise BuildFailed([problem]) from error
        run_settings = {**settings, "OUTPUT_PATH": str(generation)}
        record = build_state.start(run_settings, previous_output=live, site_settings=site_settings)
        try:
            with build_state.running(record):
                _run_pelican(run_settings)
            try:
                changed, removed = generations.keep_unchanged(generation, record.previous_output)
                record.keep_in_store(generation)
                addresses = record.address_record if record_addresses else None
                if addresses is not None:
                    addresses.save()  # before the switch: the record always covers the live site
                try:
                    generations.switch(final_output, generation)
                except BaseException:
                    if addresses is not None:
                        addresses.undo()
                    raise
            except OSError as error:  # a full disk, a folder someone made read-only
                problem = f"{display_path(error.filename or final_output)}: {error.strerror or error}"
                logger.error("%s", problem)
                raise BuildFailed([problem]) from error
        except BaseException:
            generations.tidy(final_output)  # the new generation's folders become the spare again
            raise
        stop_points.reached("cleanup")
        generations.tidy(final_output)
        record.page_store.note_intact()
        if read_inputs is not None:
            last_build.remember(
                settings["CACHE_PATH"],
                last_build.with_record(read_inputs, address_file),
                final_output,
                pages=record.rendered_count + record.reused_count,
            )
    return BuildResult(
        output=final_output,
        rendered=record.rendered_count,
        reused=record.reused_count,
        changed_files=changed,
        removed_files=removed,
        record=record,
    )


def _site_settings(settings: dict[str, Any], settings_file: str | os.PathLike[str]) -> SiteSettings:
    """newsdigest's settings, read once; a value that does not fit fails the build before it starts."""
    try:
        return SiteSettings.from_settings(settings)
    except SettingsError as error:
        problems = [f"{display_path(settings_file)}: {problem}" for problem in error.problems]
        for problem in problems:
            logger.error("%s", problem)
        raise BuildFailed(problems) from error


def _run_pelican(settings: dict[str, Any]) -> None:
    import jinja2
    from pelican import Pelican

    from newsdigest.build import record as build_state
    from newsdigest.pelican_plugins.strict import stop_collecting

    try:
        Pelican(settings).run()  # made inside: plugins run on `initialized`, and may fail there
    except BuildFailed:
        raise
    except jinja2.TemplateSyntaxError as error:
        where = display_path(error.filename or error.name or "template")
        problem = f"{where}:{error.lineno}: template syntax error: {error.message}"
        logger.error("%s", problem)
        raise BuildFailed([problem]) from error
    except Exception as error:  # a crash inside Pelican or a plugin is a failed build too
        problem = unexpected_problem(error)
        logger.error("%s", problem)
        logger.info("the traceback, for developers:", exc_info=error)
        earlier = [line for line in build_state.current().problems if line != problem]
        raise BuildFailed([*earlier, problem]) from error
    finally:
        stop_collecting()
