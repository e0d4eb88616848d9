"""Inputs: files, folders, gzipped pages and http(s) URLs, as named bytes; and bytes as text."""

from __future__ import annotations

import gzip
import io
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from newsdigest.ingest.story import IngestError

MAX_INPUT_BYTES = 10 * 2**20  # no news story is larger; a larger input is not one
SUFFIXES = (".txt", ".html", ".htm", ".xml", ".rss", ".atom", ".gz")
USER_AGENT = "newsdigest-ingest"


@dataclass(frozen=True)
class RawInput:
    name: str  # as shown to the curator: a path or a URL
    data: bytes
    suffix: str  # ".txt", ".html", ".xml"…, after any ".gz"
    content_type: str = ""


def expand(paths: list[str]) -> list[str]:
    """Each path as given, folders replaced by the input files under them, in sorted order."""
    expanded = []
    for path in paths:
        if path.startswith(("http://", "https://")) or not os.path.isdir(path):
            expanded.append(path)
            continue
        for root, dirs, files in os.walk(path):
            dirs.sort()
            expanded.extend(os.path.join(root, name) for name in sorted(files)
                            if name.lower().endswith(SUFFIXES) and not name.startswith("."))
    return expanded


def read(name: str) -> RawInput:
    if name.startswith(("http://", "https://")):
        return _fetch(name)
    path = Path(name)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise IngestError(f"cannot read: {error.strerror}") from None
    if size > MAX_INPUT_BYTES:
        raise IngestError(f"too large for a news story ({size / 2**20:.0f} MB; the limit is {MAX_INPUT_BYTES // 2**20} MB)")
    data = path.read_bytes()
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        data = _gunzip(data)
        suffixes = suffixes[:-1]
    return RawInput(name=name, data=data, suffix=suffixes[-1] if suffixes else "")


def _gunzip(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            unpacked = handle.read(MAX_INPUT_BYTES + 1)
    except (OSError, EOFError) as error:
        raise IngestError(f"not a valid gzip file ({error})") from None
    if len(unpacked) > MAX_INPUT_BYTES:
        raise IngestError("too large for a news story once unpacked")
    return unpacked


def _fetch(url: str) -> RawInput:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            data = response.read(MAX_INPUT_BYTES + 1)
            content_type = response.headers.get("Content-Type", "")
    except OSError as error:
        raise IngestError(f"cannot fetch: {getattr(error, 'reason', error)}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise IngestError("too large for a news story")
    path = url.split("?", 1)[0].rsplit("/", 1)[-1].lower()
    suffix = os.path.splitext(path)[1]
    return RawInput(name=url, data=data, suffix=suffix, content_type=content_type.lower())


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes as text: UTF-8 (or the declared charset), else Latin-1 when the bytes read as
    Latin-1 text; binary and undecodable inputs are refused."""
    if not data.strip():
        raise IngestError("empty file")
    if b"\x00" in data[:8192]:
        raise IngestError("binary file, not text")
    for encoding in filter(None, [declared, "utf-8"]):
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError):
            continue
    high = [byte for byte in data if byte >= 0x80]
    # Latin-1 text has its accented letters and signs in 0xA0-0xFF; bytes 0x80-0x9F are
    # control codes there, so their presence means another encoding, or no text at all.
    if high and all(byte >= 0xA0 for byte in high) and len(high) < len(data) * 0.3:
        return data.decode("latin-1")
    offset = next(index for index, byte in enumerate(data) if byte >= 0x80)
    raise IngestError(f"undecodable bytes (not UTF-8 or Latin-1 text; first bad byte at offset {offset})")
