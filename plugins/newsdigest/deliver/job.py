"""One run of `newsdigest edition send`: its settings, newsletter and subscribers checked before
anything is sent (`prepare`), then what a dry run lists, the send itself, and its report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsdigest.deliver import messages, send_log, settings as newsletter_settings, subscribers as subscriber_file
from newsdigest.deliver.messages import ListHeaders, Newsletter
from newsdigest.deliver.send import Delivery, Outcome, Sending, describe, plan, send, send_test
from newsdigest.deliver.smtp import Mailer, Pace
from newsdigest.site.addresses.siteurl import unpublishable


class PrepareError(Exception):
    """What stops a send before it starts: one problem a line."""


class Busy(Exception):
    """Another send of this edition is running."""


@dataclass(frozen=True)
class Job:
    settings: newsletter_settings.Settings
    newsletter: Newsletter
    headers: ListHeaders
    log_path: Path
    deliveries: list[Delivery]


def _headers(read: newsletter_settings.Settings, mapping: Mapping, site_url: str) -> ListHeaders:
    host = urlsplit(site_url).hostname or "localhost"
    return ListHeaders(
        sender=read.sender or "",
        list_id=read.list_id or f"newsletter.{host}",
        list_name=str(mapping.get("SITENAME") or ""),
        unsubscribe_mailto=read.unsubscribe_mailto or read.sender_address,
        unsubscribe_url=read.unsubscribe_url,
        reply_to=read.reply_to,
    )


def _subscribers(read: newsletter_settings.Settings, mapping: Mapping, given: str | None) -> list:
    path = Path(given or read.subscribers)
    published = [Path(mapping[name]) for name in ("PATH", "OUTPUT_PATH", "THEME") if mapping.get(name)]
    misplaced = subscriber_file.check_place(path, published)
    if misplaced:
        raise PrepareError(misplaced)
    try:
        return subscriber_file.load(path)
    except subscriber_file.SubscribersError as error:
        raise PrepareError("\n".join(error.problems)) from None


def prepare(mapping: Mapping, folder: Path, day: dt.date, subscribers: str | None, sending: bool) -> Job:
    """Everything a send needs, checked: raises PrepareError (or SettingsError) before any message goes."""
    read = newsletter_settings.Settings.from_settings(mapping)
    problems = newsletter_settings.problems(read, mapping, sending)
    if problems:
        raise PrepareError("\n".join(problems))
    try:
        newsletter = messages.read_newsletter(folder, day)
        if newsletter.picks:
            messages.text_part(newsletter, frozenset())  # email.txt must list every pick
    except messages.NewsletterError as error:
        raise PrepareError(f"{folder}: {error}") from None
    site_url = newsletter.picks[0].url if newsletter.picks else ""
    local = unpublishable(f"{urlsplit(site_url).scheme}://{urlsplit(site_url).netloc}" if site_url else "")
    if local:
        raise PrepareError(
            f"{folder}/email.html links to {site_url or 'nothing'} ({local}): build the site for its address "
            "(newsdigest publish, or NEWSDIGEST_SITEURL=https://your.site newsdigest build --settings publishconf.py)"
        )
    listed = _subscribers(read, mapping, subscribers)
    log_path = send_log.log_path(Path(mapping.get("CACHE_PATH") or ".cache"), day)
    deliveries = plan(newsletter, listed, send_log.sent_ids(log_path))
    return Job(read, newsletter, _headers(read, mapping, site_url), log_path, deliveries)


def dry_run(job: Job) -> list[str]:
    total = len(job.newsletter.picks)
    lines = [describe(delivery, total) for delivery in job.deliveries]
    waiting = sum(1 for delivery in job.deliveries if not delivery.sent and not delivery.empty)
    return [*lines, f"{waiting} of {len(job.deliveries)} subscribers would get a message now (dry run: none sent)"]


def deliver(job: Job, test_address: str | None = None) -> Outcome:
    """Sends the edition (to `test_address` alone when given): each recipient the server accepts is
    logged at once; raises Busy when another send of the edition holds the log."""
    mailer = Mailer(job.settings)
    pace = Pace(job.settings.max_per_minute)
    if test_address:
        if not newsletter_settings.is_address(test_address):
            raise PrepareError(f"--test: {test_address!r} is not an email address")
        return send_test(job.newsletter, test_address, Sending(job.headers, mailer, pace, None))
    try:
        log = send_log.SendLog(job.log_path)
    except send_log.LogBusy as error:
        raise Busy(str(error)) from None
    with log:
        deliveries = plan(job.newsletter, [delivery.subscriber for delivery in job.deliveries], log.sent)
        return send(job.newsletter, deliveries, Sending(job.headers, mailer, pace, log))


def report(job: Job, outcome: Outcome, test: bool = False) -> list[str]:
    day = job.newsletter.date.isoformat()
    if test:
        lines = [f"sent a test copy of the edition {day}"] if outcome.sent else []
    else:
        lines = [
            (
                f"edition {day}: {outcome.sent} sent, {outcome.already} had it already, "
                f"{outcome.nothing} with no pick under their topics, {len(outcome.refused)} refused"
            )
        ]
    lines += [f"refused: {address}: {refusal}" for address, refusal in outcome.refused]
    if outcome.error:
        lines.append(f"stopped: {outcome.error}; {outcome.left} not sent (run the same command again to resume)")
    return lines
