"""Inputs: files, folders, gzipped pages and http(s) URLs, as named bytes; and bytes as text."""

from __future__ import annotations

import asyncio
import gzip
import io
import ipaddress
import os
import socket
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

import httpcore
import httpx

from newsdigest.content.model import MAX_STORY_BYTES, one_line
from newsdigest.ingest.story import IngestError

MAX_INPUT_BYTES = MAX_STORY_BYTES  # a larger input is not one news story (the build's cap too)
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


def read(name: str, fetch_seconds: float = FETCH_SECONDS, allow_private: bool = False) -> RawInput:
    """The input `name`: a file, or an http(s) URL fetched within `fetch_seconds` in all, from a
    public address only unless `allow_private`."""
    if name.startswith(("http://", "https://")):
        return _fetch(name, fetch_seconds, allow_private)
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


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def resolve(host: str, port: int) -> list[Address]:
    """The addresses `host` names (a name, or an address in any form getaddrinfo reads, such as
    "0x7f000001"), in the resolver's order, each once."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found))


def is_public(address: Address) -> bool:
    """Whether `address` is on the public internet: not loopback, private (10/8, 172.16/12,
    192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), shared, reserved or multicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class PrivateAddressError(Exception):
    def __init__(self, host: str, address: Address):
        super().__init__(f"{host} is at a private address ({address})")
        self.address = address


class _CheckedNetwork(httpcore.AsyncNetworkBackend):
    """Connections only to public addresses (unless `allow_private`): each host is resolved once,
    its addresses checked, and the connection made to a checked address, so a name cannot
    resolve to another address between the check and the connection."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self.network = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = await asyncio.to_thread(resolve, host, port)
        except (OSError, ValueError) as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
        refused = [address for address in addresses if not is_public(address)]
        if refused and not self.allow_private:
            raise PrivateAddressError(host, refused[0])
        for address in addresses[:-1]:
            try:
                return await self.network.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except httpcore.ConnectError:
                continue
        return await self.network.connect_tcp(str(addresses[-1]), port, timeout, local_address, socket_options)

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("no unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.network.sleep(seconds)


class _CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over _CheckedNetwork; with a transport of its own, httpx also uses no
    proxy from the environment, which would connect where it liked."""

    def __init__(self, allow_private: bool):
        super().__init__()
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_CheckedNetwork(allow_private)
        )


def _fetch(url: str, seconds: float, allow_private: bool = False) -> RawInput:
    """The body at `url`, within `seconds` in all: resolving, connecting, redirects and every
    byte. A server that trickles its answer (one byte every few seconds) is cut off at the
    deadline. A URL, or a redirect, to a private address is refused unless `allow_private`."""
    hops: list[str] = []  # each request made: the URL, then every redirect's
    try:
        return asyncio.run(asyncio.wait_for(_download(url, seconds, allow_private, hops), seconds))
    except PrivateAddressError as error:
        hop = hops[-1] if hops else url
        where = f"{hop} is at" if hop == url else f"redirected to {hop}, at"
        raise IngestError(f"refused: {where} a private address ({error.address}); --allow-private fetches it") from None
    except (TimeoutError, httpx.TimeoutException):
        raise IngestError(f"cannot fetch: no complete answer within {seconds:g} s") from None
    except httpx.HTTPStatusError as error:
        raise IngestError(f"cannot fetch: HTTP {error.response.status_code} {error.response.reason_phrase}") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as error:
        raise IngestError(f"cannot fetch: {one_line(str(error)) or type(error).__name__}") from None


async def _download(url: str, seconds: float, allow_private: bool, hops: list[str]) -> RawInput:
    async def record(request: httpx.Request) -> None:
        hops.append(str(request.url))

    async with httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=seconds,
        transport=_CheckedTransport(allow_private),
        event_hooks={"request": [record]},
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
