"""`newsdigest ingest`: turn text clippings, web pages and feeds into stories."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from newsdigest.cli import options
from newsdigest.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:  # imported when the command runs: `newsdigest --help` stays quick
    from newsdigest.ingest import Options


def add_parser(commands) -> None:
    ingest = commands.add_parser("ingest", help="turn text clippings, web pages and feeds into stories")
    ingest.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a .txt, .html/.htm (also .gz), RSS/Atom file, a folder, or an http(s) URL",
    )
    ingest.add_argument(
        "--forget",
        action="append",
        metavar="FILE",
        help="delete this story file and never ingest its story again (repeatable)",
    )
    ingest.add_argument("--content", help="content folder (default: the settings' PATH)")
    ingest.add_argument("--settings", default="pelicanconf.py", help="settings file (default: %(default)s)")
    ingest.add_argument("--source", help="publisher, for inputs that do not name one")
    ingest.add_argument("--timezone", help="zone for dates without one (after the source's own zone)")
    ingest.add_argument("--date", help="ISO date for inputs that have none")
    ingest.add_argument("--section", help="section for inputs that do not name one")
    ingest.add_argument("--tags", help="comma-separated tags to add to every story")
    ingest.add_argument(
        "--timeout",
        type=options.positive_seconds,
        default=30.0,
        metavar="SECONDS",
        help="total time allowed to fetch each URL, a page's or a lead image's (default: %(default)g)",
    )
    ingest.add_argument(
        "--allow-private",
        action="store_true",
        help="fetch URLs at loopback, private and link-local addresses too (refused by default)",
    )
    ingest.add_argument("--dry-run", action="store_true", help="report what would be written, write nothing")
    ingest.add_argument(
        "--fetch-images",
        action="store_true",
        help="store each story's lead image under content/images/ (resized), not a link to another site",
    )
    ingest.set_defaults(run=run)


def run(args) -> int:
    if not args.paths and not args.forget:
        print("newsdigest ingest: give a PATH to ingest, or --forget FILE", file=sys.stderr)
        return EXIT_USAGE
    options = _options(args)
    if isinstance(options, int):
        return options
    return _ingest(args, options)


def _options(args) -> Options | int:
    """The ingest's Options from the command line and the settings file, or EXIT_USAGE (said why)."""
    import datetime as dt
    from pathlib import Path
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from newsdigest.build.run import load_settings
    from newsdigest.ingest import Options, sources
    from newsdigest.settings import SettingsError
    from newsdigest.site import taxonomy

    try:
        if args.timezone:
            ZoneInfo(args.timezone)
        date = dt.datetime.fromisoformat(args.date) if args.date else None
    except (ZoneInfoNotFoundError, ValueError) as error:
        print(f"newsdigest ingest: {error}", file=sys.stderr)
        return EXIT_USAGE
    settings = load_settings(args.settings)
    try:
        known_sources = sources.Settings.from_settings(settings)
        vocabulary_file = taxonomy.Settings.from_settings(settings).vocabulary
    except SettingsError as error:
        for problem in error.problems:
            print(f"newsdigest ingest: {args.settings}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return Options(
        content=Path(args.content or settings["PATH"]),
        source=args.source or "",
        timezone=args.timezone or "",
        date=date,
        section=args.section or "",
        tags=[tag.strip() for tag in (args.tags or "").split(",") if tag.strip()],
        dry_run=args.dry_run,
        site_timezone=settings.get("TIMEZONE") or "UTC",
        source_timezones=known_sources.timezones,
        source_names=known_sources.names,
        site_lang=settings.get("DEFAULT_LANG") or "en",
        vocabulary_file=vocabulary_file,
        fetch_images=args.fetch_images,
        fetch_seconds=args.timeout,
        allow_private=args.allow_private,
    )


def _show(outcome) -> None:
    """One outcome as it happens: a file written on stdout, anything else worth saying on stderr."""
    shown = outcome.path and os.path.relpath(outcome.path)
    if outcome.status in ("written", "updated"):
        print(shown, flush=True)
    elif outcome.status == "failed":
        print(f"ERROR: {outcome.input}: {outcome.detail}", file=sys.stderr, flush=True)
    elif outcome.status != "unchanged":
        print(f"{outcome.status}: {outcome.input}: {outcome.detail or shown}", file=sys.stderr, flush=True)
    for note in outcome.notes:  # what was cut, named so the curator can check the story
        print(f"WARNING: {outcome.input}: {note}", file=sys.stderr, flush=True)


def _ingest(args, options: Options) -> int:
    """Forget, then ingest, as `options` say; a progress bar on a terminal for more than 20 inputs."""
    from newsdigest.ingest import forget, ingest
    from newsdigest.ingest.forgotten import IgnoreFileError
    from newsdigest.ingest.reading import expand

    total = len(expand(args.paths))
    try:
        report = forget(args.forget or [], options, _show)
        if sys.stderr.isatty() and total > 20:
            from rich.progress import Progress

            with Progress(transient=True) as progress:
                task = progress.add_task("ingesting", total=total)
                report.outcomes += ingest(args.paths, options, _show, progress=lambda: progress.advance(task)).outcomes
        else:
            report.outcomes += ingest(args.paths, options, _show).outcomes
    except IgnoreFileError as error:  # without the list, forgotten stories would come back: stop
        print(f"ERROR: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:  # the content folder's lists could not be written
        print(f"ERROR: {error.filename or options.content}: cannot write: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    print(("dry run: " if args.dry_run else "") + report.summary())
    return EXIT_FAILED if report.failed else EXIT_OK
