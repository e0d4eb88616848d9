"""`newsdigest new`: write a new story's file with its front matter and print its path."""

from __future__ import annotations

import os
import sys

from newsdigest.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def add_parser(commands) -> None:
    new = commands.add_parser("new", help="write a new story's file with its front matter and print its path")
    new.add_argument("headline")
    new.add_argument("--source", help="the publisher")
    new.add_argument("--url", help="the original story's address (http or https)")
    new.add_argument("--content", help="content folder (default: the settings' PATH)")
    new.add_argument("--settings", default="pelicanconf.py", help="settings file (default: %(default)s)")
    new.set_defaults(run=run)


def run(args) -> int:
    from pathlib import Path

    from newsdigest.build.run import load_settings
    from newsdigest.content.new_story import NewStoryError, write_new_story

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
