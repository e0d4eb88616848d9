"""Every file and folder of a built site has the mode the user's umask gives a new one, so a web
server running as another user can read it: on first builds and rebuilds, for files reused from
the live site or the page store, for copied images, and when `output` was there with other modes."""

import contextlib
import os
import stat
from pathlib import Path

import pytest


@contextlib.contextmanager
def umask(value: int):
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def wrong_modes(folder: Path, file_mode: int, folder_mode: int) -> dict[str, str]:
    """Path -> octal mode of every file and folder under `folder` (itself included) whose mode
    is not the one expected."""
    wrong = {}
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        expected = folder_mode if path.is_dir() else file_mode
        if mode != expected:
            wrong[path.relative_to(folder).as_posix()] = oct(mode)
    return wrong


@pytest.fixture
def story_site(site):
    site.add_article("story", title="Apples and orchards", body="Apples.", tags=["Orchards"])
    site.add_article("other", title="Bridges over rivers", body="Bridges.", date="2015-11-22T10:00:00Z")
    image = site.content / "images" / "photo.svg"
    image.parent.mkdir()
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    image.chmod(0o600)  # the curator's private copy: published, it must be readable by all
    return site


def test_first_builds_and_rebuilds_give_every_file_and_folder_the_umasks_modes(story_site):
    site = story_site
    with umask(0o022):
        site.build(SEARCH_ENABLED=True)
    live = site.output.resolve()
    assert (live / "images/photo.svg").is_file() and list(live.glob("pagefind/*/pagefind.js"))
    assert wrong_modes(live, 0o644, 0o755) == {}

    site.add_article("story", title="Apples and orchards", body="Apples, edited.", tags=["Orchards"])
    with umask(0o027):  # most files are reused from the live site, whose modes are 0644
        site.build(SEARCH_ENABLED=True)
    assert wrong_modes(site.output.resolve(), 0o640, 0o750) == {}

    site.remove_output()  # a fresh clone: every page comes from the page store, stored as 0640
    with umask(0o022):
        result = site.build(SEARCH_ENABLED=True)
    assert result.reused > 0
    assert wrong_modes(site.output.resolve(), 0o644, 0o755) == {}
    stored = [path for path in (site.root / ".cache/pages").rglob("*") if path.is_file()]
    assert stored and all(stat.S_IMODE(path.stat().st_mode) == 0o644 for path in stored)


def test_an_output_folder_or_a_spare_with_other_modes_gives_way_to_the_umasks_modes(story_site):
    site = story_site
    site.output.mkdir(mode=0o700)  # a private folder from an older tool
    (site.output / "index.html").write_text("old")
    (site.output / "index.html").chmod(0o600)
    with umask(0o022):
        site.build(SEARCH_ENABLED=False)
        assert wrong_modes(site.output.resolve(), 0o644, 0o755) == {}
        site.add_article("other", title="Bridges over rivers", body="Edited.", date="2015-11-22T10:00:00Z")
        site.build(SEARCH_ENABLED=False)
    [spare] = [path for path in site.root.iterdir() if ".spare-" in path.name]
    for folder in [spare, *spare.rglob("*")]:
        folder.chmod(0o700)  # folders the next build reuses, made private meanwhile
    site.add_article("other", title="Bridges over rivers", body="Edited again.", date="2015-11-22T10:00:00Z")
    with umask(0o022):
        site.build(SEARCH_ENABLED=False)
    assert not spare.exists()  # it became the new generation
    assert wrong_modes(site.output.resolve(), 0o644, 0o755) == {}
