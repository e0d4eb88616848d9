"""`newsdigest serve` serves the built site on localhost and rebuilds when a story changes."""

import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import NEWSDIGEST

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
    server = subprocess.Popen(
        [str(NEWSDIGEST), "serve", "--content", str(site.content), "--output", str(site.output), "--port", str(port),
         "--settings", str(site.settings_file())],
        cwd=site.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
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
    settings = site.settings_file()
    port = free_port()
    log = site.root / "serve.log"
    with open(log, "w") as printed:
        server = subprocess.Popen(
            [str(NEWSDIGEST), "serve", "--content", str(site.content), "--output", str(site.output),
             "--port", str(port), "--settings", str(settings)], cwd=site.root, stdout=printed, stderr=subprocess.STDOUT)
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
