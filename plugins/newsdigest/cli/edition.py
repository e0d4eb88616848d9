"""`newsdigest edition DATE`: print the paths of an edition's newsletter; `newsdigest edition send
DATE`: send it to the subscribers (newsdigest.deliver), or with --dry-run list who would get what."""

from __future__ import annotations

import argparse
import sys

from newsdigest.cli.exit_codes import EXIT_BUSY, EXIT_FAILED, EXIT_OK, EXIT_USAGE

SEND = "send"


def add_parser(commands) -> None:
    edition = commands.add_parser(
        "edition",
        help="print the paths of an edition's newsletter (email.html, email.txt); `edition send DATE` sends it",
        description="newsdigest edition DATE: print the paths of the edition's email.html and email.txt. "
        "newsdigest edition send DATE: send that newsletter to the subscribers (docs/newsletter.md).",
    )
    edition.add_argument("date", metavar="[send] DATE", help="the edition's date, YYYY-MM-DD (after `send`: send it)")
    edition.add_argument("send_date", nargs="?", help=argparse.SUPPRESS)
    edition.add_argument("--output", help="the built site (default: the settings' OUTPUT_PATH)")
    edition.add_argument(
        "--settings",
        help="settings file (default: pelicanconf.py; for send, publishconf.py: the site as published)",
    )
    edition.add_argument("--dry-run", action="store_true", help="send: list who would receive what, send nothing")
    edition.add_argument("--test", metavar="ADDRESS", help="send: one copy of the edition to ADDRESS only")
    edition.add_argument("--subscribers", metavar="FILE", help="send: the subscribers file (NEWSLETTER_SUBSCRIBERS)")
    edition.set_defaults(run=run)


def _usage(message: str) -> int:
    print(f"newsdigest edition: {message}", file=sys.stderr)
    return EXIT_USAGE


def run(args) -> int:
    import datetime as dt

    sending = args.date == SEND
    text = args.send_date if sending else args.date
    if sending and text is None:
        return _usage("send needs the edition's date: newsdigest edition send YYYY-MM-DD")
    if not sending and (args.send_date is not None or args.dry_run or args.test or args.subscribers):
        return _usage("--dry-run, --test and --subscribers go with send: newsdigest edition send YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return _usage(f"{text!r} is not a date (YYYY-MM-DD)")
    return send(args, day) if sending else print_paths(args, day)


def _edition_folder(args, settings, day):
    from pathlib import Path

    output = Path(args.output or settings["OUTPUT_PATH"])
    folder = output / "editions" / day.isoformat()
    if not all((folder / name).is_file() for name in ("email.html", "email.txt")):
        print(
            f"newsdigest edition: no edition {day.isoformat()} in {output} (build the site first, or check "
            f"the date: editions are listed at {output / 'editions' / 'index.html'})",
            file=sys.stderr,
        )
        return None
    return folder


def print_paths(args, day) -> int:
    from newsdigest.build.run import load_settings

    folder = _edition_folder(args, load_settings(args.settings or "pelicanconf.py"), day)
    if folder is None:
        return EXIT_FAILED
    for name in ("email.html", "email.txt"):
        print(folder / name)
    return EXIT_OK


def send(args, day) -> int:
    from newsdigest.build.run import load_settings
    from newsdigest.deliver import job as jobs
    from newsdigest.settings import SettingsError

    settings = load_settings(args.settings or "publishconf.py")
    folder = _edition_folder(args, settings, day)
    if folder is None:
        return EXIT_FAILED
    try:
        job = jobs.prepare(settings, folder, day, args.subscribers, sending=not args.dry_run)
        if args.dry_run:
            print("\n".join(jobs.dry_run(job)))
            return EXIT_OK
        outcome = jobs.deliver(job, test_address=args.test)
    except SettingsError as error:
        return _problems(error.problems)
    except jobs.PrepareError as error:
        return _problems(str(error).splitlines())
    except jobs.Busy as error:
        print(f"newsdigest edition send: {error}", file=sys.stderr)
        return EXIT_BUSY
    for line in jobs.report(job, outcome, test=bool(args.test)):
        print(line, file=sys.stderr if line.startswith(("refused", "stopped")) else sys.stdout)
    return EXIT_FAILED if outcome.refused or outcome.error else EXIT_OK


def _problems(lines: list[str]) -> int:
    for line in lines:
        print(f"newsdigest edition send: {line}", file=sys.stderr)
    return EXIT_USAGE
