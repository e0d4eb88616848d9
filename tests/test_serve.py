"""`newsdigest serve` serves the built site on localhost and rebuilds when a story changes."""

import contextlib
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

import psutil
import pytest

from conftest import NEWSDIGEST, Site, tree

pytestmark = pytest.mark.slow  # a server process, waiting for it to notice edits and rebuild


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def test_serve_rebuilds_on_change(site):
    story = site.add_article("story", title="Original headline")
    port = free_port()
    server = start_serve(site, port, site.root / "serve.log")
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_for(lambda: "Original headline" in fetch(url))
        story.write_text(story.read_text().replace("Original headline", "Updated headline"))
        assert wait_for(lambda: "Updated headline" in fetch(url))
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_goes_on_after_any_failed_rebuild_and_ignores_editor_lock_files(site):
    story = site.add_article("story", title="Original headline")
    port = free_port()
    log = site.root / "serve.log"
    server = start_serve(site, port, log)
    settings = site.root / "settings.py"  # the file start_serve wrote (Site.settings_file)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_for(lambda: "Original headline" in fetch(url))
        # An editor's lock: a link to nowhere named like a story, which the build must not read.
        (site.content / "articles/.#story.md").symlink_to("curator@laptop.4242:1700000000")
        story.write_text(story.read_text().replace("Original headline", "Second headline"))
        assert wait_for(lambda: "Second headline" in fetch(url)), log.read_text()

        good_settings = settings.read_text()
        settings.write_text(good_settings + "this is not Python(\n")  # fails outside Pelican's run
        assert wait_for(lambda: "SyntaxError" in log.read_text()), log.read_text()
        assert "Second headline" in fetch(url)  # the last good site is still served
        settings.write_text(good_settings)
        story.write_text(story.read_text().replace("Second headline", "Third headline"))
        assert wait_for(lambda: "Third headline" in fetch(url)), log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)


def start_serve(site, port: int, log, *options: str, **settings) -> subprocess.Popen:
    with open(log, "w") as printed:
        return subprocess.Popen(
            [
                str(NEWSDIGEST),
                "serve",
                "--content",
                str(site.content),
                "--output",
                str(site.output),
                "--port",
                str(port),
                "--settings",
                str(site.settings_file(**{"SEARCH_ENABLED": False, **settings})),
                *options,
            ],
            cwd=site.root,
            stdout=printed,
            stderr=subprocess.STDOUT,
        )


