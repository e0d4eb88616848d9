"""`newsdigest ingest`: turn text clippings, web pages and feeds into stories."""

from __future__ import annotations

import os
import sys

from newsdigest.cli import options
from newsdigest.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE


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
        help="total time allowed to fetch each URL (default: %(default)g)",
    )
    ingest.add_argument("--dry-run", action="store_true", help="report what would be written, write nothing")
    ingest.add_argument(
        "--fetch-images",
        action="store_true",
        help="store each story's lead image under content/images/ (resized), not a link to another site",
    )
    ingest.set_defaults(run=run)


def run(args) -> int:
    import datetime as dt
    from pathlib import Path
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from newsdigest.build.run import load_settings
    from newsdigest.ingest import Options, forget, ingest, sources
    from newsdigest.ingest.forgotten import IgnoreFileError
    from newsdigest.settings import SettingsError
    from newsdigest.site import taxonomy

    if not args.paths and not args.forget:
        print("newsdigest ingest: give a PATH to ingest, or --forget FILE", file=sys.stderr)
        return EXIT_USAGE
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
    options = Options(
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
    )

    def show(outcome) -> None:
        shown = outcome.path and os.path.relpath(outcome.path)
        if outcome.status in ("written", "updated"):
            print(shown, flush=True)
        elif outcome.status == "failed":
            print(f"ERROR: {outcome.input}: {outcome.detail}", file=sys.stderr, flush=True)
        elif outcome.status != "unchanged":
            print(f"{outcome.status}: {outcome.input}: {outcome.detail or shown}", file=sys.stderr, flush=True)
        for note in outcome.notes:  # what was cut, named so the curator can check the story
            print(f"WARNING: {outcome.input}: {note}", file=sys.stderr, flush=True)

    from newsdigest.ingest.reading import expand

    total = len(expand(args.paths))
    try:
        report = forget(args.forget or [], options, show)
        if sys.stderr.isatty() and total > 20:
            from rich.progress import Progress

            with Progress(transient=True) as progress:
                task = progress.add_task("ingesting", total=total)
                report.outcomes += ingest(args.paths, options, show, progress=lambda: progress.advance(task)).outcomes
        else:
            report.outcomes += ingest(args.paths, options, show).outcomes
    except IgnoreFileError as error:  # without the list, forgotten stories would come back: stop
        print(f"ERROR: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:  # the content folder's lists could not be written
        print(f"ERROR: {error.filename or options.content}: cannot write: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    print(("dry run: " if args.dry_run else "") + report.summary())
    return EXIT_FAILED if report.failed else EXIT_OK
