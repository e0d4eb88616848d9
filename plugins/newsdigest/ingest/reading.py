"""Inputs: files, folders, gzipped pages and http(s) URLs, as named bytes; and bytes as text."""

from __future__ import annotations

import asyncio
import codecs
import gzip
import io
import ipaddress
import os
import re
import socket
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import httpcore
import httpx
import webencodings
from webencodings.labels import LABELS

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
    """Bytes as text, read as a browser reads them: a byte-order mark first, then the charset
    `declared` (an HTTP header's), then the page's own <meta charset> or XML declaration, labels
    read by the WHATWG table ("iso-8859-1", "latin1" and "ascii" mean windows-1252), then
    UTF-8, then detection. Empty, binary and undecodable inputs are refused."""
    if not data.strip():
        raise IngestError("empty file")
    encoding, body = _byte_order_mark(data)
    if encoding is None:
        if b"\x00" in data[:8192]:
            raise IngestError("binary file, not text")
        encoding = _declared_encoding(data, declared)
    # A browser shows a stray bad byte in a declared encoding as U+FFFD, and so do we.
    text = body.decode(encoding, errors="replace") if encoding else _undeclared_text(data)
    if "\x00" in text[:8192]:
        raise IngestError("binary file, not text")
    return text


def header_charset(content_type: str) -> str | None:
    """The charset an HTTP Content-Type names ("text/html; charset=ISO-8859-1"), or None."""
    found = _CHARSET_PARAMETER.search(content_type or "")
    return found.group(1) if found else None


HEAD_BYTES = 2**16  # where a page declares its charset: browsers honour a <meta> late in a long <head>
_CHARSET_PARAMETER = re.compile(r"charset\s*=\s*[\"']?\s*([-\w.:]+)", re.I)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([-\w.:]+)", re.I)
_XML_ENCODING = re.compile(rb"\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']?\s*([-\w.:]+)", re.I)
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_C1_CONTROL = re.compile("[\x80-\x9f]")  # never in text: a wrong guess of a legacy encoding
# The legacy encodings of the web (the WHATWG Encoding Standard's), as Python names them: the
# only ones detection may guess, as a browser would; not the Mac ones, which browsers never guess.
_WEB_ENCODINGS = sorted(
    {
        encoding.codec_info.name
        for name in set(LABELS.values())
        - {"replacement", "x-user-defined", "utf-16le", "utf-16be", "macintosh", "x-mac-cyrillic"}
        if (encoding := webencodings.lookup(name)) is not None
    }
)
_WESTERN = "cp1252"  # windows-1252: what browsers fall back to, chosen unless another reads clearly better
CLEARLY_LESS_MESS = 1.0  # charset_normalizer's chaos, in percent
CLEARLY_MORE_LANGUAGE = 4.0  # charset_normalizer's coherence, in percent
FEW_NON_ASCII = 16  # bytes: too few for detection to tell one encoding from another


def _byte_order_mark(data: bytes) -> tuple[str | None, bytes]:
    for mark, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(mark):
            return encoding, data[len(mark) :]
    return None, data


def _web_encoding(label: str | None) -> str | None:
    """The Python codec for a charset label as browsers read it, or None for an unknown one."""
    found = webencodings.lookup(label) if label else None
    if found is None or found.name == "replacement":
        return None
    return _WESTERN if found.name == "x-user-defined" else found.codec_info.name


def _declared_encoding(data: bytes, header: str | None) -> str | None:
    """The encoding the HTTP header or else the page's head declares. A page declaring UTF-16
    without a byte-order mark is in UTF-8 (the HTML rule); a legacy declaration loses to bytes
    that are UTF-8 text (a page converted when saved, or a server's default charset)."""
    encoding = _web_encoding(header)
    if encoding is None:
        head = data[:HEAD_BYTES]
        head = head[:end] if (end := head.lower().find(b"</head")) >= 0 else head
        found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
        encoding = _web_encoding(found.group(1).decode("ascii")) if found else None
        if encoding in ("utf-16-le", "utf-16-be"):
            encoding = "utf-8"
    if encoding not in (None, "utf-8", "utf-16-le", "utf-16-be") and _is_utf8_text(data):
        return "utf-8"
    return encoding


def _is_utf8_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _UTF8_SEQUENCE.search(data) is not None


def _undeclared_text(data: bytes) -> str:
    """Text that declares no encoding: UTF-8 (a stray bad byte or two aside), else windows-1252
    when there is too little to tell, else the web encoding detection finds."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        first_bad = error.start
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") * 10 <= len(_UTF8_SEQUENCE.findall(data)):
        return text
    undecodable = IngestError(
        f"undecodable bytes (no declared charset, not UTF-8 or any web encoding; first bad byte at offset {first_bad})"
    )
    if len(_NON_ASCII.findall(data)) < FEW_NON_ASCII:  # too little to tell: what browsers fall back to
        try:
            return data.decode(_WESTERN)
        except UnicodeDecodeError:
            raise undecodable from None
    readable = [
        match
        for match in charset_normalizer.from_bytes(data, cp_isolation=_WEB_ENCODINGS)
        if not _C1_CONTROL.search(str(match))
    ]
    least_mess = min((match.percent_chaos for match in readable), default=0.0)
    likely = [match for match in readable if match.percent_chaos <= least_mess + CLEARLY_LESS_MESS]
    best_language = max((match.percent_coherence for match in likely), default=0.0)
    if not likely or any(
        _WESTERN in match.could_be_from_charset and match.percent_coherence >= best_language - CLEARLY_MORE_LANGUAGE
        for match in likely
    ):  # nothing clearly better than what browsers fall back to
        try:
            return data.decode(_WESTERN)
        except UnicodeDecodeError:
            if not likely:
                raise undecodable from None
    return str(min(likely, key=lambda match: (-match.percent_coherence, match.percent_chaos)))
