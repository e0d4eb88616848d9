"""Sending an edition: who gets what (the whole edition, a topic digest, or nothing when no pick
matches their topics), then each message in turn, each recipient logged as the server accepts it.

Plain functions over the newsletter (`messages`), the subscribers (`subscribers`), the log
(`send_log`) and the server (`smtp`). Addresses go to the curator's terminal only (who was
refused, and why); nothing here writes to the site.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from newsdigest.deliver import messages
from newsdigest.deliver.messages import ListHeaders, Newsletter, Recipient
from newsdigest.deliver.send_log import SendLog
from newsdigest.deliver.smtp import Mailer, Pace, Refused, SendError
from newsdigest.deliver.subscribers import Subscriber


@dataclass(frozen=True)
class Delivery:
    subscriber: Subscriber
    keep: frozenset[str] | None  # the picks of a topic digest; None: the whole edition
    sent: bool  # the log says the server accepted it already
    ident: str  # recipient_id

    @property
    def empty(self) -> bool:
        """A topic digest with no pick: no message."""
        return self.keep is not None and not self.keep


def plan(newsletter: Newsletter, subscribers: list[Subscriber], sent: set[str]) -> list[Delivery]:
    deliveries = []
    for subscriber in subscribers:
        ident = messages.recipient_id(newsletter.date, subscriber.address)
        keep = messages.chosen(newsletter, subscriber.topics)
        deliveries.append(Delivery(subscriber, keep, ident in sent, ident))
    return deliveries


def describe(delivery: Delivery, total: int) -> str:
    """What a subscriber gets, in words (--dry-run)."""
    topics = ", ".join(delivery.subscriber.topics)
    if delivery.sent:
        what = "sent already"
    elif delivery.keep is None:
        what = f"the edition ({total} {'pick' if total == 1 else 'picks'})"
    elif delivery.keep:
        what = f"a topic digest ({len(delivery.keep)} of {total} picks: {topics})"
    else:
        what = f"nothing (no pick under {topics})"
    return f"{delivery.subscriber.address}: {what}"


class Parts:
    """The encoded body of each distinct set of picks, made once."""

    def __init__(self, newsletter: Newsletter):
        self.newsletter = newsletter
        self._made: dict[frozenset[str] | None, bytes] = {}

    def of(self, keep: frozenset[str] | None) -> bytes:
        if keep not in self._made:
            self._made[keep] = messages.body(
                (messages.text_part(self.newsletter, keep), messages.html_part(self.newsletter, keep))
            )
        return self._made[keep]


@dataclass
class Outcome:
    sent: int = 0
    already: int = 0
    nothing: int = 0  # topic digests with no pick
    refused: list[tuple[str, Refused]] = field(default_factory=list)
    error: str | None = None  # why the send stopped before the end
    left: int = 0  # not tried, after an error


@dataclass(frozen=True)
class Sending:
    """What a send goes through: the list's headers, the server, the pace, the log."""

    headers: ListHeaders
    mailer: Mailer
    pace: Pace
    log: SendLog | None  # None: a test copy, logged nowhere
    progress: Callable[[int], None] = lambda sent: None


def message_bytes(newsletter: Newsletter, delivery: Delivery, headers: ListHeaders, parts: Parts, ident: str) -> bytes:
    subscriber = delivery.subscriber
    recipient = Recipient(subscriber.address, subscriber.name)
    return messages.build_message(headers, recipient, newsletter.title, parts.of(delivery.keep), ident)


def send_test(newsletter: Newsletter, address: str, sending: Sending) -> Outcome:
    """One copy of the whole edition to the curator's `address`, its subject marked [test], a
    Message-ID of its own each time (a client would hide a second copy with the same), logged nowhere."""
    outcome = Outcome()
    test = Newsletter(newsletter.date, f"[test] {newsletter.title}", newsletter.html, newsletter.text, newsletter.picks)
    delivery = Delivery(Subscriber(address), None, False, "")
    domain = email.utils.parseaddr(sending.headers.sender)[1].rpartition("@")[2] or "newsdigest.invalid"
    ident = f"<test-{newsletter.date.isoformat()}.{time.time_ns()}@{domain}>"
    try:
        sending.mailer.send(
            email.utils.parseaddr(sending.headers.sender)[1],
            address,
            message_bytes(test, delivery, sending.headers, Parts(newsletter), ident),
        )
        outcome.sent = 1
    except Refused as refusal:
        outcome.refused.append((address, refusal))
    except SendError as error:
        outcome.error, outcome.left = str(error), 1
    sending.mailer.close()
    return outcome


def send(newsletter: Newsletter, deliveries: list[Delivery], sending: Sending) -> Outcome:
    """Sends each delivery not sent already, logging each the server accepts; a refused
    recipient is reported and the others still get theirs; a server that cannot be used stops it."""
    outcome = Outcome()
    parts = Parts(newsletter)
    sender = email.utils.parseaddr(sending.headers.sender)[1]
    for index, delivery in enumerate(deliveries):
        if delivery.sent:
            outcome.already += 1
            continue
        if delivery.empty:
            outcome.nothing += 1
            continue
        ident = messages.message_id(newsletter.date, delivery.subscriber.address, sending.headers.sender)
        data = message_bytes(newsletter, delivery, sending.headers, parts, ident)
        sending.pace.wait()
        try:
            sending.mailer.send(sender, delivery.subscriber.address, data)
        except Refused as refusal:
            outcome.refused.append((delivery.subscriber.address, refusal))
            continue
        except SendError as error:
            outcome.error = str(error)
            outcome.left = sum(1 for later in deliveries[index:] if not later.sent and not later.empty)
            break
        if sending.log is not None:
            sending.log.record(delivery.ident, ident)
        outcome.sent += 1
        sending.progress(outcome.sent)
    sending.mailer.close()
    return outcome
