"""`newsdigest bench`: run the benchmarks (all, or one by name); they live in newsdigest_bench."""

from __future__ import annotations

import argparse
import sys

from newsdigest.cli.exit_codes import EXIT_FAILED, EXIT_OK

MISSING_EXTRA = "newsdigest bench: the benchmarks need the bench extra: pip install -e '.[bench]'"


def run(args) -> int:
    import newsdigest_bench as bench

    names = [args.benchmark] if args.benchmark else bench.available()
    status = EXIT_OK
    for name in names:
        status = max(status, bench.load(name).run(args))
    return status


def missing_extra(args) -> int:
    print(MISSING_EXTRA, file=sys.stderr)
    return EXIT_FAILED


def add_parser(commands, load: bool) -> None:
    """The bench command; its benchmarks (which import half the project) only when it is asked for."""
    parser = commands.add_parser("bench", help="run benchmarks (all, or one by name)")
    parser.set_defaults(run=run, benchmark=None)
    if not load:
        return
    try:
        import newsdigest_bench as bench

        names = bench.available()
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] in ("newsdigest", "newsdigest_bench"):
            raise  # a module of ours is missing: a bug, not an install without the bench extra
        # A package of the bench extra is not installed: the command says so, whatever follows it.
        parser.add_argument("words", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
        parser.description = MISSING_EXTRA
        parser.set_defaults(run=missing_extra)
        return
    if names:
        which = parser.add_subparsers(dest="benchmark", metavar="NAME")
        for name in names:
            module = bench.load(name)
            sub = which.add_parser(name, help=module.describe)
            module.add_arguments(sub)
            sub.set_defaults(run=run, benchmark=name)
