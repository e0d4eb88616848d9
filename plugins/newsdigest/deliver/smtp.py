"""SMTP: one connection to the server, kept for every message, with the security the settings
ask for (`starttls`, `tls`, or `none` for a relay on this machine), certificates always checked,
the password from the environment only; and the pace that keeps to SMTP_MAX_PER_MINUTE."""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from dataclasses import dataclass

from newsdigest.deliver.settings import Settings


class SendError(Exception):
    """The server cannot be used (cannot connect, refuses the login or the sender): the send stops."""


@dataclass(frozen=True)
class Refused(Exception):
    """The server refused one recipient: its code and reason."""

    code: int
    reason: str

    def __str__(self) -> str:
        return f"{self.code} {self.reason}"


def _reason(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())


class Mailer:
    """Sends messages through the server the settings name, connecting when first needed."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file)

    def connect(self) -> None:
        read = self.settings
        try:
            if read.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    read.host or "", read.smtp_port, timeout=read.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(read.host or "", read.smtp_port, timeout=read.timeout)
                if read.security == "starttls":
                    smtp.starttls(context=self._context())
            if read.user:
                smtp.login(read.user, os.environ.get(read.password_variable, ""))
        except smtplib.SMTPAuthenticationError as error:
            raise SendError(f"{read.host}: the login as {read.user} was refused: {_reason(error.smtp_error)}") from None
        except smtplib.SMTPNotSupportedError as error:
            raise SendError(f"{read.host}:{read.smtp_port}: {error} (SMTP_SECURITY = {read.security!r})") from None
        except (smtplib.SMTPException, OSError) as error:
            raise SendError(f"cannot send through {read.host}:{read.smtp_port} ({read.security}): {error}") from None
        self._smtp = smtp

    def send(self, sender: str, address: str, data: bytes) -> None:
        """Hands one message to the server; raises Refused when it refuses the recipient or the
        message, SendError when the server cannot be used (after one new connection)."""
        for attempt in (1, 2):
            if self._smtp is None:
                self.connect()
            assert self._smtp is not None
            try:
                self._smtp.sendmail(sender, [address], data)
                return
            except smtplib.SMTPRecipientsRefused as error:
                code, reason = error.recipients.get(address, (550, b"refused"))
                if code != 421 or attempt == 2:  # 421: the server closes the connection; try a new one
                    raise Refused(code, _reason(reason)) from None
                self.close()
            except smtplib.SMTPDataError as error:
                raise Refused(error.smtp_code, _reason(error.smtp_error)) from None
            except smtplib.SMTPSenderRefused as error:
                raise SendError(f"the server refused the sender {sender}: {_reason(error.smtp_error)}") from None
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException, OSError) as error:
                self.close()
                if attempt == 2:
                    raise SendError(f"the connection to {self.settings.host} failed: {error}") from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class Pace:
    """At most `per_minute` messages a minute, evenly spaced (None: no limit)."""

    def __init__(self, per_minute: int | None, clock=time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self._clock, self._sleep = clock, sleep
        self._next = 0.0

    def wait(self) -> None:
        now = self._clock()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval
