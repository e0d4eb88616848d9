"""`newsdigest build`: build the site atomically."""

from __future__ import annotations

import sys

from newsdigest.cli import options
from newsdigest.cli.exit_codes import EXIT_BUSY, EXIT_FAILED, EXIT_OK


def build_site(args, settings_file: str, switches: dict[str, bool] | None = None):
    """Build as `newsdigest build` does, with the commands' `switches` (newsdigest.content.drafts);
    returns the BuildResult, or the exit code of a build that failed."""
    from newsdigest.build.errors import BuildFailed
    from newsdigest.build.lock import BuildBusy
    from newsdigest.build.run import build

    try:
        result = build(
            settings_file, content=args.content, output=args.output, overrides=switches, wait=not args.no_wait
        )
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


def add_parser(commands) -> None:
    build = commands.add_parser("build", help="build the site atomically")
    options.add_build_options(build)
    build.add_argument(
        "--drafts", action="store_true", help="also write drafts' pages, under /drafts/ (a preview: never publish it)"
    )
    build.set_defaults(run=run)


def run(args) -> int:
    from newsdigest.content.drafts import SHOW_DRAFTS

    result = build_site(args, args.settings, {SHOW_DRAFTS: True} if args.drafts else None)
    return result if isinstance(result, int) else EXIT_OK
