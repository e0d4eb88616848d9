"""WebSub: with WEBSUB_HUB set, every feed names the hub, and `newsdigest publish` pings it
(hub.mode=publish) for each feed whose bytes changed in that deploy, and only those; a hub that
fails is reported, the deploy stands, and the next publish tells it again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from xml.etree import ElementTree

import feedparser
import pytest

from newsdigest.site.feeds import is_feed_file

from conftest import NEWSDIGEST, Site, require, tree

SITEURL = "https://digest.example.org"
ATOM_LINK = "{http://www.w3.org/2005/Atom}link"


class Hub:
    """A local WebSub hub that records each publish ping (and answers `status`)."""

    def __init__(self):
        self.pings: list[dict] = []
        self.status = 204
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                hub.pings.append({**parse_qs(body), "type": self.headers.get("Content-Type")})
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def taken(self) -> list[str]:
        """The feed addresses pinged since the last call, each ping checked."""
        found = []
        for ping in self.pings:
            assert ping["hub.mode"] == ["publish"] and ping["type"] == "application/x-www-form-urlencoded"
            found += ping["hub.url"]
        self.pings.clear()
        return sorted(found)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hub():
    running = Hub()
    yield running
    running.close()


def test_every_feed_declares_the_hub(site):
    site.add_article("story", title="Story", tags=["Mali"], date="2015-11-21T12:00:00Z")
    site.build(SITEURL=SITEURL, WEBSUB_HUB="https://hub.example/")
    for feed in ("feeds/all", "tags/mali/feed", "editions/feed"):
        rss = ElementTree.parse(site.output / f"{feed}.rss.xml").getroot().find("channel")
        links = {link.get("rel"): link.get("href") for link in rss.findall(ATOM_LINK)}
        assert links == {"self": f"{SITEURL}/{feed}.rss.xml", "hub": "https://hub.example/"}
        atom = {
            link.rel: link.href for link in feedparser.parse((site.output / f"{feed}.atom.xml").read_bytes()).feed.links
        }
        assert atom["self"] == f"{SITEURL}/{feed}.atom.xml" and atom["hub"] == "https://hub.example/"
        document = json.loads((site.output / f"{feed}.json").read_text())
        assert document["hubs"] == [{"type": "WebSub", "url": "https://hub.example/"}]
        assert document["feed_url"] == f"{SITEURL}/{feed}.json"


def publish(site: Site, hub_url: str, target) -> subprocess.CompletedProcess:
    settings = site.settings_file(SITEURL=SITEURL, RELATIVE_URLS=False, WEBSUB_HUB=hub_url)
    return subprocess.run(
        [str(NEWSDIGEST), "publish", *site.cli_options(settings), "--to", str(target)],
        cwd=site.root,
        capture_output=True,
        text=True,
        env=os.environ,
    )


def feeds_of(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if is_feed_file(name)}


@pytest.mark.slow  # three builds and deploys
def test_publish_pings_the_hub_for_the_feeds_that_changed_and_only_those(site, hub):
    require(shutil.which("rsync") is not None, "rsync is not installed (apt-get install rsync)")
    site.add_article("mali", title="Mali story", tags=["Mali"], section="World", date="2015-11-21T12:00:00Z")
    site.add_article(
        "markets", title="Markets story", tags=["Markets"], section="Business", date="2015-11-20T12:00:00Z"
    )
    deployed = site.root / "deployed"

    first = publish(site, hub.url, deployed)
    assert first.returncode == 0, first.stderr
    before = feeds_of(tree(deployed))
    assert hub.taken() == sorted(f"{SITEURL}/{name}" for name in before)  # a first deploy: every feed
    assert {"feeds/all.atom.xml", "tags/mali/feed.rss.xml", "sections/business/feed.json"} <= set(before)

    story = site.content / "articles/mali.md"
    story.write_text(story.read_text().replace("Body text.", "A new paragraph about Mali."))
    hub.status = 500  # the hub fails: reported, the deploy stands
    second = publish(site, hub.url, deployed)
    assert second.returncode == 0, second.stderr
    after = feeds_of(tree(deployed))
    changed = sorted(f"{SITEURL}/{name}" for name in after if before.get(name) != after[name])
    assert changed and hub.taken() == changed  # exactly the feeds whose bytes changed
    assert not any("markets" in url or "business" in url for url in changed)
    assert "WebSub" in second.stderr and "HTTP 500" in second.stderr and "published" in second.stdout

    hub.status = 204  # the next publish, with nothing changed, tells the hub what it missed, and no more
    third = publish(site, hub.url, deployed)
    assert third.returncode == 0, third.stderr
    assert hub.taken() == changed
    fourth = publish(site, hub.url, deployed)
    assert fourth.returncode == 0 and hub.taken() == []


def test_an_unreachable_hub_never_fails_the_deploy(site, tmp_path):
    from newsdigest.deploy import websub

    folder = tmp_path / "site"
    (folder / "feeds").mkdir(parents=True)
    (folder / "feeds/all.atom.xml").write_text("<feed/>")
    (folder / "feeds/all.json").write_text("{}")
    (folder / "index.html").write_text("<p>not a feed</p>")
    record = tmp_path / "websub.json"
    pinged = websub.announce(folder, SITEURL, "http://127.0.0.1:9/hub", record, "target")  # nothing listens
    assert sorted(pinged.changed) == [f"{SITEURL}/feeds/all.atom.xml", f"{SITEURL}/feeds/all.json"]
    assert len(pinged.failed) == 2 and "not tried" in pinged.failed[1][1]
    assert json.loads(record.read_text()) == {"target": {}}  # both are pinged again next time
