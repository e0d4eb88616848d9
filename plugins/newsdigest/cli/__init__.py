"""The `newsdigest` command: one module per subcommand (`add_parser`, `run`), each a thin wrapper
over the package that does the job. Commands import their packages when they run, so `--help`
stays fast.

May import every newsdigest package, and newsdigest_bench for `bench`.
"""

from __future__ import annotations

import argparse
import logging
import sys

from newsdigest import __version__
from newsdigest.cli import bench, build, edition, ingest, new, publish, ready, serve
from newsdigest.cli.exit_codes import EXIT_OK, EXIT_USAGE
from newsdigest.settings import SettingsFileError


def _configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    # The extractor's warnings are about a page's markup ("empty link"), which ingest handles.
    for library in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(library).setLevel(logging.INFO if verbose else logging.ERROR)


def make_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdigest", description="Build and curate a news digest site.")
    parser.add_argument("--version", action="version", version=f"newsdigest {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every file written")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    for command in (build, publish, serve, new, ready, ingest, edition):
        command.add_parser(commands)

    words = sys.argv[1:] if argv is None else argv
    # Its benchmarks import half the project and the bench extra (2 s): only for `bench` itself.
    bench.add_parser(commands, load="bench" in words)
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
    except SettingsFileError as error:
        print(f"newsdigest {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
