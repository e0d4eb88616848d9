"""The messages of an edition: its newsletter (email.html and email.txt, as the build wrote them
beside the edition), whole or as a topic digest, in a multipart message with the list's headers.

A topic digest keeps only the picks filed under the subscriber's topics (tags, sections or
sources, by name or by their page's path such as `tags/mali`), with the edition's header and
intro: the picks are the blocks of email.html the theme marks `data-topics` (sections
`data-section`, the count of stories `data-count`), each found in email.txt by its address on
a line of its own. Every message has those marks taken out. Links stay as the build wrote them:
absolute, with nothing added to them and no image added.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import lxml.html

from newsdigest.content.slugs import slugify

MARKS = ("data-topics", "data-section", "data-count")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")


class NewsletterError(Exception):
    """An edition's newsletter that cannot be sent as it is; the message says why, in one line."""


@dataclass(frozen=True)
class Pick:
    url: str  # the story's absolute address, as both files give it
    topics: frozenset[str]  # "tags/mali", "sections/world", "sources/vice-news"
    section: int  # the index of its section in the newsletter


@dataclass(frozen=True)
class Newsletter:
    date: dt.date
    title: str
    html: str
    text: str
    picks: tuple[Pick, ...]


def _picks(document) -> tuple[Pick, ...]:
    sections = document.xpath("//*[@data-section]")
    found = []
    for element in document.xpath("//*[@data-topics]"):
        links = element.xpath(".//h3//a/@href") or element.xpath(".//a/@href")
        if not links:
            raise NewsletterError("a pick of email.html links to no story")
        holder = next((index for index, section in enumerate(sections) if element in section.iterdescendants()), -1)
        found.append(Pick(str(links[0]), frozenset(element.get("data-topics").split()), holder))
    return tuple(found)


