"""`newsdigest edition`: print the paths of an edition's newsletter."""

from __future__ import annotations

import sys

from newsdigest.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def add_parser(commands) -> None:
    edition = commands.add_parser("edition", help="print the paths of an edition's newsletter (email.html, email.txt)")
    edition.add_argument("date", help="the edition's date, YYYY-MM-DD")
    edition.add_argument("--output", help="the built site (default: the settings' OUTPUT_PATH)")
    edition.add_argument("--settings", default="pelicanconf.py", help="settings file (default: %(default)s)")
    edition.set_defaults(run=run)


def run(args) -> int:
    import datetime as dt
    from pathlib import Path

    from newsdigest.build.run import load_settings

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
