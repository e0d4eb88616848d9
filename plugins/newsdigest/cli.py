"""The `newsdigest` command: one subcommand per job, each a thin wrapper over a module."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from newsdigest import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BUSY = 75  # EX_TEMPFAIL: another build is running; try again later


def _configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    # The extractor's warnings are about a page's markup ("empty link"), which ingest handles.
    for library in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(library).setLevel(logging.INFO if verbose else logging.ERROR)


def _cmd_build(args) -> int:
    from newsdigest.build import build
    from newsdigest.build_lock import BuildBusy
    from newsdigest.pelican_plugins.strict import BuildFailed

    try:
        result = build(args.settings, content=args.content, output=args.output, wait=not args.no_wait)
    except BuildBusy as busy:
        print(f"newsdigest build: {busy}", file=sys.stderr)
        return EXIT_BUSY
    except BuildFailed as failure:
        count = len(failure.problems)
        print(f"build failed: {count} problem{'s' if count != 1 else ''}; "
              f"{args.output or 'the output folder'} left unchanged", file=sys.stderr)
        return EXIT_FAILED
    print(f"built {result.output}: {result.rendered} pages rendered, {result.reused} unchanged; "
          f"{result.changed_files} files written, {result.removed_files} removed")
    return EXIT_OK


def _cmd_ingest(args) -> int:
    import datetime as dt
    from pathlib import Path
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from newsdigest.build import load_settings
    from newsdigest import taxonomy
    from newsdigest.ingest import Options, forget, ingest, sources
    from newsdigest.ingest.forgotten import IgnoreFileError
    from newsdigest.setting_fields import SettingsError

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
        content=Path(args.content or settings["PATH"]), source=args.source or "", timezone=args.timezone or "", date=date,
        section=args.section or "", tags=[tag.strip() for tag in (args.tags or "").split(",") if tag.strip()],
        dry_run=args.dry_run, site_timezone=settings.get("TIMEZONE") or "UTC",
        source_timezones=known_sources.timezones, source_names=known_sources.names,
        site_lang=settings.get("DEFAULT_LANG") or "en", vocabulary_file=vocabulary_file,
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


def _cmd_edition(args) -> int:
    import datetime as dt
    from pathlib import Path

    from newsdigest.build import load_settings

    try:
        day = dt.date.fromisoformat(args.date)
    except ValueError:
        print(f"newsdigest edition: {args.date!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return EXIT_USAGE
    output = Path(args.output or load_settings(args.settings)["OUTPUT_PATH"])
    folder = output / "editions" / day.isoformat()
    files = [folder / "email.html", folder / "email.txt"]
    missing = [path for path in files if not path.is_file()]
    if missing:
        print(f"newsdigest edition: no edition {day.isoformat()} in {output} (build the site first, or check "
              f"the date: editions are listed at {output / 'editions' / 'index.html'})", file=sys.stderr)
        return EXIT_FAILED
    for path in files:
        print(path)
    return EXIT_OK


def _cmd_serve(args) -> int:
    from newsdigest.serve import serve

    return serve(args.settings, content=args.content, output=args.output, host=args.host, port=args.port)


def _cmd_bench(args) -> int:
    from newsdigest import bench

    names = [args.benchmark] if args.benchmark else bench.available()
    status = EXIT_OK
    for name in names:
        status = max(status, bench.load(name).run(args))
    return status


def _add_bench_commands(commands, load: bool) -> None:
    """The bench command; its benchmarks (which import half the project) only when it is asked for."""
    from newsdigest import bench

    parser = commands.add_parser("bench", help="run benchmarks (all, or one by name)")
    parser.set_defaults(run=_cmd_bench, benchmark=None)
    names = bench.available() if load else []
    if names:
        which = parser.add_subparsers(dest="benchmark", metavar="NAME")
        for name in names:
            module = bench.load(name)
            sub = which.add_parser(name, help=module.describe)
            module.add_arguments(sub)
            sub.set_defaults(run=_cmd_bench, benchmark=name)


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return seconds


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument("--output", help="output folder (default: the settings' OUTPUT_PATH)")
    parser.add_argument("--settings", default="pelicanconf.py", help="Pelican settings file (default: %(default)s)")


def make_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdigest", description="Build and curate a news digest site.")
    parser.add_argument("--version", action="version", version=f"newsdigest {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every file written")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser("build", help="build the site atomically")
    _add_site_options(build)
    build.add_argument("--no-wait", action="store_true",
                       help=f"exit with code {EXIT_BUSY} instead of waiting when another build is running")
    build.set_defaults(run=_cmd_build)

    serve = commands.add_parser("serve", help="serve the site locally and rebuild on change")
    _add_site_options(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_cmd_serve)

    ingest = commands.add_parser("ingest", help="turn text clippings, web pages and feeds into stories")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="a .txt, .html/.htm (also .gz), RSS/Atom file, "
                        "a folder, or an http(s) URL")
    ingest.add_argument("--forget", action="append", metavar="FILE",
                        help="delete this story file and never ingest its story again (repeatable)")
    ingest.add_argument("--content", help="content folder (default: the settings' PATH)")
    ingest.add_argument("--settings", default="pelicanconf.py", help="settings file (default: %(default)s)")
    ingest.add_argument("--source", help="publisher, for inputs that do not name one")
    ingest.add_argument("--timezone", help="zone for dates without one (after the source's own zone)")
    ingest.add_argument("--date", help="ISO date for inputs that have none")
    ingest.add_argument("--section", help="section for inputs that do not name one")
    ingest.add_argument("--tags", help="comma-separated tags to add to every story")
    ingest.add_argument("--timeout", type=_positive_seconds, default=30.0, metavar="SECONDS",
                        help="total time allowed to fetch each URL (default: %(default)g)")
    ingest.add_argument("--dry-run", action="store_true", help="report what would be written, write nothing")
    ingest.add_argument("--fetch-images", action="store_true",
                        help="store each story's lead image under content/images/ (resized), not a link to another site")
    ingest.set_defaults(run=_cmd_ingest)

    edition = commands.add_parser("edition", help="print the paths of an edition's newsletter (email.html, email.txt)")
    edition.add_argument("date", help="the edition's date, YYYY-MM-DD")
    edition.add_argument("--output", help="the built site (default: the settings' OUTPUT_PATH)")
    edition.add_argument("--settings", default="pelicanconf.py", help="settings file (default: %(default)s)")
    edition.set_defaults(run=_cmd_edition)

    words = sys.argv[1:] if argv is None else argv
    _add_bench_commands(commands, load="bench" in words or not any(w in commands.choices for w in words))
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code else EXIT_OK
    _configure_logging(args.verbose)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