def read_newsletter(folder: Path, day: dt.date) -> Newsletter:
    """The newsletter the build wrote in `folder` (editions/YYYY-MM-DD/)."""
    try:
        html = (folder / "email.html").read_text(encoding="utf-8")
        text = (folder / "email.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NewsletterError(f"cannot read the edition's newsletter: {error}") from error
    document = lxml.html.document_fromstring(html)
    title = document.findtext(".//title") or ""
    return Newsletter(day, one_line(title), html, text, _picks(document))


def one_line(text: str) -> str:
    """Text fit for a header: no line break or other control character (no header injection)."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def topic_keys(topics: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each topic as (kind or "", slug): "tags/Mali" -> ("tags", "mali"), "Mali" -> ("", "mali")."""
    keys = []
    for topic in topics:
        kind, _, name = topic.strip().strip("/").rpartition("/")
        keys.append((kind.strip().lower(), slugify(name, fallback=name.strip().lower())))
    return tuple(keys)


def matches(pick: Pick, keys: tuple[tuple[str, str], ...]) -> bool:
    for kind, slug in keys:
        for topic in pick.topics:
            pick_kind, _, pick_slug = topic.partition("/")
            if pick_slug == slug and kind in ("", pick_kind):
                return True
    return False


def chosen(newsletter: Newsletter, topics: tuple[str, ...]) -> frozenset[str] | None:
    """The addresses of the picks a subscriber with `topics` gets; None: the whole edition."""
    if not topics:
        return None
    keys = topic_keys(topics)
    return frozenset(pick.url for pick in newsletter.picks if matches(pick, keys))


def html_part(newsletter: Newsletter, keep: frozenset[str] | None) -> str:
    """email.html without the picks not in `keep` (None: all), nor sections left empty, nor the marks."""
    document = lxml.html.document_fromstring(newsletter.html)
    if keep is not None:
        for element in document.xpath("//*[@data-topics]"):
            links = element.xpath(".//h3//a/@href") or element.xpath(".//a/@href")
            if str(links[0]) not in keep:
                element.drop_tree()
        for section in document.xpath("//*[@data-section]"):
            if not section.xpath(".//*[@data-topics]"):
                section.drop_tree()
        total = len(newsletter.picks)
        for count in document.xpath("//*[@data-count]"):
            count.text = f"{len(keep)} of {total} {'story' if total == 1 else 'stories'}"
    for mark in MARKS:
        for element in document.xpath(f"//*[@{mark}]"):
            del element.attrib[mark]
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode") + "\n"


def _star_line(lines: list[str], low: int, high: int) -> int | None:
    return next((index for index in range(high, low - 1, -1) if lines[index].startswith("* ")), None)


def _blank_start(lines: list[str], index: int, low: int) -> int:
    """The first of the blank lines just above line `index` (no lower than `low`)."""
    while index > low and not lines[index - 1].strip():
        index -= 1
    return index


def _paragraph_start(lines: list[str], index: int, low: int) -> int:
    """Where the lines above `index` hold the paragraph just above it, with the blank lines before it."""
    end = _blank_start(lines, index, low)
    start = end
    while start > low and lines[start - 1].strip():
        start -= 1
    return _blank_start(lines, start, low)


def _text_blocks(newsletter: Newsletter) -> tuple[list[str], list[tuple[list[str], list[str]]], list[str]]:
    """email.txt cut into what precedes the picks, each pick's (section heading, block), and what follows."""
    lines = newsletter.text.split("\n")
    blocks: list[tuple[list[str], list[str]]] = []
    prefix: list[str] = []
    low = 0
    for number, pick in enumerate(newsletter.picks):
        end = next((index for index in range(low, len(lines)) if lines[index].strip() == pick.url), None)
        star = _star_line(lines, low, end) if end is not None else None
        if end is None or star is None:
            raise NewsletterError(f"email.txt does not list {pick.url} (a line '* headline', then its address)")
        start = _blank_start(lines, star, low)
        head = lines[low:start]
        if number == 0:
            split = _paragraph_start(lines, start, low)
            prefix, head = lines[low:split], lines[split:start]
        blocks.append((head, lines[start : end + 1]))
        low = end + 1
    return prefix, blocks, lines[low:]


def text_part(newsletter: Newsletter, keep: frozenset[str] | None) -> str:
    """email.txt without the picks not in `keep` (None: all of it), nor sections left empty."""
    if keep is None:
        return newsletter.text
    prefix, blocks, suffix = _text_blocks(newsletter)
    lines = list(prefix)
    kept_sections = {pick.section for pick in newsletter.picks if pick.url in keep}
    for pick, (head, block) in zip(newsletter.picks, blocks, strict=True):
        if pick.section in kept_sections:
            lines += head
        if pick.url in keep:
            lines += block
    return "\n".join(lines + suffix)


@dataclass(frozen=True)
class ListHeaders:
    """Who the newsletter is from, and the list headers of its every message."""

    sender: str  # From: "The Daily Digest <digest@example.org>"
    list_id: str  # "newsletter.digest.example.org"
    list_name: str  # the site's name
    unsubscribe_mailto: str  # an address
    unsubscribe_url: str | None = None  # https, "{address}" replaced by the recipient's
    reply_to: str | None = None


def recipient_id(day: dt.date, address: str) -> str:
    """The same for an edition and an address on every run, and no address in it."""
    return hashlib.sha256(f"{day.isoformat()}\n{address.casefold()}".encode()).hexdigest()[:32]


def message_id(day: dt.date, address: str, sender: str) -> str:
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "newsdigest.invalid"
    return f"<edition-{day.isoformat()}.{recipient_id(day, address)}@{domain}>"


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str = ""


def body(parts: tuple[str, str]) -> bytes:
    """The multipart body (text, then HTML) with its MIME headers, encoded once for every
    recipient of the same picks."""
    text, html = parts
    message = EmailMessage(policy=email.policy.SMTP)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message.as_bytes()


def recipient_headers(headers: ListHeaders, recipient: Recipient, subject: str, ident: str) -> EmailMessage:
    """The headers of the message to `recipient` (no body); `ident` is its Message-ID."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = headers.sender
    message["To"] = email.utils.formataddr((one_line(recipient.name), recipient.address))
    if headers.reply_to:
        message["Reply-To"] = headers.reply_to
    message["Subject"] = one_line(subject)
    message["Date"] = email.utils.formatdate(usegmt=True)
    message["Message-ID"] = ident
    name = one_line(headers.list_name).replace('"', "").replace("\\", "")
    message["List-Id"] = f'"{name}" <{headers.list_id}>' if name else f"<{headers.list_id}>"
    unsubscribe = [f"<mailto:{headers.unsubscribe_mailto}?subject=unsubscribe>"]
    if headers.unsubscribe_url:
        unsubscribe.append(f"<{headers.unsubscribe_url.replace('{address}', quote(recipient.address, safe='@'))}>")
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["List-Unsubscribe"] = ", ".join(unsubscribe)
    return message


def build_message(headers: ListHeaders, recipient: Recipient, subject: str, encoded_body: bytes, ident: str) -> bytes:
    """The whole message to `recipient`, as it goes to the server: its headers, then `encoded_body` (`body`)."""
    head = recipient_headers(headers, recipient, subject, ident).as_bytes()
    return head.removesuffix(b"\r\n") + encoded_body
