"""`newsdigest serve` serves the built site on localhost and rebuilds when a story changes."""

import socket
import subprocess
import time
import urllib.request

from conftest import NEWSDIGEST


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
