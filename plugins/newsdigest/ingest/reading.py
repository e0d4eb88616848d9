"""Inputs: files, folders, gzipped pages and http(s) URLs, as named bytes; and bytes as text."""

from __future__ import annotations

import asyncio
import gzip
import io
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

import httpx

from newsdigest.content.model import one_line
from newsdigest.ingest.story import IngestError

MAX_INPUT_BYTES = 10 * 2**20  # no news story is larger; a larger input is not one
CHUNK_BYTES = 2**16
FETCH_SECONDS = 30.0  # the whole fetch of one URL, however slowly its server answers
MAX_REDIRECTS = 10
SUFFIXES = (".txt", ".html", ".htm", ".xml", ".rss", ".atom", ".gz")
USER_AGENT = "newsdigest-ingest"
_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
    stat.S_IFSOCK: "a socket",
}


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
            expanded.extend(
                os.path.join(root, name)
                for name in sorted(files)
                if name.lower().endswith(SUFFIXES) and not name.startswith(".")
            )
    return expanded


def read(name: str, fetch_seconds: float = FETCH_SECONDS) -> RawInput:
    if name.startswith(("http://", "https://")):
        return _fetch(name, fetch_seconds)
    data = read_regular_file(name)
    suffixes = [suffix.lower() for suffix in Path(name).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        data = _gunzip(data)
        suffixes = suffixes[:-1]
    return RawInput(name=name, data=data, suffix=suffixes[-1] if suffixes else "")


class _Budget:
    """Bytes taken in chunks up to a limit, refused as soon as they pass it: the limit holds
    whatever a file's size, a server's Content-Length or a gzip header claims."""

    def __init__(self, too_large: str):
        self.chunks: list[bytes] = []
        self.size = 0
        self.too_large = too_large

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_INPUT_BYTES:
            raise IngestError(f"{self.too_large} (over {MAX_INPUT_BYTES // 2**20} MB)")
        self.chunks.append(chunk)

    def take(self, read) -> bytes:
        while chunk := read(CHUNK_BYTES):
            self.add(chunk)
        return b"".join(self.chunks)


def read_regular_file(name: str) -> bytes:
    """A regular file's bytes. Opened without waiting (a FIFO would block until a writer came)
    and checked before reading: a pipe, a device such as /dev/zero, or a folder is refused."""
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise IngestError(f"cannot read: {error.strerror}") from None
    with open(descriptor, "rb", buffering=0, closefd=True) as handle:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode):
            kind = _KINDS.get(stat.S_IFMT(found.st_mode), "a special file")
            raise IngestError(f"not a regular file ({kind}); not read")
        if found.st_size > MAX_INPUT_BYTES:  # the usual case, said with its size; the budget below holds anyway
            raise IngestError(
                f"too large for a news story ({found.st_size / 2**20:.0f} MB; "
                f"the limit is {MAX_INPUT_BYTES // 2**20} MB)"
            )
        try:
            return _Budget("too large for a news story").take(handle.read)
        except OSError as error:
            raise IngestError(f"cannot read: {error.strerror}") from None


def _gunzip(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            return _Budget("too large for a news story once unpacked").take(handle.read)
    except (OSError, EOFError, zlib.error) as error:
        raise IngestError(f"not a valid gzip file ({error})") from None


def _fetch(url: str, seconds: float) -> RawInput:
    """The body at `url`, within `seconds` in all: connecting, redirects and every byte. A
    server that trickles its answer (one byte every few seconds) is cut off at the deadline."""
    try:
        return asyncio.run(asyncio.wait_for(_download(url, seconds), seconds))
    except (TimeoutError, httpx.TimeoutException):
        raise IngestError(f"cannot fetch: no complete answer within {seconds:g} s") from None
    except httpx.HTTPStatusError as error:
        raise IngestError(f"cannot fetch: HTTP {error.response.status_code} {error.response.reason_phrase}") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
        raise IngestError(f"cannot fetch: {one_line(str(error)) or type(error).__name__}") from None


async def _download(url: str, seconds: float) -> RawInput:
    async with httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT}, follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=seconds
    ) as client:
        async with client.stream("GET", url) as response:
            response.raise_for_status()
            budget = _Budget("too large for a news story")
            async for chunk in response.aiter_bytes(CHUNK_BYTES):  # decoded: a gzip answer counts unpacked
                budget.add(chunk)
            path = response.url.path.rsplit("/", 1)[-1].lower()
            return RawInput(
                name=url,
                data=b"".join(budget.chunks),
                suffix=os.path.splitext(path)[1],
                content_type=response.headers.get("Content-Type", "").lower(),
            )


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
