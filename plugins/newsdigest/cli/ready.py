"""`newsdigest ready FILE`: publish a draft by removing its `status: draft` line."""

from __future__ import annotations

import sys

from newsdigest.cli.exit_codes import EXIT_FAILED, EXIT_OK


def add_parser(commands) -> None:
    ready = commands.add_parser("ready", help="publish drafts: remove their `status: draft` line")
    ready.add_argument("files", nargs="+", metavar="FILE", help="a story file marked `status: draft`")
    ready.set_defaults(run=run)


def run(args) -> int:
    from pathlib import Path

    from newsdigest.content.drafts import DraftError, make_ready
    from newsdigest.paths import display_path

    status = EXIT_OK
    for name in args.files:
        try:
            make_ready(Path(name), display_path(name))
        except DraftError as error:
            print(f"newsdigest ready: {error}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        print(f"{display_path(name)}: ready; the next build publishes it")
    return status