def test_serve_answers_like_the_web_server_and_prints_a_line_per_rebuild(site):
    story = site.add_article("story", title="Original headline")
    port = free_port()
    log = site.root / "serve.log"
    server = start_serve(site, port, log)
    try:
        url = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: "Original headline" in fetch(url + "/"))
        listening = {
            connection.laddr
            for connection in psutil.Process(server.pid).net_connections("inet")
            if connection.status == psutil.CONN_LISTEN
        }
        assert listening == {("127.0.0.1", port)}  # this machine only, unless --bind says otherwise
        with urllib.request.urlopen(url + "/feeds/all.rss.xml", timeout=5) as response:
            assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        with urllib.request.urlopen(url + "/2015/11/21/original-headline/", timeout=5) as response:
            assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        for missing in ("/no/such/page/", "/2015/"):  # a folder without a page is not listed either
            try:
                urllib.request.urlopen(url + missing, timeout=5)
                raise AssertionError(f"{missing} answered")
            except urllib.error.HTTPError as error:
                assert error.code == 404 and error.read() == (site.output / "404.html").read_bytes()

        story.write_text(story.read_text().replace("Original headline", "Updated headline"))
        assert wait_for(lambda: "Updated headline" in fetch(url + "/"))
        line = r"\d\d:\d\d:\d\d content/articles/story\.md: rebuilt: \d+ pages rendered, \d+ files changed in \d+\.\d s"
        assert wait_for(lambda: re.search(line, log.read_text())), log.read_text()
        story.write_text("---\ntitle: [unclosed\n---\n")
        failed = (
            r"content/articles/story\.md: build failed: 1 problem; still serving the last good site "
            r"in .* \(1 error above\)"
        )
        assert wait_for(lambda: re.search(failed, log.read_text())), log.read_text()
        assert not (site.content / "addresses.yml").exists()  # a preview publishes no address
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_listens_where_bind_says(site):
    site.add_article("story", title="Story")
    port = free_port()
    server = start_serve(site, port, site.root / "serve.log", "--bind", "0.0.0.0")
    try:
        assert wait_for(lambda: "Story" in fetch(f"http://127.0.0.1:{port}/"))
        assert {
            connection.laddr
            for connection in psutil.Process(server.pid).net_connections("inet")
            if connection.status == psutil.CONN_LISTEN
        } == {("0.0.0.0", port)}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_answers_old_addresses_as_the_web_server_does(site):
    site.add_article("moving", title="Bridges over rivers", date="2015-11-20T10:00:00Z")
    site.add_article("doomed", title="A story retracted", date="2015-11-20T09:00:00Z")
    site.build()  # both addresses published
    site.add_article("moving", title="Bridges over wide rivers", date="2015-11-20T10:00:00Z")
    site.add_article("doomed", title="A story retracted", date="2015-11-20T09:00:00Z", status="gone")
    port = free_port()
    server = start_serve(site, port, site.root / "serve.log")
    try:
        url = f"http://127.0.0.1:{port}"
        new = "/2015/11/20/bridges-over-wide-rivers/"
        assert wait_for(lambda: "Bridges over wide rivers" in fetch(url + new))
        old = "/2015/11/20/bridges-over-rivers/"
        no_redirects = urllib.request.build_opener(NoRedirect)
        for spelling in (old, old.rstrip("/"), old + "index.html"):  # as nginx's rules take them
            try:
                no_redirects.open(url + spelling, timeout=5)
                raise AssertionError(f"{spelling} answered without a redirect")
            except urllib.error.HTTPError as error:
                assert (error.code, error.headers["Location"]) == (301, new), spelling
        assert "Bridges over wide rivers" in fetch(url + old)  # a browser follows it
        try:
            urllib.request.urlopen(url + "/2015/11/20/a-story-retracted/", timeout=5)
            raise AssertionError("a story gone answered")
        except urllib.error.HTTPError as error:
            assert error.code == 410 and error.read() == (site.output / "404.html").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_serve_shows_an_edit_on_its_page_first_and_ends_byte_identical_to_a_cold_build(site, tmp_path):
    story = site.add_article(
        "lead", "A first paragraph.", title="Mali hunts suspects", note="First note.", tags=["Mali"]
    )
    site.add_article("other", title="Bridges over rivers", tags=["Mali"], date="2015-11-20T10:00:00Z")
    port = free_port()
    log = site.root / "serve.log"
    server = start_serve(site, port, log, RELATIVE_URLS=False)
    shown, rebuilt = "lead.md: its page shows the edit", ": rebuilt: "

    def printed(text: str) -> int:
        return log.read_text().count(text)

    try:
        assert wait_for(lambda: printed(rebuilt) == 1)
        edits = [
            ("note", lambda text: text.replace("First note.", "A second note."), True),
            ("body", lambda text: text.replace("A first paragraph.", "A first paragraph, edited."), True),
            ("headline", lambda text: text.replace("Mali hunts suspects", "Mali hunts two suspects"), False),
        ]
        for number, (what, edit, at_once) in enumerate(edits, start=1):
            story.write_text(edit(story.read_text()))
            assert wait_for(lambda builds=1 + number: printed(rebuilt) == builds), (what, log.read_text())
            assert printed(shown) == (number if at_once else number - 1), (what, log.read_text())
        lines = log.read_text().splitlines()
        first_shown = next(n for n, line in enumerate(lines) if shown in line)
        assert sum(rebuilt in line for line in lines[:first_shown]) == 1  # shown before the note's rebuild
    finally:
        server.terminate()
        server.wait(timeout=10)
    page = site.output / "2015/11/21/mali-hunts-two-suspects/index.html"
    assert "A second note." in page.read_text() and "edited." in page.read_text()
    served = tree(site.output)
    cold = Site(tmp_path / "cold")
    shutil.rmtree(cold.content)
    cold.content = site.content
    cold.build(SEARCH_ENABLED=False)
    assert served == tree(cold.output)


