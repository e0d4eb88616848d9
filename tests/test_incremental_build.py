"""A rebuild is byte-identical to a cold build after any sequence of changes, rewrites only
what changed (unchanged files keep their mtime) and removes what no longer belongs."""

import os
import shutil

import pytest

from newsdigest.content import frontmatter

from conftest import ROOT, Site, tree


def mtimes(folder):
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def cold_build(site: Site, tmp_path, theme):
    """The same content built from nothing: fresh output, fresh cache."""
    cold = Site.__new__(Site)
    cold.root, cold.content, cold.output = tmp_path / "cold", site.content, tmp_path / "cold" / "output"
    shutil.rmtree(cold.root, ignore_errors=True)
    cold.root.mkdir()
    cold.build(THEME=str(theme), SEARCH_ENABLED=True)
    return tree(cold.output)


@pytest.mark.slow  # fourteen rebuilds, each checked against a cold build
def test_incremental_builds_match_cold_builds_through_a_sequence_of_changes(site, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    for number in range(12):
        site.add_article(
            f"story-{number}",
            title=f"Story {number}",
            tags=["Mali"] if number % 2 else ["Russia"],
            date=f"2015-11-{10 + number}T10:00:00Z",
            body=f"Body of story {number}.",
        )
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout us.\n")

    def edit_body(path, text):
        path.write_text(path.read_text().replace("Body of", text))

    def set_field(name, key, value):
        path = site.content / f"articles/{name}.md"
        loaded = frontmatter.parse(path.read_text())
        path.write_text(frontmatter.dump({**loaded.metadata, key: value}, loaded.body))

    def show_notes_in_lists():
        story_list = theme / "templates/_card.html"
        original = story_list.read_text()
        story_list.write_text(original.replace("{{ extra }}", "{{ extra }}\n    <p>{{ item.note }}</p>"))
        assert story_list.read_text() != original

    steps = [
        ("edit one body", lambda: edit_body(site.content / "articles/story-3.md", "Edited body of")),
        (
            "add a story",
            lambda: site.add_article(
                "story-new", title="Brand new", tags=["Mali", "Bamako"], date="2015-11-30T10:00:00Z"
            ),
        ),
        ("delete a story", lambda: (site.content / "articles/story-5.md").unlink()),
        (
            "change tags",
            lambda: site.add_article(
                "story-7", title="Story 7", tags=["Bamako"], date="2015-11-17T10:00:00Z", body="Body of story 7."
            ),
        ),
        (
            "retitle a story",
            lambda: site.add_article(
                "story-8", title="Story eight renamed", date="2015-11-18T10:00:00Z", body="Body of story 8."
            ),
        ),
        ("note the newest story", lambda: set_field("story-new", "note", "Why this one matters.")),
        ("note an older story", lambda: set_field("story-2", "note", "Worth a read.")),
        ("credit a photo", lambda: set_field("story-4", "image_credit", "A. Photographer")),
        ("list contributors", lambda: set_field("story-4", "contributors", ["A. Reporter"])),
        ("show notes in lists", show_notes_in_lists),
        ("edit a note lists show", lambda: set_field("story-2", "note", "Worth reading twice.")),
        (
            "change a template",
            lambda: (theme / "templates/article.html").write_text(
                (theme / "templates/article.html").read_text().replace("<h1>", '<h1 class="headline">')
            ),
        ),
        ("change a page", lambda: site.write("pages/about.md", "---\ntitle: About us\n---\nWho we are.\n")),
        ("nothing at all", lambda: None),
    ]
    site.build(THEME=str(theme), SEARCH_ENABLED=True)  # the search index's blocks are kept or rebuilt too
    for description, change in steps:
        before_tree, before_mtimes = tree(site.output), mtimes(site.output)
        change()
        site.build(THEME=str(theme), SEARCH_ENABLED=True)
        after = tree(site.output)
        assert after == cold_build(site, tmp_path, theme), (
            f"after '{description}' the rebuild differs from a cold build"
        )
        kept = [p for p in (site.root / ".cache" / "pages").rglob("*") if p.is_file()]
        assert len(kept) <= len(after), f"after '{description}' the page store keeps files the site no longer has"
        after_mtimes = mtimes(site.output)
        for name, data in after.items():
            if before_tree.get(name) == data:
                assert after_mtimes[name] == before_mtimes[name], (
                    f"after '{description}' unchanged {name} was rewritten"
                )


def test_rebuild_after_one_body_edit_renders_only_that_page(site):
    subjects = [
        "apples orchards",
        "bridges rivers",
        "comets telescopes",
        "dolphins oceans",
        "engines turbines",
        "forests lumber",
    ]
    for number, subject in enumerate(subjects):  # no shared words: no related stories to shift
        site.add_article(
            f"story-{number}",
            title=f"Story {number}",
            date=f"2015-11-{10 + number}T10:00:00Z",
            body=f"All about {subject}.",
        )
    first = site.build(SEARCH_ENABLED=True)
    before = mtimes(site.output)
    story = site.content / "articles/story-2.md"
    story.write_text(story.read_text() + "\nOne more paragraph.\n")
    second = site.build(SEARCH_ENABLED=True)
    # The page, the site feeds and the search index's one block.
    assert second.rendered == 3 and second.reused == first.rendered - 3
    after = mtimes(site.output)
    changed = sorted(name for name in after if after[name] != before.get(name))
    # The story's page, the site feeds that carry its full text, and the search index's new words.
    assert [name for name in changed if not name.startswith("pagefind/")] == [
        "2015/11/12/story-2/index.html",
        "feeds/all.atom.xml",
        "feeds/all.json",
        "feeds/all.rss.xml",
    ]
    assert second.changed_files == len(changed)
    assert "One more paragraph." in site.page("2015/11/12/story-2/")


def test_a_curators_note_renders_again_only_the_pages_that_show_it(site):
    for number in range(6):
        site.add_article(
            f"story-{number}",
            title=f"Story {number}",
            tags=["Mali"],
            section="World",
            date=f"2015-11-{10 + number}T10:00:00Z",
            body=f"Body of story {number}.",
        )
    first = site.build()
    before = mtimes(site.output)
    story = site.content / "articles/story-2.md"
    loaded = frontmatter.parse(story.read_text())
    story.write_text(frontmatter.dump({**loaded.metadata, "note": "Why it matters."}, loaded.body))
    second = site.build()
    after = mtimes(site.output)
    changed = sorted(name for name in after if after[name] != before.get(name) and not name.startswith("pagefind/"))
    # The feeds carry the note too: every feed with the story, and the editions feed (its newsletter).
    feeds = [
        f"{folder}{fmt}"
        for folder in ("editions/feed.", "feeds/all.", "sections/world/feed.", "tags/mali/feed.")
        for fmt in ("atom.xml", "json", "rss.xml")
    ]
    assert changed == sorted(
        [
            "2015/11/12/story-2/index.html",
            "editions/2015-11-12/email.html",
            "editions/2015-11-12/email.txt",
            "editions/2015-11-12/index.html",
            *feeds,
        ]
    )
    assert "Why it matters." in site.page("2015/11/12/story-2/")
    # Rendered again: the story's page, its edition's page and two emails, and the four feed
    # sets; not the other stories' pages and editions, tag, section and source pages, archives.
    assert second.rendered == 8 and first.rendered > 30


def note_of(story) -> str:
    return story.metadata.get("note", "")


def test_a_site_with_its_own_jinja_filters_shows_every_notes_edit(site, tmp_path):
    """A filter can read anything from any story, out of sight of the templates' text."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    story_list = theme / "templates/_card.html"
    story_list.write_text(
        story_list.read_text().replace("{{ item.title }}</a>", "{{ item.title }}</a> {{ item|note_of }}")
    )
    for number in range(3):
        site.add_article(
            f"story-{number}",
            title=f"Story {number}",
            tags=["Mali"],
            date=f"2015-11-{10 + number}T10:00:00Z",
            body=f"Body of story {number}.",
        )
    site.build(THEME=str(theme), JINJA_FILTERS={"note_of": note_of})
    story = site.content / "articles/story-0.md"
    loaded = frontmatter.parse(story.read_text())
    story.write_text(frontmatter.dump({**loaded.metadata, "note": "Seen in every list."}, loaded.body))
    site.build(THEME=str(theme), JINJA_FILTERS={"note_of": note_of})
    assert "Seen in every list." in site.page("tags/mali/")


def test_files_that_no_longer_belong_are_removed(site):
    site.add_article("keep", title="Keep")
    doomed = site.add_article("doomed", title="Doomed", tags=["Ephemeral"])
    site.build()
    assert (site.output / "tags/ephemeral/index.html").exists()
    doomed.unlink()
    result = site.build()
    assert result.removed_files >= 2
    assert not (site.output / "2015/11/21/doomed").exists()
    assert not (site.output / "tags/ephemeral").exists()
    assert (site.output / "2015/11/21/keep/index.html").exists()


def test_a_file_changed_by_hand_in_the_output_is_rendered_again(site):
    site.add_article("story", title="Story")
    site.build()
    page = site.output / "2015/11/21/story/index.html"
    original = page.read_bytes()
    page.write_text("tampered")
    os.utime(page, ns=(1, 1))
    site.build()
    assert page.read_bytes() == original


def test_a_build_into_an_empty_output_folder_links_what_the_cache_kept(site):
    for number in range(5):
        site.add_article(
            f"story-{number}",
            title=f"Story {number}",
            tags=["Mali"],
            date=f"2015-11-{10 + number}T10:00:00Z",
            body=f"Body of story {number}.",
        )
    first = site.build()
    built = tree(site.output)
    site.remove_output()  # a fresh clone, or a CI job that keeps only .cache/
    again = site.build()
    assert again.rendered == 0 and again.reused == first.rendered
    assert tree(site.output) == built

    page = site.output / "2015/11/12/story-2/index.html"
    page.write_text("edited in place")  # the store shares this file: it must not hand it out again
    shutil.rmtree(site.output / "2015")
    third = site.build()
    assert third.rendered == 1 and tree(site.output) == built


def test_a_setting_of_the_sites_own_reaches_every_page_whatever_its_name(site, tmp_path):
    """Settings prefixed NEWSDIGEST_ are settings like any other: changing one renders again
    the pages a template shows it on."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    base = theme / "templates/base.html"
    base.write_text(base.read_text().replace("</footer>", "<p>{{ NEWSDIGEST_BANNER }}</p></footer>", 1))
    site.add_article("story", title="Story", tags=["Mali"])
    site.build(THEME=str(theme), NEWSDIGEST_BANNER="First banner")
    again = site.build(THEME=str(theme), NEWSDIGEST_BANNER="Second banner")
    assert again.reused == 0
    assert "Second banner" in site.page("tags/mali/") and "Second banner" in site.page("")
