"""A real SMTP server for the tests (aiosmtpd), with STARTTLS on a self-signed certificate made at
test time, a recipient it refuses, and every message it accepts kept for the test to parse."""

from __future__ import annotations

import contextlib
import email
import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller

REFUSED = "refused@example.org"  # the recipient the server refuses
REFUSAL = "550 5.1.1 No such mailbox here"


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (openssl)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    if not cert.is_file():
        if shutil.which("openssl") is None:
            raise RuntimeError("openssl is not installed (apt-get install openssl)")
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return cert, key


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    encrypted: bool

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.lower() == REFUSED:
            return REFUSAL
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content), session.ssl is not None)
            )
        return "250 Message accepted"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [item for item in self.received if address in item.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server(folder: Path, starttls: bool = True):
    """(handler, port, certificate): a server on 127.0.0.1 that offers STARTTLS and requires it."""
    cert, key = certificate(folder)
    handler = Handler()
    options = {}
    if starttls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        options = {"tls_context": context, "require_starttls": True}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield handler, controller.port, cert
    finally:
        controller.stop()
