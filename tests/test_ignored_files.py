"""IGNORE_FILES as Pelican's readers apply it: each name against each glob pattern."""

import fnmatch

import pytest

from newsdigest.build.ignored_files import files_under, has_ignored_part, is_ignored

PATTERNS = [".*", "*~", "*.bak", "draft-[0-9]?.md"]
NAMES = [".#story.md", "story.md~", "story.md", "notes.bak", "draft-12.md", "draft-1.md", "draft-a1.md", ".git", "x"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_is_ignored_exactly_when_a_pattern_matches_it(name):
    assert is_ignored(name, PATTERNS) == any(fnmatch.fnmatch(name, pattern) for pattern in PATTERNS)


def test_no_pattern_ignores_nothing_and_folders_count_too(tmp_path):
    assert not is_ignored(".#story.md", [])
    (tmp_path / "articles/.drafts").mkdir(parents=True)
    for name in ("articles/story.md", "articles/.#story.md", "articles/story.md~", "articles/.drafts/next.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [path[len(str(tmp_path)) + 1 :] for path in files_under(tmp_path, PATTERNS)] == ["articles/story.md"]
    assert has_ignored_part("articles/.drafts/next.md", PATTERNS)
    assert not has_ignored_part("articles/story.md", PATTERNS)
