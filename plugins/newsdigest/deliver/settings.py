"""The newsletter's settings (SMTP_*, NEWSLETTER_*), read by `newsdigest edition send` alone:
a build never reads them (docs/configuration.md lists them with their defaults)."""

from __future__ import annotations

import email.utils
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsdigest.settings import SettingsGroup, setting

SECURITIES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
PASSWORD_VARIABLE = "NEWSDIGEST_SMTP_PASSWORD"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
# An address as the subscribers file and the settings may give it: ASCII, one @, a domain with a dot.
ADDRESS = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """SMTP_* and NEWSLETTER_*, with their defaults."""

    host: str | None = setting("SMTP_HOST", None)
    port: int | None = setting("SMTP_PORT", None, minimum=1)  # None: 587, 465 or 25 by SMTP_SECURITY
    security: str = setting("SMTP_SECURITY", "starttls", choices=SECURITIES)
    user: str | None = setting("SMTP_USER", None)
    password_variable: str = setting("SMTP_PASSWORD_VARIABLE", PASSWORD_VARIABLE)
    ca_file: str | None = setting("SMTP_CA_FILE", None)  # certificates to trust instead of the system's
    timeout: float = setting("SMTP_TIMEOUT", 30.0, minimum=1)
    max_per_minute: int | None = setting("SMTP_MAX_PER_MINUTE", 60, minimum=1)  # None: no limit
    sender: str | None = setting("NEWSLETTER_FROM", None)
    reply_to: str | None = setting("NEWSLETTER_REPLY_TO", None)
    subscribers: str = setting("NEWSLETTER_SUBSCRIBERS", "subscribers.csv")
    list_id: str | None = setting("NEWSLETTER_LIST_ID", None)  # None: newsletter.<the site's host>
    unsubscribe_mailto: str | None = setting("NEWSLETTER_UNSUBSCRIBE_MAILTO", None)  # None: NEWSLETTER_FROM's
    unsubscribe_url: str | None = setting("NEWSLETTER_UNSUBSCRIBE_URL", None)  # https; {address} is replaced

    @property
    def smtp_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def sender_address(self) -> str:
        return email.utils.parseaddr(self.sender or "")[1]


def is_address(text: str) -> bool:
    return bool(ADDRESS.fullmatch(text))


def _one_address(name: str, value: str | None) -> str | None:
    """What is wrong with a setting holding one address ("Name <a@b.org>" or "a@b.org"), or None."""
    if value is None:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return f"{name}: holds a control character (a line break?)"
    _, address = email.utils.parseaddr(value)
    if not is_address(address):
        return f"{name}: {value!r} is not an email address (Name <address@example.org>)"
    return None


def _smtp_problems(read: Settings, mapping: Mapping, sending: bool) -> list[str]:
    found = []
    if "SMTP_PASSWORD" in mapping:
        found.append(
            f"SMTP_PASSWORD: a password is never read from a settings file; remove it and set "
            f"the environment variable {read.password_variable}"
        )
    if sending and not read.host:
        found.append("SMTP_HOST: not set; give the SMTP server to send through (docs/newsletter.md)")
    if read.security == "none" and read.host and read.host not in LOCAL_HOSTS:
        found.append(
            f"SMTP_SECURITY = 'none' sends in clear: only to a relay on this machine ({', '.join(LOCAL_HOSTS)}), "
            f"not {read.host}; use 'starttls' or 'tls'"
        )
    if read.security == "none" and read.user:
        found.append("SMTP_USER with SMTP_SECURITY = 'none' would send the password in clear; use 'starttls' or 'tls'")
    if sending and read.user and not os.environ.get(read.password_variable):
        found.append(f"SMTP_USER is set: give its password in the environment variable {read.password_variable}")
    if read.ca_file and not os.path.isfile(read.ca_file):
        found.append(f"SMTP_CA_FILE: {read.ca_file}: no such file")
    return found


def problems(read: Settings, mapping: Mapping, sending: bool = True) -> list[str]:
    """What stops these settings from sending (`sending` False: from listing who would receive what)."""
    found = _smtp_problems(read, mapping, sending)
    if not read.sender:
        found.append("NEWSLETTER_FROM: not set; the newsletter's sender, e.g. 'The Daily Digest <digest@example.org>'")
    for name, value in (
        ("NEWSLETTER_FROM", read.sender),
        ("NEWSLETTER_REPLY_TO", read.reply_to),
        ("NEWSLETTER_UNSUBSCRIBE_MAILTO", read.unsubscribe_mailto),
    ):
        problem = _one_address(name, value)
        if problem:
            found.append(problem)
    url = read.unsubscribe_url
    if url is not None and (urlsplit(url).scheme != "https" or not urlsplit(url).hostname or re.search(r"\s", url)):
        found.append(f"NEWSLETTER_UNSUBSCRIBE_URL: {url!r} is not an https address")
    if read.list_id is not None and not re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", read.list_id):
        found.append(f"NEWSLETTER_LIST_ID: {read.list_id!r} is not a list id (newsletter.example.org)")
    return found
