"""`newsdigest edition send`: an edition's newsletter delivered through a real SMTP server (aiosmtpd,
STARTTLS on a self-signed certificate, one recipient refused), each message parsed and checked
header by header; topic digests; the send log that makes a killed send resume and send nobody
twice; the subscribers file's errors; and no address anywhere in the site or the build's log."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shutil
import signal
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsdigest.deliver import messages, settings as newsletter_settings, subscribers
from newsdigest.deliver.smtp import Pace

from conftest import NEWSDIGEST, ROOT, Site, require
from smtp_server import REFUSAL, REFUSED, smtp_server

SITEURL = "https://digest.example.org"
DAY = "2015-11-21"
SENDER = "The Daily Digest <digest@example.org>"
UNSUBSCRIBE = "https://digest.example.org/unsubscribe?who={address}"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def build_edition(site: Site) -> None:
    site.add_article(
        "mali",
        title="Mali hotel siege ends",
        section="World",
        tags=["Mali"],
        featured=True,
        date="2015-11-21T12:00:00Z",
        note="Why it matters here.",
        source="VICE News",
    )
    site.add_article(
        "markets", title="Markets rally", section="Business", tags=["Markets"], date="2015-11-21T13:00:00Z"
    )
    site.add_article("match", title="Cup final", section="Sport", tags=["Football"], date="2015-11-21T14:00:00Z")
    # a hostile edition title: a header line hidden in it must stay in the Subject, on one line
    site.write(f"editions/{DAY}.md", '---\ntitle: "Saturday\\r\\nBcc: evil@example.org"\n---\nThe *intro*.\n')
    site.build(SITEURL=SITEURL, TIMEZONE="UTC")


def write_subscribers(site: Site, rows: list[str]) -> Path:
    path = site.root / "subscribers.csv"
    path.write_text("address,name,topics\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def settings_for(site: Site, port: int, cert: Path, **overrides) -> Path:
    settings = {
        "SITEURL": SITEURL,
        "RELATIVE_URLS": False,
        "TIMEZONE": "UTC",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "starttls",
        "SMTP_CA_FILE": str(cert),
        "SMTP_MAX_PER_MINUTE": None,
        "NEWSLETTER_FROM": SENDER,
        "NEWSLETTER_REPLY_TO": "Editors <editors@example.org>",
        "NEWSLETTER_UNSUBSCRIBE_URL": UNSUBSCRIBE,
        "NEWSLETTER_SUBSCRIBERS": str(site.root / "subscribers.csv"),
    }
    return site.settings_file(**{**settings, **overrides})


def send(site: Site, settings: Path, *args: str, day: str = DAY) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NEWSDIGEST), "edition", "send", day, "--settings", str(settings), "--output", str(site.output), *args],
        cwd=site.root,
        capture_output=True,
        text=True,
    )


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.marks = [], [], []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name == "href"]
        self.images += [value for name, value in attrs if name == "src"]
        self.marks += [name for name, _ in attrs if name.startswith("data-")]


def links_of(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def parts(message) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    return text.get_content(), html.get_content()


def test_send_delivers_each_message_with_its_headers_and_topic_digests(site, tmp_path):
    build_edition(site)
    write_subscribers(
        site,
        [
            "alice@example.org,Alice Liddell,",
            'bob@example.org,"Bob, the reader",Mali;sections/business',
            "carol@example.org,,Cooking",
            f"{REFUSED},,",
        ],
    )
    edition_html = (site.output / f"editions/{DAY}/email.html").read_text()
    with smtp_server(tmp_path) as (server, port, cert):
        settings = settings_for(site, port, cert)
        result = send(site, settings)
        assert result.returncode == 1, result.stderr  # one refused
        assert f"refused: {REFUSED}: {REFUSAL}" in result.stderr
        assert "2 sent, 0 had it already, 1 with no pick under their topics, 1 refused" in result.stdout
        assert [item.recipients for item in server.received] == [["alice@example.org"], ["bob@example.org"]]
        assert all(item.encrypted and item.sender == "digest@example.org" for item in server.received)

        alice, bob = (item.message for item in server.received)
        for message, to in ((alice, "Alice Liddell <alice@example.org>"), (bob, '"Bob, the reader" <bob@example.org>')):
            address = to.rpartition("<")[2].rstrip(">")
            assert message["From"] == SENDER and message["To"] == to
            assert message["Reply-To"] == "Editors <editors@example.org>"
            assert message["Subject"] == "Saturday Bcc: evil@example.org" and "Bcc" not in message
            assert message["Message-ID"] == messages.message_id(dt.date(2015, 11, 21), address, SENDER)
            assert message["List-Id"] == '"The Daily Digest" <newsletter.digest.example.org>'
            assert message["List-Unsubscribe"] == (
                "<mailto:digest@example.org?subject=unsubscribe>, "
                f"<https://digest.example.org/unsubscribe?who={address}>"
            )
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert message["Date"] and message["MIME-Version"] == "1.0"
        assert alice["Message-ID"] != bob["Message-ID"]

        text, html = parts(alice)
        found, built = links_of(html), links_of(edition_html)
        assert found.links == built.links and all(link.startswith(SITEURL) for link in found.links)  # as built
        assert found.images == built.images and not found.marks  # no pixel added; the marks taken out
        assert "Mali hotel siege ends" in text and "Cup final" in text and "The intro." in text
        assert "3 stories" in html

        text, html = parts(bob)  # Mali (a tag) and the Business section: not the Sport story
        for part in (text, html):
            assert "Mali hotel siege ends" in part and "Markets rally" in part and "Cup final" not in part
            assert "intro" in part
        assert "SPORT" not in text and ">Sport<" not in html and "2 of 3 stories" in html

        again = send(site, settings)  # everyone who has it is skipped; the refused one is tried again
        assert "0 sent, 2 had it already" in again.stdout and len(server.received) == 2
        assert f"refused: {REFUSED}" in again.stderr


def test_dry_run_lists_who_gets_what_and_test_copies_go_to_the_curator_only(site, tmp_path):
    build_edition(site)
    write_subscribers(site, ["alice@example.org,,", "bob@example.org,,Football", "carol@example.org,,Cooking"])
    with smtp_server(tmp_path) as (server, port, cert):
        settings = settings_for(site, port, cert)
        dry = send(site, settings, "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.splitlines() == [
            "alice@example.org: the edition (3 picks)",
            "bob@example.org: a topic digest (1 of 3 picks: Football)",
            "carol@example.org: nothing (no pick under Cooking)",
            "2 of 3 subscribers would get a message now (dry run: none sent)",
        ]
        test = send(site, settings, "--test", "curator@example.org")
        assert test.returncode == 0, test.stderr
        [copy] = server.received
        assert copy.recipients == ["curator@example.org"] and copy.message["Subject"].startswith("[test] ")
        assert not (site.root / ".cache/newsletter").exists() or not any((site.root / ".cache/newsletter").iterdir())
        assert "alice@example.org: the edition" in send(site, settings, "--dry-run").stdout  # still to be sent


@pytest.mark.slow  # a send killed outright, then run again
def test_a_send_killed_midway_resumes_and_delivers_each_message_once(site, tmp_path):
    build_edition(site)
    count = 12
    write_subscribers(site, [f"reader{number}@example.org,," for number in range(count)])
    log = site.root / f".cache/newsletter/{DAY}.jsonl"
    with smtp_server(tmp_path) as (server, port, cert):
        settings = settings_for(site, port, cert, SMTP_MAX_PER_MINUTE=240)  # one every 0.25 s
        command = [str(NEWSDIGEST), "edition", "send", DAY, "--settings", str(settings), "--output", str(site.output)]
        process = subprocess.Popen(command, cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            if log.is_file() and log.read_text().count("\n") >= 4:
                break
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_after = len(server.received)
        assert 4 <= killed_after < count, killed_after
        result = send(site, settings, *[])
        assert result.returncode == 0, result.stderr
        assert f"{count - killed_after} sent, {killed_after} had it already" in result.stdout
        delivered = sorted(item.recipients[0] for item in server.received)
        assert delivered == sorted(f"reader{number}@example.org" for number in range(count))  # each once
        assert "reader" not in log.read_text()  # the log names recipients by a digest, no address


def test_subscriber_file_errors_name_the_file_and_the_line(tmp_path):
    csv_file = tmp_path / "subscribers.csv"
    csv_file.write_text(
        "# readers\naddress,name,topics\nok@example.org,,\nnot an address,,\n\nok@EXAMPLE.org,,\n"
        "x@example.org,Name,Topic,extra\n",
        encoding="utf-8",
    )
    with pytest.raises(subscribers.SubscribersError) as raised:
        subscribers.load(csv_file)
    shown = str(csv_file)
    assert raised.value.problems == [
        f"{shown}:4: 'not an address' is not an email address",
        f"{shown}:6: ok@EXAMPLE.org is listed already, on line 3",
        f"{shown}:7: 4 fields, but the header names 3",
    ]
    yaml_file = tmp_path / "subscribers.yml"
    yaml_file.write_text(
        "subscribers:\n  - a@example.org\n  - address: b@example.org\n    topics: [Mali, World]\n"
        "  - adress: c@example.org\n  - address: d@example\n",
        encoding="utf-8",
    )
    with pytest.raises(subscribers.SubscribersError) as raised:
        subscribers.load(yaml_file)
    assert raised.value.problems == [
        f"{yaml_file}:5: unknown field 'adress' (the fields are address, name, topics)",
        f"{yaml_file}:6: 'd@example' is not an email address",
    ]
    yaml_file.write_text("- a@example.org\n- address: b@example.org\n  topics: [Mali, World]\n  name: B\n")
    assert subscribers.load(yaml_file) == [
        subscribers.Subscriber("a@example.org", line=1),
        subscribers.Subscriber("b@example.org", "B", ("Mali", "World"), line=2),
    ]
    yaml_file.write_text("- a@example.org\n- [unclosed\n")
    with pytest.raises(subscribers.SubscribersError, match=rf"{yaml_file}:3: not YAML"):
        subscribers.load(yaml_file)


def test_settings_refuse_a_password_in_a_file_and_clear_text_to_another_machine(site, tmp_path, monkeypatch):
    read = newsletter_settings.Settings.from_settings
    problems = newsletter_settings.problems
    mapping = {"SMTP_HOST": "smtp.example.org", "NEWSLETTER_FROM": SENDER, "SMTP_PASSWORD": "hunter2"}
    assert any("SMTP_PASSWORD" in line and "never" in line for line in problems(read(mapping), mapping))
    mapping = {"SMTP_HOST": "smtp.example.org", "SMTP_SECURITY": "none", "NEWSLETTER_FROM": SENDER}
    assert any("sends in clear" in line for line in problems(read(mapping), mapping))
    mapping = {"SMTP_HOST": "smtp.example.org", "SMTP_USER": "me", "NEWSLETTER_FROM": SENDER}
    monkeypatch.delenv("NEWSDIGEST_SMTP_PASSWORD", raising=False)
    assert problems(read(mapping), mapping) == [
        "SMTP_USER is set: give its password in the environment variable NEWSDIGEST_SMTP_PASSWORD"
    ]
    monkeypatch.setenv("NEWSDIGEST_SMTP_PASSWORD", "from the environment")
    assert problems(read(mapping), mapping) == []
    mapping = {"SMTP_HOST": "127.0.0.1", "NEWSLETTER_FROM": "Digest <a@b.org>\r\nBcc: x@example.org"}
    assert any("control character" in line for line in problems(read(mapping), mapping))


def test_no_address_reaches_the_site_its_feeds_or_the_build_log(site, tmp_path):
    """The build never reads the subscribers file; one inside the content folder is refused."""
    build_edition(site)
    write_subscribers(site, ["secret.reader@example.org,Secret Reader,Mali"])
    with smtp_server(tmp_path) as (server, port, cert):
        settings = settings_for(site, port, cert)
        assert send(site, settings).returncode == 0
        assert len(server.received) == 1
        (site.content / "articles/extra.md").write_text("---\ntitle: Another story\ndate: 2015-11-21\n---\nText.\n")
        built = subprocess.run(
            [str(NEWSDIGEST), "-v", "build", *site.cli_options(settings)], cwd=site.root, capture_output=True, text=True
        )
        assert built.returncode == 0, built.stderr
        for text in (built.stdout, built.stderr):
            assert "secret.reader" not in text and "Secret Reader" not in text
        for path in site.output.resolve().rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert b"secret.reader" not in data and b"Secret Reader" not in data, path
        inside = site.content / "subscribers.csv"
        shutil.copy(site.root / "subscribers.csv", inside)
        refused = send(site, settings, "--subscribers", str(inside))
        assert refused.returncode == 2 and "inside" in refused.stderr and "secret.reader" not in refused.stderr


def test_pace_spaces_messages_evenly():
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    pace = Pace(120, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        pace.wait()
    assert slept == [0.5, 0.5, 0.5]
    assert Pace(None).interval == 0


def test_a_recipient_name_cannot_inject_headers():
    headers = messages.ListHeaders(SENDER, "newsletter.example.org", "Digest", "digest@example.org")
    data = messages.build_message(
        headers,
        messages.Recipient("a@example.org", "Eve\r\nBcc: victim@example.org"),
        "Title\nX-Injected: yes",
        messages.body(("text", "<p>html</p>")),
        "<id@example.org>",
    )
    assert b"\nBcc:" not in data and b"\nX-Injected:" not in data
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message["Subject"] == "Title X-Injected: yes" and message["To"].addresses[0].addr_spec == "a@example.org"
    assert "List-Unsubscribe-Post" not in message  # no https address configured: mailto alone
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


@pytest.mark.slow  # the W3C checker starts a Java VM
def test_the_message_html_passes_the_w3c_checker(site, tmp_path):
    require(
        VNU.is_file() and shutil.which("java") is not None,
        "the W3C checker needs node_modules/vnu-jar (npm ci, run by make test) and java",
    )
    build_edition(site)
    newsletter = messages.read_newsletter(site.output / f"editions/{DAY}", dt.date(2015, 11, 21))
    pages = []
    for name, keep in (("whole", None), ("digest", messages.chosen(newsletter, ("Mali",)))):
        page = tmp_path / f"{name}.html"
        page.write_text(messages.html_part(newsletter, keep), encoding="utf-8")
        pages.append(page)
    assert "Markets rally" not in pages[1].read_text()
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *map(str, pages)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr


def test_the_edition_command_still_prints_the_paths(site):
    build_edition(site)
    result = subprocess.run(
        [str(NEWSDIGEST), "edition", DAY, "--output", str(site.output)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0 and result.stdout.split() == [
        str(site.output / f"editions/{DAY}/email.html"),
        str(site.output / f"editions/{DAY}/email.txt"),
    ]
    wrong = subprocess.run([str(NEWSDIGEST), "edition", "send"], capture_output=True, text=True, cwd=ROOT)
    assert wrong.returncode == 2 and re.search("send needs the edition's date", wrong.stderr)
