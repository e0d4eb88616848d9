"""Ingest's fetches: URLs at private addresses are refused (each redirect too) unless
--allow-private, and --timeout bounds the whole fetch of a page and of its lead image.
Every server here listens on 127.0.0.1; nothing is sent anywhere else."""

import http.server
import ipaddress
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest

from newsdigest.ingest import Options, ingest, reading

from conftest import drip, run_cli

PAGE = (
    '<html><head><meta property="og:title" content="Local page story">'
    '<meta property="article:published_time" content="2015-11-21T17:01:00-05:00">{image}</head><body><article>'
    + "".join(f"<p>Paragraph {i} of the local story, long enough to count as article text.</p>" for i in range(6))
    + "</article></body></html>"
)


class _Server(http.server.BaseHTTPRequestHandler):
    """/story.html: a page; /redirect?to=URL: a redirect there; /image.jpg: a JPEG sent one byte a
    second, forty bytes at most (the server stops by itself)."""

    requests: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self):
        self.requests.append((self.path, self.headers.get("Host", "")))
        if self.path.startswith("/redirect?to="):
            self.send_response(302)
            self.send_header("Location", self.path.removeprefix("/redirect?to="))
            self.end_headers()
        elif self.path.startswith("/story.html"):
            image = f'<meta property="og:image" content="http://{self.headers["Host"]}/image.jpg">'
            body = PAGE.format(image=image if "image" in self.path else "").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            drip(self, "image/jpeg", b"\xff", seconds=40)

    def log_message(self, *args):
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """The test server's base URL (http://127.0.0.1:PORT); its requests in _Server.requests."""
    _Server.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _options(tmp_path, **changes) -> Options:
    return Options(content=tmp_path / "content", site_timezone="UTC", **changes)


class _LooksPublic(ipaddress.IPv4Address):
    """127.0.0.1 passed off as a public address: a host the test resolver names is let through."""

    @property
    def is_global(self) -> bool:
        return True


def _resolver(names: dict[str, ipaddress.IPv4Address]):
    real = reading.resolve
    return lambda host, port: [names[host]] if host in names else real(host, port)


def test_a_page_on_this_machine_is_fetched_only_with_allow_private(server, tmp_path):
    url = f"{server}/story.html"
    refused = run_cli("ingest", "--content", str(tmp_path / "content"), url)
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"ERROR: {url}: refused: {url} is at a private address (127.0.0.1); --allow-private fetches it"
    ]
    assert _Server.requests == []  # refused before connecting
    allowed = run_cli("ingest", "--allow-private", "--content", str(tmp_path / "content"), url)
    assert allowed.returncode == 0, allowed.stderr
    assert "1 written" in allowed.stdout


@pytest.mark.parametrize(
    "url",
    [
        "http://0x7f000001:9/",
        "http://2130706433:9/",
        "http://[::1]:9/",
        "http://localhost:9/",
        "http://[::ffff:127.0.0.1]:9/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://172.31.255.254/",
        "http://192.168.1.1/",
        "https://[fc00::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0:9/",
    ],
)
def test_private_addresses_in_any_spelling_are_refused(url, tmp_path):
    [outcome] = ingest([url], _options(tmp_path)).outcomes
    assert outcome.status == "failed"
    assert outcome.detail.startswith(f"refused: {url} is at a private address ("), outcome.detail


def test_a_public_name_that_resolves_to_this_machine_is_refused(server, tmp_path, monkeypatch):
    port = server.rsplit(":", 1)[1]
    monkeypatch.setattr(reading, "resolve", _resolver({"news.example": ipaddress.IPv4Address("127.0.0.1")}))
    url = f"http://news.example:{port}/story.html"
    [outcome] = ingest([url], _options(tmp_path)).outcomes
    assert (outcome.status, outcome.detail) == (
        "failed",
        f"refused: {url} is at a private address (127.0.0.1); --allow-private fetches it",
    )
    assert _Server.requests == []
    # Allowed, the connection goes to the address resolved (and checked), under the page's own host name.
    assert ingest([url], _options(tmp_path, allow_private=True)).count("written") == 1
    assert _Server.requests == [("/story.html", f"news.example:{port}")]


def test_a_redirect_to_a_private_address_is_refused(server, tmp_path, monkeypatch):
    port = server.rsplit(":", 1)[1]
    monkeypatch.setattr(reading, "resolve", _resolver({"news.example": _LooksPublic("127.0.0.1")}))
    target = f"{server}/story.html"
    url = f"http://news.example:{port}/redirect?to={target}"
    [outcome] = ingest([url], _options(tmp_path)).outcomes
    assert (outcome.status, outcome.detail) == (
        "failed",
        f"refused: redirected to {target}, at a private address (127.0.0.1); --allow-private fetches it",
    )
    assert [path for path, _ in _Server.requests] == [f"/redirect?to={target}"]  # the page never asked for


@pytest.mark.slow  # a server dripping an image for up to 40 s, cut off after 3
def test_timeout_bounds_the_whole_fetch_of_a_lead_image(server, tmp_path):
    url = f"{server}/story.html?image"
    started = time.monotonic()
    result = run_cli(
        "ingest", "--fetch-images", "--allow-private", "--timeout", "3", "--content", str(tmp_path / "content"), url
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    warning = f"WARNING: {url}: lead image {server}/image.jpg: cannot fetch: no complete answer within 3 s"
    assert result.stderr.splitlines() == [f"{warning}; the story keeps its address"]
    assert elapsed < 20, elapsed  # the image's fetch was cut at 3 s, not at the default 30 s
