"""A built site served by a real web server: Debian's nginx, as www-data (not the user who built
it), with the server files the build writes. Every page, feed and asset answers 200 with its
right Content-Type, a missing address the site's 404 page, an old address its redirect, a story
gone 410."""

import os

import pytest

from conftest import Site
from web_server import expected_type, fetch, nginx, project_folder, site_urls

pytestmark = pytest.mark.slow

SITEURL = "https://digest.example.org"


def build_fixture_site(site: Site) -> dict[str, str]:
    """Stories of every kind, then edits that move, remove and alias some; returns the old
    addresses that must redirect -> their new address."""
    site.add_article(
        "lead",
        title="Mali hunts suspects after hotel siege",
        tags=["Mali", "Bamako"],
        section="World",
        source="VICE News",
        featured=True,
        note="Why it matters.",
        image="/images/photo.svg",
        date="2015-11-21T17:01:00-05:00",
    )
    site.add_article(
        "french",
        title="Le pont rouvre lundi",
        lang="fr",
        tags=["Lyon"],
        section="Europe",
        source="Le Monde",
        date="2015-11-21T08:00:00+01:00",
    )
    site.add_article("doomed", title="A story retracted", tags=["Mali"], date="2015-11-20T09:00:00Z")
    site.add_article("renamed", title="Bridges over rivers", date="2015-11-20T10:00:00Z")
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout this digest.\n")
    site.write("editions/2015-11-21.md", "---\ntitle: Saturday\n---\nA busy day.\n")
    site.write("images/photo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>')
    site.build(SITEURL=SITEURL)
    site.add_article("renamed", title="Bridges over wide rivers", date="2015-11-20T10:00:00Z")
    site.add_article("doomed", title="A story retracted", tags=["Mali"], date="2015-11-20T09:00:00Z", status="gone")
    site.add_article(
        "french",
        title="Le pont rouvre lundi",
        lang="fr",
        tags=["Lyon"],
        section="Europe",
        source="Le Monde",
        date="2015-11-21T08:00:00+01:00",
        aliases=["/2015/11/21/pont/"],
    )
    site.build(SITEURL=SITEURL)
    return {
        "/2015/11/20/bridges-over-rivers/": "/2015/11/20/bridges-over-wide-rivers/",
        "/2015/11/21/pont/": "/2015/11/21/le-pont-rouvre-lundi/",
    }


def test_nginx_serves_every_file_with_its_type_the_404_page_redirects_and_410s():
    with project_folder() as root:
        site = Site(root)
        redirects = build_fixture_site(site)
        live = site.output.resolve()
        not_found = (live / "404.html").read_bytes()
        with nginx(site.output, rules=site.output) as server:
            urls = site_urls(live)
            assert {
                "/feeds/all.rss.xml",
                "/feeds/all.atom.xml",
                "/feeds/all.json",
                "/sitemap.xml",
                "/theme/css/site.css",
                "/images/photo.svg",
                "/editions/2015-11-21/email.txt",
            } <= urls.keys()
            assert redirects.keys() <= urls.keys()  # the redirect pages, for servers without the rules
            for address, path in urls.items():
                status, headers, body = fetch(server + address)
                if address in redirects:
                    assert (status, headers["location"]) == (301, server + redirects[address]), address
                    continue
                assert status == 200 and body == path.read_bytes(), address
                if expected_type(address):
                    assert headers["content-type"] in expected_type(address), (address, headers["content-type"])

            for old, new in redirects.items():
                for spelling in (old, old.rstrip("/"), old + "index.html"):
                    status, headers, _ = fetch(server + spelling)
                    assert (status, headers["location"]) == (301, server + new), spelling
                assert fetch(server + new)[0] == 200
            status, headers, body = fetch(server + "/2015/11/20/a-story-retracted/")
            assert (status, body) == (410, not_found)
            status, headers, body = fetch(server + "/no/such/page/")
            assert (status, headers["content-type"], body) == (404, "text/html; charset=utf-8", not_found)


def test_a_site_built_under_a_private_umask_is_refused_to_the_server_as_it_should_be():
    """The control: nginx really runs as another user, whom modes bind. A site built under umask
    077 is private, and answers 403; the same site under umask 022 (above) answers 200."""
    with project_folder() as root:
        site = Site(root)
        site.add_article("story", title="Story")
        previous = os.umask(0o077)
        try:
            site.build(SEARCH_ENABLED=False)
        finally:
            os.umask(previous)
        with nginx(site.output) as server:
            assert fetch(server + "/2015/11/21/story/")[0] == 403
