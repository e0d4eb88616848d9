"""`newsdigest bench`: run the benchmarks (all, or one by name); they live in newsdigest_bench."""

from __future__ import annotations

from newsdigest.cli.exit_codes import EXIT_OK


def run(args) -> int:
    import newsdigest_bench as bench

    names = [args.benchmark] if args.benchmark else bench.available()
    status = EXIT_OK
    for name in names:
        status = max(status, bench.load(name).run(args))
    return status


def add_parser(commands, load: bool) -> None:
    """The bench command; its benchmarks (which import half the project) only when it is asked for."""
    import newsdigest_bench as bench

    parser = commands.add_parser("bench", help="run benchmarks (all, or one by name)")
    parser.set_defaults(run=run, benchmark=None)
    names = bench.available() if load else []
    if names:
        which = parser.add_subparsers(dest="benchmark", metavar="NAME")
        for name in names:
            module = bench.load(name)
            sub = which.add_parser(name, help=module.describe)
            module.add_arguments(sub)
            sub.set_defaults(run=run, benchmark=name)
