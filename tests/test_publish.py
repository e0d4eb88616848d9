"""`newsdigest publish`: builds with the site's address, refuses an empty or local one, and deploys
with the real tools: rsync to a folder (and through rsync's remote protocol), ghp-import to the
gh-pages branch of a git repository; each deployed site is then served by nginx."""

import os
import shutil
import stat
import subprocess

import pytest

from conftest import NEWSDIGEST, Site, require, tree
from web_server import fetch, nginx, project_folder

pytestmark = pytest.mark.slow

SITEURL = "https://digest.example.org"


def publish(site: Site, *args: str, siteurl: str = SITEURL, env: dict | None = None) -> subprocess.CompletedProcess:
    settings = site.settings_file(SITEURL=siteurl, RELATIVE_URLS=False, SEARCH_ENABLED=False)
    return subprocess.run(
        [
            str(NEWSDIGEST),
            "publish",
            *site.cli_options(settings),
            *args,
        ],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def needs(tool: str) -> None:
    require(shutil.which(tool) is not None, f"{tool} is not installed (apt-get install {tool})")


@pytest.mark.parametrize("siteurl", ["", "http://127.0.0.1:8000", "http://localhost/", "file:///srv/site"])
def test_publish_refuses_an_address_readers_cannot_reach_and_builds_nothing(site, siteurl):
    site.add_article("story", title="Story")
    result = publish(site, "--to", str(site.root / "deployed"), siteurl=siteurl)
    assert result.returncode == 1
    [line] = [line for line in result.stderr.splitlines() if line.startswith("newsdigest publish: ")]
    assert line.startswith("newsdigest publish: SITEURL") and "refusing to publish" in line
    assert not site.output.exists() and not (site.root / "deployed").exists()


def test_publish_refuses_to_empty_a_folder_that_is_no_site_or_the_project(site):
    site.add_article("story", title="Story")
    precious = site.root / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    for target in (precious, site.root, site.content):
        result = publish(site, "--to", str(target))
        assert result.returncode == 1 and "newsdigest publish: " in result.stderr, target
    assert (precious / "thesis.tex").read_text() == "years of work" and (site.content / "articles/story.md").exists()


def test_publish_to_a_folder_with_rsync_moves_only_what_changed_and_nginx_serves_it():
    needs("rsync")
    with project_folder() as root:
        site = Site(root / "project")
        for number, subject in enumerate(["Apples orchards", "Bridges rivers", "Comets telescopes"]):
            site.add_article(f"story-{number}", title=subject, date=f"2015-11-{10 + number}T10:00:00Z", body=subject)
        deployed = root / "www"
        result = publish(site, "--to", str(deployed))
        assert result.returncode == 0, result.stderr
        assert f"published {SITEURL} to {deployed}: " in result.stdout
        assert tree(deployed) == tree(site.output) and not deployed.is_symlink()
        assert all(
            stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644)
            for path in [deployed, *deployed.rglob("*")]
        )

        story = site.content / "articles/story-1.md"
        story.write_text(story.read_text() + "\nOne more paragraph.\n")
        (site.content / "articles/story-2.md").unlink()
        result = publish(site, "--to", str(deployed))
        assert result.returncode == 0, result.stderr
        sent, deleted = (int(word) for word in result.stdout.split(": ")[-1].replace(",", "").split()[::3][:2])
        assert 0 < sent < 20 and deleted > 0  # the edited page, feeds, lists; the deleted story's files
        assert tree(deployed) == tree(site.output)

        with nginx(deployed, rules=deployed) as server:
            status, _, body = fetch(server + "/2015/11/11/bridges-rivers/")
            assert status == 200 and b"One more paragraph." in body
            assert fetch(server + "/feeds/all.atom.xml")[1]["content-type"] == "application/atom+xml; charset=utf-8"
            assert fetch(server + "/2015/11/12/comets-telescopes/")[0] == 404


def test_publish_to_a_server_goes_through_rsyncs_remote_protocol(site, tmp_path):
    needs("rsync")
    site.add_article("story", title="Story")
    shell = tmp_path / "remote-shell"  # ssh's stand-in: runs the remote rsync here, as ssh would there
    # [-l user] host command...: the words joined and run by a shell, as sshd does
    shell.write_text('#!/bin/sh\nif [ "$1" = -l ]; then shift 2; fi\nshift\nexec sh -c "$*"\n')
    shell.chmod(0o755)
    result = publish(site, "--to", f"curator@server.example:{tmp_path / 'remote'}", env={"RSYNC_RSH": str(shell)})
    assert result.returncode == 0, result.stderr
    assert tree(tmp_path / "remote") == tree(site.output)


def test_publish_to_gh_pages_commits_the_site_and_pushes_it_and_nginx_serves_a_checkout():
    needs("git")
    with project_folder() as root:
        origin = root / "origin.git"
        subprocess.run(["git", "init", "--quiet", "--bare", str(origin)], check=True)
        site = Site(root / "project")
        git = ["git", "-C", str(site.root)]
        subprocess.run([*git, "init", "--quiet"], check=True)
        subprocess.run([*git, "config", "user.name", "Curator"], check=True)
        subprocess.run([*git, "config", "user.email", "curator@digest.example.org"], check=True)
        subprocess.run([*git, "remote", "add", "origin", str(origin)], check=True)
        site.add_article("story", title="Story", body="Published through a branch.")
        result = publish(site, "--to", "gh-pages")
        assert result.returncode == 0, result.stderr
        assert "on gh-pages, pushed to origin" in result.stdout

        checkout = root / "pages"
        subprocess.run(["git", "clone", "--quiet", "--branch", "gh-pages", str(origin), str(checkout)], check=True)
        shutil.rmtree(checkout / ".git")
        assert (checkout / ".nojekyll").exists() and (checkout / "CNAME").read_text().strip() == "digest.example.org"
        (checkout / ".nojekyll").unlink()
        (checkout / "CNAME").unlink()
        assert tree(checkout) == tree(site.output)
        with nginx(checkout, rules=checkout) as server:
            status, _, body = fetch(server + "/2015/11/21/story/")
            assert status == 200 and b"Published through a branch." in body
            assert fetch(server + "/missing/")[0] == 404
