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


def _build(args, settings_file: str):
    """Build as `newsdigest build` does; returns the BuildResult, or the exit code of a build that failed."""
    from newsdigest.build import build
    from newsdigest.build_lock import BuildBusy
    from newsdigest.pelican_plugins.strict import BuildFailed

    try:
        result = build(settings_file, content=args.content, output=args.output, wait=not args.no_wait)
    except BuildBusy as busy:
        print(f"newsdigest {args.command}: {busy}", file=sys.stderr)
        return EXIT_BUSY
    except BuildFailed as failure:
        count = len(failure.problems)
        print(
            f"build failed: {count} problem{'s' if count != 1 else ''}; "
            f"{args.output or 'the output folder'} left unchanged",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(
        f"built {result.output}: {result.rendered} pages rendered, {result.reused} unchanged; "
        f"{result.changed_files} files written, {result.removed_files} removed"
    )
    return result


def _cmd_build(args) -> int:
    result = _build(args, args.settings)
    return result if isinstance(result, int) else EXIT_OK


def _cmd_publish(args) -> int:
    from pathlib import Path

    from newsdigest import deploy
    from newsdigest.build import load_settings
    from newsdigest.site_address import unpublishable

    settings = load_settings(args.settings, args.content, args.output)
    problem = unpublishable(settings.get("SITEURL"))
    if problem is None and settings.get("RELATIVE_URLS"):
        problem = "RELATIVE_URLS is on: these settings build a preview for the disk"
    if problem:
        print(
            f"newsdigest publish: {problem}; refusing to publish. Set the site's address in {args.settings} "
            "(publishconf.py reads NEWSDIGEST_SITEURL: NEWSDIGEST_SITEURL=https://your.site newsdigest publish)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    where = args.to or settings.get("DEPLOY_TO") or ""
    target = deploy.target(where) if where else None
    try:
        if target is not None and target.kind == "folder":
            own = [Path(settings[name]) for name in ("PATH", "OUTPUT_PATH", "CACHE_PATH", "THEME")]
            deploy.check_folder(Path(target.where), Path.cwd(), own)
    except deploy.DeployError as error:
        print(f"newsdigest publish: {error}", file=sys.stderr)
        return EXIT_FAILED
    result = _build(args, args.settings)
    if isinstance(result, int):
        return result
    if target is None:
        print(f"built for {settings['SITEURL']}; deploy {result.output}/ (or give --to, or DEPLOY_TO in the settings)")
        return EXIT_OK
    site = result.output.resolve()  # the live generation, which no build changes while it is copied
    try:
        if target.kind == deploy.GH_PAGES:
            done = deploy.gh_pages(
                site, settings["SITEURL"], Path.cwd(), push=not args.no_push, message=f"Publish {settings['SITEURL']}"
            )
        else:
            if target.kind == "folder":
                Path(target.where).mkdir(parents=True, exist_ok=True)
            done = deploy.rsync(site, target.where)
    except deploy.DeployError as error:
        print(f"newsdigest publish: {error}", file=sys.stderr)
        return EXIT_FAILED
    counts = f"{done.sent} files sent, {done.deleted} deleted" if done.sent is not None else done.detail
    print(f"published {settings['SITEURL']} to {target}: {counts}")
    return EXIT_OK


def _cmd_ingest(args) -> int:
    import datetime as dt
    from pathlib import Path
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from newsdigest import taxonomy
    from newsdigest.build import load_settings
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
        print(
            f"newsdigest edition: no edition {day.isoformat()} in {output} (build the site first, or check "
            f"the date: editions are listed at {output / 'editions' / 'index.html'})",
            file=sys.stderr,
        )
        return EXIT_FAILED
    for path in files:
        print(path)
    return EXIT_OK


def _cmd_serve(args) -> int:
    from newsdigest.serve import serve

    return serve(args.settings, content=args.content, output=args.output, host=args.bind, port=args.port)


def _cmd_new(args) -> int:
    from pathlib import Path

    from newsdigest.build import load_settings
    from newsdigest.new_story import NewStoryError, write_new_story

    settings = load_settings(args.settings)
    try:
        path = write_new_story(
            Path(args.content or settings["PATH"]),
            args.headline,
            source=args.source or "",
            url=args.url or "",
            timezone=settings.get("TIMEZONE") or "UTC",
        )
    except NewStoryError as error:
        print(f"newsdigest new: {error}", file=sys.stderr)
        return EXIT_USAGE if error.usage else EXIT_FAILED
    print(os.path.relpath(path))
    return EXIT_OK


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


def _add_site_options(parser: argparse.ArgumentParser, settings: str = "pelicanconf.py") -> None:
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument("--output", help="output folder (default: the settings' OUTPUT_PATH)")
    parser.add_argument("--settings", default=settings, help="Pelican settings file (default: %(default)s)")


def _add_build_options(parser: argparse.ArgumentParser, settings: str = "pelicanconf.py") -> None:
    _add_site_options(parser, settings)
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help=f"exit with code {EXIT_BUSY} instead of waiting when another build is running",
    )


def make_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdigest", description="Build and curate a news digest site.")
    parser.add_argument("--version", action="version", version=f"newsdigest {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every file written")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser("build", help="build the site atomically")
    _add_build_options(build)
    build.set_defaults(run=_cmd_build)

    publish = commands.add_parser("publish", help="build for the site's address (publishconf.py) and deploy it")
    _add_build_options(publish, settings="publishconf.py")
    publish.add_argument(
        "--to",
        metavar="TARGET",
        help=f"a folder, user@host:path (rsync) or {'gh-pages'} (default: DEPLOY_TO in the settings; none: build only)",
    )
    publish.add_argument("--no-push", action="store_true", help="gh-pages: commit the branch, do not push it")
    publish.set_defaults(run=_cmd_publish)

    serve = commands.add_parser("serve", help="serve the site locally and rebuild on change")
    _add_site_options(serve)
    serve.add_argument(
        "--bind",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="address to listen on (default: %(default)s, this machine only)",
    )
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_cmd_serve)

    new = commands.add_parser("new", help="write a new story's file with its front matter and print its path")
    new.add_argument("headline")
    new.add_argument("--source", help="the publisher")
    new.add_argument("--url", help="the original story's address (http or https)")
    new.add_argument("--content", help="content folder (default: the settings' PATH)")
    new.add_argument("--settings", default="pelicanconf.py", help="settings file (default: %(default)s)")
    new.set_defaults(run=_cmd_new)

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
        type=_positive_seconds,
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
