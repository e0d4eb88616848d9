"""The send log of an edition: `<cache>/newsletter/YYYY-MM-DD.jsonl`, one JSON line per recipient
the SMTP server accepted, appended and fsynced before the next message goes, so that a send
killed at any instant resumes with the recipients it had not reached, and sends nobody twice.

A line names the recipient by `messages.recipient_id` (a digest: no address is written here)
and the message's Message-ID. A line cut short by a kill is ignored. The log is held with
flock(2) while a send runs: a second send of the same edition stops at once.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path
from typing import IO

FOLDER = "newsletter"


class LogBusy(Exception):
    """Another send of the same edition holds its log."""


def log_path(cache: Path, day: dt.date) -> Path:
    return cache / FOLDER / f"{day.isoformat()}.jsonl"


def sent_ids(path: Path) -> set[str]:
    """The recipients the log records as accepted (no lock: for --dry-run)."""
    found: set[str] = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return found
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:  # the last line of a killed run, cut short
            continue
        if isinstance(entry, dict) and isinstance(entry.get("recipient"), str):
            found.add(entry["recipient"])
    return found


class SendLog:
    """The open log of one edition's send: `sent` holds who has it; `record` adds one for good."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = open(path, "a+", encoding="utf-8")  # closed by close()
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise LogBusy(f"{path}: another send of this edition is running") from None
        self.sent = sent_ids(path)
        self._file.seek(0, os.SEEK_END)
        if self._file.tell() > 0:  # a line cut short by a kill must not swallow the next one
            self._file.seek(self._file.tell() - 1)
            if self._file.read(1) != "\n":
                self._file.write("\n")
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the log's own name survives a crash too
        finally:
            os.close(directory)

    def record(self, recipient: str, message_id: str) -> None:
        """`recipient` has its message: on disk before this returns."""
        moment = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._file.write(json.dumps({"recipient": recipient, "message_id": message_id, "at": moment}) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.sent.add(recipient)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SendLog:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
