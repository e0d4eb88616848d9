"""`newsdigest publish --to FOLDER` stages the new site beside the folder and swaps it in: killed
at any moment, the folder is the old site or the new one, whole, and the next run cleans up."""

import os
import signal
import subprocess
import time

import psutil
import pytest

from newsdigest.build.stop_points import ENVIRONMENT_VARIABLE
from newsdigest.deploy.targets import OLD_MARK, STAGING_MARK, STOP_POINTS, remote_swap_command

from conftest import NEWSDIGEST, Site, tree

pytestmark = pytest.mark.slow

SITEURL = "https://digest.example.org"


def publish_command(site: Site, destination: str) -> list[str]:
    settings = site.settings_file(SITEURL=SITEURL, RELATIVE_URLS=False, SEARCH_ENABLED=False)
    return [
        str(NEWSDIGEST),
        "publish",
        *site.cli_options(settings),
        "--to",
        destination,
    ]


def publish(site: Site, destination: str, env: dict | None = None) -> None:
    result = subprocess.run(
        publish_command(site, destination),
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def wait_until_stopped(process: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"publish ended (exit {process.returncode}) before its stop point")
        if psutil.Process(process.pid).status() == psutil.STATUS_STOPPED:
            return
        time.sleep(0.05)
    raise AssertionError("publish never reached its stop point")


def two_versions(site: Site) -> None:
    """The first version of the site; the second comes from `edit`."""
    site.add_article("kept", title="Kept story", date="2015-11-20T10:00:00Z", body="Unchanged.")
    site.add_article("edited", title="Edited story", date="2015-11-21T10:00:00Z", body="First text.")
    site.add_article("removed", title="Removed story", date="2015-11-19T10:00:00Z", body="Going away.")


def edit(site: Site) -> None:
    story = site.content / "articles/edited.md"
    story.write_text(story.read_text().replace("First text.", "Second text, longer than the first."))
    (site.content / "articles/removed.md").unlink()
    site.add_article("added", title="Added story", date="2015-11-22T10:00:00Z", body="New.")


def beside(folder) -> set[str]:
    return {path.name for path in folder.parent.iterdir() if path.name.startswith(folder.name)}


@pytest.mark.parametrize("point", STOP_POINTS)
def test_a_publish_killed_at_any_moment_leaves_the_old_site_or_the_new_whole(tmp_path, point):
    site = Site(tmp_path / "project")
    two_versions(site)
    deployed = tmp_path / "www" / "digest"
    publish(site, str(deployed))
    old = tree(deployed)
    edit(site)
    process = subprocess.Popen(
        publish_command(site, str(deployed)),
        cwd=site.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, ENVIRONMENT_VARIABLE: point},
    )
    try:
        wait_until_stopped(process)
        new = tree(site.output)
        assert new != old and new.keys() != old.keys()
        stopped = tree(deployed)
        assert stopped == (new if point == "deploy-swapped" else old)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    time.sleep(0.2)  # rsync, killed with it by the kernel, is gone
    assert tree(deployed) == (new if point == "deploy-swapped" else old) and not deployed.is_symlink()
    publish(site, str(deployed))  # the next run cleans up after the killed one
    assert tree(deployed) == tree(site.output) == new
    assert beside(deployed) == {"digest"}


def test_a_publish_after_a_run_killed_between_its_two_renames_or_mid_copy_restores_and_finishes(tmp_path):
    site = Site(tmp_path / "project")
    two_versions(site)
    deployed = tmp_path / "www" / "digest"
    publish(site, str(deployed))
    old = tree(deployed)
    # What a run killed where the exchange is not available leaves: the old site renamed away,
    # the new not yet in, and a staging folder half full of files that belong to no site.
    deployed.rename(deployed.with_name("digest" + OLD_MARK))
    staging = deployed.with_name("digest" + STAGING_MARK)
    (staging / "2015").mkdir(parents=True)
    (staging / "index.html").write_text("half a page")
    (staging / "2015" / ".stray.html.x1Y2z3").write_text("an rsync temporary file")
    edit(site)
    publish(site, str(deployed))
    assert tree(deployed) == tree(site.output) != old
    assert beside(deployed) == {"digest"}


def test_a_publish_to_a_server_stages_beside_the_folder_and_swaps_it_in_with_one_ssh_command(tmp_path):
    site = Site(tmp_path / "project")
    two_versions(site)
    shell = tmp_path / "remote-shell"  # ssh's stand-in: the words joined and run by a shell, as sshd does
    shell.write_text('#!/bin/sh\nif [ "$1" = -l ]; then shift 2; fi\nshift\nexec sh -c "$*"\n')
    shell.chmod(0o755)
    remote = tmp_path / "remote" / "my digest"
    remote.parent.mkdir()
    publish(site, f"curator@server.example:{remote}", env={"RSYNC_RSH": str(shell)})
    assert tree(remote) == tree(site.output)
    staging = remote.with_name(remote.name + STAGING_MARK)
    staging.mkdir()
    (staging / "stray.html").write_text("left by a killed run")  # brought up to date, not trusted
    edit(site)
    publish(site, f"curator@server.example:{remote}", env={"RSYNC_RSH": str(shell)})
    assert tree(remote) == tree(site.output)
    assert beside(remote) == {"my digest"}
    command = remote_swap_command(f"{remote}/")
    assert f"mv -T '{remote}' '{remote}{OLD_MARK}'; fi; mv -T '{remote}{STAGING_MARK}' '{remote}'; rm -rf" in command