def test_serve_shows_an_edit_at_once_when_the_content_folder_is_reached_through_a_link(site):
    """A project kept behind a symbolic link (a synced folder, a home on another disk): the story
    the watcher names by its real path is the story the build read by the link's."""
    story = site.add_article("lead", "A first paragraph.", title="Mali hunts suspects", note="First note.")
    link = site.root / "content-by-a-link"
    link.symlink_to(site.content, target_is_directory=True)
    site.content = link
    port = free_port()
    log = site.root / "serve.log"
    server = start_serve(site, port, log)
    try:
        assert wait_for(lambda: log.read_text().count(": rebuilt: ") == 1), log.read_text()
        story.write_text(story.read_text().replace("First note.", "A second note."))
        assert wait_for(lambda: log.read_text().count(": rebuilt: ") == 2), log.read_text()
        assert "lead.md: its page shows the edit" in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "A second note." in (site.output / "2015/11/21/mali-hunts-suspects/index.html").read_text()


def raw_request(port: int, request: bytes, seconds: float = 5.0) -> bytes:
    """Send `request` as it is (no client quoting it) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as connection:
        connection.sendall(request)
        answer = b""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and (chunk := connection.recv(65536)):
            answer += chunk
        return answer


def closed_by_server(connection: socket.socket, seconds: float) -> bool:
    """Whether the server closes `connection` within `seconds` (it sends nothing meanwhile)."""
    connection.settimeout(seconds)
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


MALFORMED_PATHS = {
    "a NUL byte": b"/%00",
    "a byte that is not UTF-8": b"/%ff",
    "a raw control character": b"/\x01",
    "a raw control character str.split takes for a space": b"/index.html\x1f",
    "an encoded NUL in a folder name": b"/2015%00/",
    "'..' percent-encoded": b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "'..' with encoded slashes": b"/..%2f..%2f..%2fetc%2fpasswd",
    "'..' with encoded backslashes": b"/..%5c..%5cwindows",
    "an over-long path": b"/" + b"a" * 5000,
}


def test_serve_answers_malformed_paths_400_without_a_traceback(site):
    site.add_article("story", title="Story")
    port = free_port()
    log = site.root / "serve.log"
    server = start_serve(site, port, log)
    try:
        assert wait_for(lambda: "Story" in fetch(f"http://127.0.0.1:{port}/"))
        for case, path in MALFORMED_PATHS.items():
            answer = raw_request(port, b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert answer.startswith(b"HTTP/1.0 400 "), (case, answer[:200])
        assert "Story" in fetch(f"http://127.0.0.1:{port}/")  # still serving
        assert "Traceback" not in log.read_text() and "Error" not in log.read_text(), log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_closes_idle_connections_and_500_of_them_neither_starve_it_nor_take_500_threads(site):
    site.add_article("story", title="Story")
    port = free_port()
    server = start_serve(site, port, site.root / "serve.log")
    idle: list[socket.socket] = []
    try:
        url = f"http://127.0.0.1:{port}/"
        assert wait_for(lambda: "Story" in fetch(url))
        threads_before = psutil.Process(server.pid).num_threads()
        opened = time.monotonic()
        for _ in range(500):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        slow = socket.create_connection(("127.0.0.1", port), timeout=5)
        idle.append(slow)
        slow.sendall(b"GET / HTTP/1.1\r\n")  # then a header a second: never a whole request
        started = time.monotonic()
        assert "Story" in fetch(url) and time.monotonic() - started < 3
        assert psutil.Process(server.pid).num_threads() <= threads_before + 2
        for _ in range(3):
            time.sleep(1)
            with contextlib.suppress(OSError):
                slow.sendall(b"X-Slow: 1\r\n")
        # REQUEST_SECONDS (5 s) after they connected, the server has closed every one.
        remaining = max(0.1, opened + 9 - time.monotonic())
        assert closed_by_server(idle[0], remaining) and closed_by_server(slow, 2)
        assert sum(closed_by_server(connection, 0.1) for connection in idle[1:-1]) == 499
        assert "Story" in fetch(url)
    finally:
        for connection in idle:
            connection.close()
        server.terminate()
        server.wait(timeout=10)
