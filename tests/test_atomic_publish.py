"""The output path is a link to a complete generation of the site, switched in one rename;
what crashed builds leave beside it is removed, and nothing else; rsync deploys through it."""

import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import NEWSDIGEST, Site, require, tree


def test_the_output_path_links_to_a_generation_a_web_server_can_read(site):
    site.add_article("story", title="Story")
    site.build()
    target = os.readlink(site.output)
    assert target.startswith("output.gen-") and "/" not in target  # relative: the project folder can move
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((site.root / target).stat().st_mode) == 0o777 & ~umask
    site.add_article("story", title="Story", body="Edited.")
    site.build()
    assert os.readlink(site.output) != target and site.leftovers() == []


def test_the_old_generations_folders_are_reused_without_its_files(site):
    site.add_article("story", title="Story")
    doomed = site.add_article("doomed", title="Doomed", tags=["Ephemeral"])
    site.build()
    first = site.output.resolve()
    site.add_article("story", title="Story", body="Edited.")
    site.build()
    [spare] = [path for path in site.root.iterdir() if path.name.startswith("output.spare-")]
    assert (spare / "2015/11/21/doomed").is_dir() and not [path for path in spare.rglob("*") if path.is_file()]
    assert not first.exists()
    doomed.unlink()
    site.build()
    assert not spare.exists()  # it became the new generation
    assert not (site.output / "2015/11/21/doomed").exists() and not (site.output / "tags/ephemeral").exists()
    assert (site.output / "2015/11/21/story/index.html").is_file() and site.leftovers() == []


def test_a_site_built_before_generations_is_replaced_by_a_link(site):
    site.output.mkdir()
    (site.output / "old-page.html").write_text("from an older build")
    site.add_article("story", title="Story")
    site.build()
    assert site.output.is_symlink() and not (site.output / "old-page.html").exists()
    assert (site.output / "2015/11/21/story/index.html").is_file()
    assert site.leftovers() == []


def test_leftovers_of_crashed_builds_are_removed_and_nothing_else(site):
    site.add_article("story", title="Story")
    (site.root / "output.gen-0123456789ab").mkdir()  # a generation a killed build was writing
    (site.root / "output.staging-x1y2").mkdir()  # a staging folder of builds before generations
    (site.root / "output.link-0123456789ab").symlink_to("output.gen-0123456789ab")  # a link never renamed
    (site.root / "output.bak").mkdir()  # the curator's own
    (site.root / ".cache/search-abcd/2015").mkdir(parents=True)  # pages gathered for a killed indexer
    site.build()
    assert site.leftovers() == ["output.bak"]
    assert not list((site.root / ".cache").glob("search-*"))


def test_rsync_with_a_trailing_slash_deploys_the_site_and_sends_only_what_changed(site, tmp_path):
    require(shutil.which("rsync") is not None, "rsync is not installed (apt-get install rsync)")
    for number, subject in enumerate(["Apples orchards", "Bridges rivers", "Comets telescopes"]):
        site.add_article(
            f"story-{number}", title=subject, date=f"2015-11-{10 + number}T10:00:00Z", body=subject
        )  # no shared words: no related stories to shift
    site.build()
    deployed = tmp_path / "deployed"
    subprocess.run(["rsync", "-a", "--delete", f"{site.output}/", f"{deployed}/"], check=True)
    assert not deployed.is_symlink() and tree(deployed) == tree(site.output)

    story = site.content / "articles/story-1.md"
    story.write_text(story.read_text() + "\nOne more paragraph.\n")
    site.build()
    changes = subprocess.run(
        ["rsync", "-a", "--delete", "--itemize-changes", f"{site.output}/", f"{deployed}/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    files = sorted(line.split(" ", 1)[1] for line in changes if line.startswith(">f"))  # files sent
    assert files == [
        "2015/11/11/bridges-rivers/index.html",
        "feeds/all.atom.xml",
        "feeds/all.json",
        "feeds/all.rss.xml",
    ]
    assert tree(deployed) == tree(site.output)


@pytest.fixture
def unprivileged(tmp_path):
    """A project folder, and its build run by a user whom file modes bind (root ignores them):
    `nobody`, through setpriv, when the tests run as root."""
    if os.geteuid() != 0:
        site = Site(tmp_path)
        yield site, lambda: run_build(site, [])
        return
    require(
        shutil.which("setpriv") is not None,
        "running as root, and setpriv (util-linux) is missing to run the build as another user",
    )
    nobody = pwd.getpwnam("nobody")
    root = Path(tempfile.mkdtemp(prefix="newsdigest-unprivileged-"))
    root.chmod(0o755)
    site = Site(root)

    def build_as_nobody():
        site.settings_file()
        for path in [root, *root.rglob("*")]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid, follow_symlinks=False)
        return run_build(site, ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"])

    yield site, build_as_nobody
    shutil.rmtree(root, ignore_errors=True)


def run_build(site, prefix):
    settings = site.settings_file()
    return subprocess.run(
        [
            *prefix,
            str(NEWSDIGEST),
            "build",
            *site.cli_options(settings),
        ],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(site.root)},
    )


@pytest.mark.slow  # builds run as another user, through the command line
def test_a_read_only_folder_in_the_live_site_does_not_stop_the_next_build(unprivileged):
    site, build = unprivileged
    site.add_article("story", title="Story")
    assert build().returncode == 0
    (site.output / "2015").chmod(0o555)
    (site.output / "2015/11/21/story").chmod(0o555)
    site.add_article("story", title="Story", body="Edited.")
    result = build()
    assert result.returncode == 0, result.stderr
    assert "Edited." in site.page("2015/11/21/story/")
    assert site.leftovers() == [], "the old generation, with its read-only folders, was not removed"


@pytest.mark.slow  # builds run as another user, through the command line
def test_a_folder_the_build_cannot_write_in_fails_in_one_line_and_keeps_the_site(unprivileged):
    site, build = unprivileged
    site.add_article("story", title="Story")
    assert build().returncode == 0
    before = tree(site.output)
    site.add_article("story", title="Story", body="Edited.")
    site.root.chmod(0o555)
    try:
        result = build()
    finally:
        site.root.chmod(0o755)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert error.startswith("ERROR: output: ") and "Permission denied" in error
    assert tree(site.output) == before
