"""The cache's one digest and one tree digest (newsdigest.build.cache), without Pelican."""

from newsdigest.build.cache import tree_digest
from newsdigest.digests import digest


def test_parts_are_framed_so_regrouping_them_changes_the_digest():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("ab", "c") == digest(b"ab", "c")
    assert digest("\udce9") != digest("?")  # undecodable file names digest too


def test_a_tree_digest_follows_every_file_but_ignored_and_skipped_ones(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles/story.md").write_text("story")
    (tmp_path / "tags.yml").write_text("tags")
    before = tree_digest(tmp_path, ignore=[".*"], skip=["articles"])

    (tmp_path / "articles/story.md").write_text("edited story")
    (tmp_path / ".#tags.yml").write_text("an editor's lock file")
    assert tree_digest(tmp_path, ignore=[".*"], skip=["articles"]) == before

    (tmp_path / "tags.yml").write_text("edited tags")
    assert tree_digest(tmp_path, ignore=[".*"], skip=["articles"]) != before
    (tmp_path / "tags.yml").write_text("tags")
    (tmp_path / "tags.yml").rename(tmp_path / "renamed.yml")
    assert tree_digest(tmp_path, ignore=[".*"], skip=["articles"]) != before


def test_a_missing_folder_digests_as_an_empty_one(tmp_path):
    assert tree_digest(tmp_path / "absent") == tree_digest(tmp_path)
