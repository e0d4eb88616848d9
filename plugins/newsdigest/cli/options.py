"""Options that several `newsdigest` commands share."""

from __future__ import annotations

import argparse

from newsdigest.cli.exit_codes import EXIT_BUSY


def positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return seconds


def add_site_options(parser: argparse.ArgumentParser, settings: str = "pelicanconf.py") -> None:
    parser.add_argument("--content", help="content folder (default: the settings' PATH)")
    parser.add_argument("--output", help="output folder (default: the settings' OUTPUT_PATH)")
    parser.add_argument("--settings", default=settings, help="Pelican settings file (default: %(default)s)")


def add_build_options(parser: argparse.ArgumentParser, settings: str = "pelicanconf.py") -> None:
    add_site_options(parser, settings)
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help=f"exit with code {EXIT_BUSY} instead of waiting when another build is running",
    )
