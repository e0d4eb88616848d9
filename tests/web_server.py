"""Debian's nginx serving a built site in a test, as a server would: started on a free loopback
port with a configuration written to a folder of its own, its workers running as `www-data`
(not the user who built the site), the site's own server files included as docs/deploying.md
says; stopped after."""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from conftest import require

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SERVER_USER = "www-data"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def project_folder() -> Iterator[Path]:
    """A project folder as a user has one: made with the umask's mode (0755 under umask 022,
    which this sets), outside pytest's private temp folder (mode 0700, which www-data cannot
    cross)."""
    previous = os.umask(0o022)
    folder = Path(tempfile.gettempdir()) / f"newsdigest-project-{secrets.token_hex(4)}"
    folder.mkdir()
    try:
        yield folder
    finally:
        os.umask(previous)
        shutil.rmtree(folder, ignore_errors=True)


def _config(work: Path, port: int, root: Path, rules: Path | None) -> str:
    temp_paths = "\n".join(
        f"    {kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    maps = f"    include {rules / '_nginx/maps.conf'};" if rules else ""
    site = f"        include {rules / '_nginx/site.conf'};" if rules else ""
    return f"""
worker_processes 1;
user {SERVER_USER};
pid {work / "nginx.pid"};
error_log {work / "error.log"};
daemon off;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp_paths}
{maps}
    server {{
        listen 127.0.0.1:{port};
        root {root};
{site}
    }}
}}
"""


@contextlib.contextmanager
def nginx(root: Path, rules: Path | None = None) -> Iterator[str]:
    """nginx serving the folder `root` (a site, or the output link) until the block ends; with
    `rules`, the site whose `_nginx/maps.conf` and `_nginx/site.conf` it includes. Yields the
    base URL, without a trailing slash."""
    require(Path(NGINX).exists(), "nginx is not installed (apt-get install nginx)")
    require(os.geteuid() == 0, f"nginx runs its workers as {SERVER_USER} only when started as root (as .ci/run is)")
    work = Path(tempfile.mkdtemp(prefix="newsdigest-nginx-"))
    port = free_port()
    (work / "nginx.conf").write_text(_config(work, port, root, rules))
    process = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while not _serving(process, port):
            if process.poll() is not None:
                raise AssertionError(
                    f"nginx did not start: {process.stderr.read()}"
                    f"{(work / 'error.log').read_text() if (work / 'error.log').exists() else ''}"
                )
            assert time.monotonic() < deadline, f"nginx did not listen with workers as {SERVER_USER} within 15 s"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
        shutil.rmtree(work, ignore_errors=True)


def _serving(process: subprocess.Popen, port: int) -> bool:
    """nginx listens, and its workers (forked, then made www-data) are all www-data."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
        workers = psutil.Process(process.pid).children()
        return bool(workers) and all(worker.username() == SERVER_USER for worker in workers)
    except (OSError, psutil.Error):
        return False


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET `url` without following redirects: status, headers (lower-case names), body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path or "/")
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def site_urls(site: Path) -> dict[str, Path]:
    """Address -> file for every file of a built site (a folder's index.html at the folder's address)."""
    urls = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            relative = path.relative_to(site).as_posix()
            urls["/" + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)] = path
    return urls


def expected_type(address: str) -> tuple[str, ...]:
    """The Content-Type a file of the site must be served with (any of these)."""
    for suffix, types in (
        (".html", ("text/html; charset=utf-8",)),
        ("/", ("text/html; charset=utf-8",)),
        (".rss.xml", ("application/rss+xml; charset=utf-8",)),
        (".atom.xml", ("application/atom+xml; charset=utf-8",)),
        ("feed.json", ("application/feed+json; charset=utf-8", "application/json; charset=utf-8")),
        ("all.json", ("application/feed+json; charset=utf-8", "application/json; charset=utf-8")),
        (".json", ("application/json; charset=utf-8",)),
        (".xml", ("application/xml; charset=utf-8",)),
        (".css", ("text/css; charset=utf-8",)),
        (".js", ("text/javascript; charset=utf-8", "application/javascript; charset=utf-8")),
        (".svg", ("image/svg+xml; charset=utf-8", "image/svg+xml")),
        (".txt", ("text/plain; charset=utf-8",)),
        (".opml", ("text/x-opml; charset=utf-8",)),
    ):
        if address.endswith(suffix):
            return types
    return ()
