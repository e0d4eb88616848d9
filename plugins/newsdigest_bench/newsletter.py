"""`newsdigest bench newsletter`: messages per second that `newsdigest edition send` hands to a
local SMTP server (aiosmtpd, in this process) for N subscribers, and a send killed midway.

Builds a small edition (three stories) in its work folder, then sends it to N subscribers (a
quarter of them with topics, so topic digests are made too) with no rate limit, once over plain
SMTP (`SMTP_SECURITY = 'none'`, a relay on this machine) and once over STARTTLS on a self-signed
certificate (openssl), each from an empty send log; then sends again to see that nobody gets a
second copy. Last, it starts `newsdigest edition send` as a process, kills it (SIGKILL) midway,
runs it again, and counts the messages each subscriber received.
"""

from __future__ import annotations

import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from newsdigest.build.run import build
from newsdigest.content import frontmatter
from newsdigest_bench import project_root

describe = "messages per second `edition send` hands to a local SMTP server, and a send killed midway"
DAY = "2015-11-21"
SITEURL = "https://digest.example.org"


def add_arguments(parser) -> None:
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--kill-subscribers", type=int, default=40)


class _Sink:
    def __init__(self):
        self.received: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _certificate(work: Path) -> tuple[Path, Path] | None:
    if shutil.which("openssl") is None:
        return None
    cert, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", str(key),
         "-out", str(cert), "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _site(work: Path) -> Path:
    content = work / "content"
    stories = [
        ("mali", "Mali hotel siege ends", "World", "Mali"),
        ("markets", "Markets rally", "Business", "Markets"),
        ("final", "Cup final", "Sport", "Football"),
    ]
    for hour, (name, title, section, tag) in enumerate(stories, start=10):
        path = content / "articles" / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        metadata = {"title": title, "date": f"{DAY}T{hour}:00:00Z", "section": section, "tags": [tag]}
        path.write_text(frontmatter.dump({**metadata, "note": "Why it matters."}, "Body text."), encoding="utf-8")
    (content / "pages").mkdir(exist_ok=True)
    output = work / "output"
    overrides = {"SITEURL": SITEURL, "RELATIVE_URLS": False, "TIMEZONE": "UTC", "SEARCH_ENABLED": False}
    build(project_root() / "pelicanconf.py", content=content, output=output, overrides={
        **overrides, "CACHE_PATH": str(work / ".cache")})  # fmt: skip
    return output


def _settings(work: Path, port: int, security: str, cert: Path | None, per_minute: int | None) -> Path:
    lines = [
        "import sys",
        f"sys.path.insert(0, {str(project_root())!r})",
        "from pelicanconf import *",
        f"THEME = {str(project_root() / 'theme')!r}",
        f"CACHE_PATH = {str(work / '.cache')!r}",
        f"SITEURL = {SITEURL!r}",
        "RELATIVE_URLS = False",
        "SMTP_HOST = '127.0.0.1'",
        f"SMTP_PORT = {port}",
        f"SMTP_SECURITY = {security!r}",
        f"SMTP_CA_FILE = {str(cert) if cert else None!r}",
        f"SMTP_MAX_PER_MINUTE = {per_minute!r}",
        "NEWSLETTER_FROM = 'The Daily Digest <digest@example.org>'",
        f"NEWSLETTER_SUBSCRIBERS = {str(work / 'subscribers.csv')!r}",
    ]
    path = work / f"settings-{security}.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _subscribers(work: Path, count: int) -> None:
    topics = ["", "", "", "Mali;Markets"]
    rows = [f"reader{number}@example.org,Reader {number},{topics[number % 4]}" for number in range(count)]
    (work / "subscribers.csv").write_text("address,name,topics\n" + "\n".join(rows) + "\n", encoding="utf-8")


def _command(settings: Path, output: Path) -> list[str]:
    return [str(Path(sys.executable).parent / "newsdigest"), "edition", "send", DAY, "--settings", str(settings),
            "--output", str(output)]  # fmt: skip


def _timed_send(work: Path, output: Path, security: str, cert_and_key) -> tuple[float, int, str]:
    sink = _Sink()
    options: dict[str, Any] = {}
    if security == "starttls":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*cert_and_key)
        options = {"tls_context": context, "require_starttls": True}
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port(), **options)
    controller.start()
    try:
        shutil.rmtree(work / ".cache" / "newsletter", ignore_errors=True)
        settings = _settings(work, controller.port, security, cert_and_key[0] if cert_and_key else None, None)
        started = time.perf_counter()
        result = subprocess.run(_command(settings, output), capture_output=True, text=True, cwd=work)
        seconds = time.perf_counter() - started
        again = subprocess.run(_command(settings, output), capture_output=True, text=True, cwd=work)
    finally:
        controller.stop()
    if result.returncode != 0:
        raise RuntimeError(f"edition send failed: {result.stderr.strip()}")
    return seconds, len(sink.received), again.stdout.strip()


def _kill_and_resume(work: Path, output: Path, count: int) -> str:
    _subscribers(work, count)
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        shutil.rmtree(work / ".cache" / "newsletter", ignore_errors=True)
        settings = _settings(work, controller.port, "none", None, 600)  # one every 0.1 s
        process = subprocess.Popen(_command(settings, output), cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while len(sink.received) < count // 2 and process.poll() is None:
            time.sleep(0.001)
        time.sleep(0.037)  # at any instant: while it waits, or while it sends the next
        process.send_signal(signal.SIGKILL)
        process.wait()
        before = len(sink.received)
        subprocess.run(_command(settings, output), capture_output=True, text=True, cwd=work, check=True)
    finally:
        controller.stop()
    counts = [sink.received.count(f"reader{number}@example.org") for number in range(count)]
    return (
        f"killed after {before} of {count} messages, then run again: {sum(c == 1 for c in counts)} subscribers "
        f"got one message, {sum(c > 1 for c in counts)} more than one, {sum(c == 0 for c in counts)} none"
    )


def run(args) -> int:
    count = getattr(args, "subscribers", 1000)
    work = project_root() / ".cache" / "bench-newsletter"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    output = _site(work)
    _subscribers(work, count)
    cert_and_key = _certificate(work)
    print(f"newsletter: {count} subscribers (a quarter with topics), no rate limit, a local aiosmtpd server")
    for security in ("none", "starttls"):
        if security == "starttls" and cert_and_key is None:
            print("  starttls: skipped (openssl is not installed)")
            continue
        seconds, received, again = _timed_send(work, output, security, cert_and_key)
        print(
            f"  {security}: {received} messages in {seconds:.2f} s (the whole command): "
            f"{received / seconds:.0f} messages/s; sent again: {again}"
        )
    print(f"  {_kill_and_resume(work, output, getattr(args, 'kill_subscribers', 40))}")
    return 0
