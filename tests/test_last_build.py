"""A build with nothing changed since the last good one ends at once, leaving the live site as
it is; any change a build reads, or any damage to the live site, makes it build again."""

import os
import shutil

import pytest

from newsdigest.build.run import build
from newsdigest.content.drafts import SHOW_DRAFTS

from conftest import FIXTURE_SETTINGS, ROOT


def live_folder(site) -> str:
    return os.path.realpath(site.output)


def files_and_identities(folder) -> dict[str, tuple[int, int, bytes]]:
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        status = path.stat()
        found[str(path.relative_to(folder))] = (status.st_ino, status.st_mtime_ns, path.read_bytes())
    return found


@pytest.fixture
def built(site):
    site.add_article("harbour-ferry", title="Harbour ferry posts a profit", tags=["Ferries"], body="Fares rose.")
    site.add_article("river-bridge", title="River bridge reopens", tags=["Bridges"], body="Traffic flows again.")
    first = site.build(end_when_unchanged=True)
    assert first.rendered > 10
    assert (site.content / "addresses.yml").is_file()  # the build's own record, which it must not take for an edit
    return site, first


def test_a_build_with_nothing_changed_ends_at_once_and_leaves_the_site_as_it_is(built):
    site, first = built
    live, files = live_folder(site), files_and_identities(site.output)
    again = site.build(end_when_unchanged=True)
    assert (again.rendered, again.reused, again.changed_files, again.removed_files) == (
        0,
        first.rendered + first.reused,
        0,
        0,
    )
    assert live_folder(site) == live  # no new generation: the engine did not run
    assert files_and_identities(site.output) == files
    assert site.build(end_when_unchanged=True).rendered == 0  # and again


def story_edited(site):
    path = site.content / "articles/harbour-ferry.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Fares rose.", "Fares rose by a third."), encoding="utf-8")
    return "2015/11/21/harbour-ferry-posts-a-profit/", "Fares rose by a third."


def story_added(site):
    site.add_article("tram-line", title="Tram line extended", body="Two new stops.")
    return "2015/11/21/tram-line-extended/", "Two new stops."


def story_deleted(site):
    (site.content / "articles/river-bridge.md").unlink()
    return "2015/11/21/harbour-ferry-posts-a-profit/", None


def side_file_added(site):
    site.write("tags.yml", "Ferries:\n  description: Boats that carry passengers across the harbour.\n")
    return "tags/ferries/", "Boats that carry passengers across the harbour."


def touched_without_change(site):
    path = site.content / "articles/harbour-ferry.md"
    path.write_bytes(path.read_bytes())  # the same bytes: a build finds nothing to render, but runs
    return "2015/11/21/harbour-ferry-posts-a-profit/", "Fares rose."


@pytest.mark.parametrize("change", [story_edited, story_added, story_deleted, side_file_added, touched_without_change])
def test_any_change_in_the_content_folder_makes_the_build_run(built, change):
    site, _ = built
    live = live_folder(site)
    page, shown = change(site)
    site.build(end_when_unchanged=True)
    assert live_folder(site) != live  # a new generation went live
    if shown is not None:
        assert shown in site.page(page)
    if change is story_deleted:
        assert not (site.output / "2015/11/21/river-bridge-reopens/index.html").exists()
    rebuilt = live_folder(site)
    assert site.build(end_when_unchanged=True).rendered == 0 and live_folder(site) == rebuilt


def test_a_setting_or_a_theme_file_changed_makes_the_build_run(built, tmp_path):
    site, _ = built
    live = live_folder(site)
    site.build(end_when_unchanged=True, SITENAME="The Evening Digest")
    assert live_folder(site) != live and "The Evening Digest" in site.page("2015/11/21/harbour-ferry-posts-a-profit/")

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    site.build(end_when_unchanged=True, SITENAME="The Evening Digest", THEME=str(theme))
    live = live_folder(site)
    template = theme / "templates/base.html"
    template.write_text(template.read_text(encoding="utf-8") + "<!-- a theme edit -->\n", encoding="utf-8")
    site.build(end_when_unchanged=True, SITENAME="The Evening Digest", THEME=str(theme))
    assert live_folder(site) != live
    assert "<!-- a theme edit -->" in site.page("2015/11/21/harbour-ferry-posts-a-profit/")


def damage_in_place(page):
    page.write_text("damaged", encoding="utf-8")


def delete(page):
    page.unlink()


def add_a_stray_file(page):
    (page.parent / "stray.html").write_text("not built", encoding="utf-8")


def rename(page):
    page.rename(page.with_name("index.htm"))


def add_a_folder_of_strays_beside_the_site(page):
    strays = page.parents[4] / "strays" / "deeper"  # in the site's root folder
    strays.mkdir(parents=True)
    (strays / "page.html").write_text("not built", encoding="utf-8")


@pytest.mark.parametrize(
    "damage", [damage_in_place, delete, add_a_stray_file, rename, add_a_folder_of_strays_beside_the_site]
)
def test_a_live_site_someone_changed_is_built_again_whole(built, damage):
    site, _ = built
    files = {path: data for path, (_, _, data) in files_and_identities(site.output).items()}
    damage(site.output / "2015/11/21/river-bridge-reopens/index.html")
    site.build(end_when_unchanged=True)
    assert {path: data for path, (_, _, data) in files_and_identities(site.output).items()} == files


def test_a_preview_build_in_between_is_not_taken_for_the_published_site(built):
    site, _ = built
    settings = {"CACHE_PATH": str(site.root / ".cache"), "RELATIVE_URLS": False, **FIXTURE_SETTINGS, SHOW_DRAFTS: True}
    site.add_article("draft-story", title="A draft", status="draft", body="Not yet.")
    build(ROOT / "pelicanconf.py", content=site.content, output=site.output, overrides=settings, record_addresses=False)
    assert (site.output / "drafts").is_dir()
    (site.content / "articles/draft-story.md").unlink()  # the content is as the last good build read it
    site.build(end_when_unchanged=True)
    assert not (site.output / "drafts").exists()
