"""The build reads only regular files inside the content folder, and every failure is one line
naming a file (or the build), never a traceback; the last good site stays as it was."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pelican
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from newsdigest.build import inputs
from newsdigest.build.errors import BuildFailed
from newsdigest.content import document
from newsdigest.content.model import MAX_STORY_BYTES

from conftest import NEWSDIGEST, Site, run_cli, tree

BUILD_SECONDS = 120  # a build of a few stories takes seconds: past this it hangs (a FIFO opened)
STORY = "---\ntitle: Story\ndate: 2015-11-21T12:00:00-05:00\n---\n"


def built_site(site) -> dict[str, bytes]:
    site.add_article("good-story", title="Good story")
    site.build()
    return tree(site.output)


def cli_build(site, timeout: float = BUILD_SECONDS) -> subprocess.CompletedProcess:
    """`newsdigest build` as a curator runs it; a hang fails the test instead of hanging it."""
    command = [str(NEWSDIGEST), "build", "--settings", str(site.settings_file())]
    command += ["--content", str(site.content), "--output", str(site.output)]
    try:
        return subprocess.run(command, cwd=site.root, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"newsdigest build still running after {timeout} s: it hangs", pytrace=False)


def assert_refused(site, before: dict[str, bytes], *named: str) -> list[str]:
    """The build fails with one line per problem, naming each of `named`; the site is unchanged."""
    result = cli_build(site)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
    for name in named:
        assert any(name in line for line in errors), (name, result.stderr)
    assert tree(site.output) == before
    return errors


def test_an_image_linked_to_etc_passwd_is_refused_and_not_published(site):
    before = built_site(site)
    (site.content / "images").mkdir()
    (site.content / "images/passwd.jpg").symlink_to("/etc/passwd")
    [error] = assert_refused(site, before, "images/passwd.jpg")
    assert "outside the content folder" in error
    assert not (site.output / "images/passwd.jpg").exists()


def test_an_images_folder_linked_outside_is_refused_without_copying_it(site):
    before = built_site(site)
    (site.content / "images").mkdir()
    (site.content / "images/ssl").symlink_to("/etc/ssl", target_is_directory=True)
    assert_refused(site, before, "images/ssl")
    assert not (site.output / "images").exists()


def test_a_named_pipe_saved_as_a_story_is_named_without_blocking_the_build(site):
    before = built_site(site)
    os.mkfifo(site.content / "articles/x.md")  # no writer: opening it would wait for ever
    [error] = assert_refused(site, before, "articles/x.md")
    assert "named pipe" in error


def test_a_story_linked_to_dev_zero_is_refused_unread(site):
    before = built_site(site)
    (site.content / "articles/zero.md").symlink_to("/dev/zero")
    assert_refused(site, before, "articles/zero.md")


def test_a_socket_in_the_content_folder_is_named_unopened(tmp_path, monkeypatch):
    content = tmp_path / "c"
    content.mkdir()
    monkeypatch.chdir(content)  # a short relative path: a socket's name has a 108-byte limit
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("story.md")
        [problem] = inputs.problems(content, [])
    assert "story.md" in problem and "a socket" in problem


def test_a_story_over_the_ingest_cap_is_refused_naming_it(site):
    before = built_site(site)
    with open(site.content / "articles/huge.md", "wb") as story:
        story.truncate(MAX_STORY_BYTES + 1)  # sparse: the size is what counts, and it is never read
    [error] = assert_refused(site, before, "articles/huge.md")
    assert "too large" in error and "10 MB" in error


def test_lists_nested_300_deep_fail_in_one_line_naming_the_file_and_line(site):
    before = built_site(site)
    site.write("articles/deep.md", STORY + "".join("    " * depth + "- item\n" for depth in range(300)))
    [error] = assert_refused(site, before, "articles/deep.md")
    assert f"deep.md:{5 + document.MAX_NESTING}:" in error and "nested" in error


def test_nesting_is_capped_without_pelican():
    document.check_nesting("".join("    " * depth + "- item\n" for depth in range(document.MAX_NESTING)))
    with pytest.raises(document.BodyError) as too_deep:
        document.check_nesting("Intro\n\n" + ">" * (document.MAX_NESTING + 1) + " quoted\n")
    assert too_deep.value.line == 3
    fenced = "```\n" + " " * 400 + "code\n```\n"  # indentation inside fenced code is no nesting
    document.check_nesting(fenced)


def test_a_symbolic_link_loop_is_named(site):
    before = built_site(site)
    (site.content / "articles/loop.md").symlink_to("loop.md")
    [error] = assert_refused(site, before, "articles/loop.md")
    assert "loop" in error


def test_a_folder_linked_to_its_own_parent_is_a_loop_not_walked(site):
    before = built_site(site)
    (site.content / "articles/again").symlink_to("..", target_is_directory=True)
    assert_refused(site, before, "articles/again")


def test_links_inside_the_content_folder_still_build(site):
    site.add_article("original", title="Original")
    (site.content / "images").mkdir()
    (site.content / "images/photo.jpg").write_bytes(b"\xff\xd8\xff")
    (site.content / "images/same-photo.jpg").symlink_to("photo.jpg")
    site.build()
    assert (site.output / "images/same-photo.jpg").read_bytes() == b"\xff\xd8\xff"


def test_problems_come_one_per_file_in_path_order(tmp_path):
    content = tmp_path / "content"
    (content / "b").mkdir(parents=True)
    (content / "b/out.md").symlink_to("/etc/passwd")
    os.mkfifo(content / "a.md")
    (content / ".hidden.md").symlink_to("/etc/passwd")  # IGNORE_FILES: never read
    found = inputs.problems(content, [".*"])
    assert [line.split(": ", 1)[0].rsplit(os.sep, 2)[-2:] for line in found] == [["content", "a.md"], ["b", "out.md"]]
    assert found == inputs.problems(content, [".*"])


def test_a_plain_pelican_run_fails_on_a_link_outside_too(site):
    site.add_article("good-story")
    (site.content / "images").mkdir()
    (site.content / "images/passwd.jpg").symlink_to("/etc/passwd")
    pelican = Path(sys.executable).parent / "pelican"
    command = [str(pelican), str(site.content), "-s", str(site.settings_file()), "-o", str(site.root / "out")]
    result = subprocess.run(command, cwd=site.root, capture_output=True, text=True, timeout=BUILD_SECONDS)
    assert result.returncode != 0
    assert "passwd.jpg" in result.stdout + result.stderr
    assert not (site.root / "out/images/passwd.jpg").exists()


def test_a_settings_file_that_crashes_is_one_line_naming_it(site):
    before = built_site(site)
    settings_file = site.settings_file()
    settings_file.write_text(settings_file.read_text() + "1 / 0\n")
    command = [str(NEWSDIGEST), "build", "--settings", str(settings_file), "--output", str(site.output)]
    result = subprocess.run(command, cwd=site.root, capture_output=True, text=True, timeout=BUILD_SECONDS)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "ERROR: settings.py: ZeroDivisionError: division by zero" in result.stderr.splitlines()
    assert tree(site.output) == before


def test_an_unforeseen_error_making_pelican_is_one_line(site, monkeypatch):
    before = built_site(site)

    def broken(self, settings):
        raise RuntimeError("a plugin fell over\nwith a second line")

    monkeypatch.setattr(pelican.Pelican, "__init__", broken)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == ["build: RuntimeError: a plugin fell over"]
    assert tree(site.output) == before


# The property: whatever lands in the content folder, the build either builds or fails in
# one-line problems naming files, leaving the last good site byte for byte.
YAML_SCALARS = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.sampled_from(["2015-11-21", "not a date", "~", "*alias", "&anchor x", "!!python/object:os.system", "[", "{"]),
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
KEYS = st.sampled_from(
    ["title", "date", "tags", "summary", "status", "slug", "authors", "lang", "note", "section", "x"]
)
MARKDOWN = st.one_of(
    st.text(max_size=300),
    st.integers(1, 400).map(lambda depth: "".join("    " * i + "- item\n" for i in range(depth))),
    st.integers(1, 400).map(lambda depth: ">" * depth + " quote\n"),
    st.integers(1, 200_000).map(lambda width: "word " * (width // 5) + "\n"),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=100),
)


def _story_text(metadata: dict, body: str) -> str:
    lines = [
        f"{key}: {value!r}" if not isinstance(value, str) else f"{key}: {value}" for key, value in metadata.items()
    ]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


STORY_BYTES = st.one_of(
    st.builds(
        lambda m, b: _story_text(m, b).encode("utf-8", "surrogatepass"),
        st.dictionaries(KEYS, YAML_VALUES, max_size=5),
        MARKDOWN,
    ),
    st.builds(
        lambda m, b: _story_text(m, b).encode("utf-16", "surrogatepass"),
        st.dictionaries(KEYS, YAML_VALUES, max_size=3),
        MARKDOWN,
    ),
    st.builds(lambda b: (STORY + b).encode("latin-1", "replace"), MARKDOWN),
    st.binary(max_size=500),
    st.just(b""),
)
KINDS = st.sampled_from(["story", "story", "story", "fifo", "link out", "link loop", "folder", "empty"])


def _plant(folder: Path, name: str, kind: str, data: bytes) -> None:
    path = folder / name
    if kind == "story":
        path.write_bytes(data)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link out":
        path.symlink_to("/etc/passwd")
    elif kind == "link loop":
        path.symlink_to(name)
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"")


@pytest.mark.slow
def test_whatever_is_in_the_content_folder_the_build_succeeds_or_fails_in_one_line_problems(tmp_path_factory):
    @hypothesis_settings(
        max_examples=15,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(st.tuples(KINDS, STORY_BYTES), min_size=1, max_size=3))
    def one_case(files):
        site = Site(tmp_path_factory.mktemp("hostile"))
        before = built_site(site)
        for index, (kind, data) in enumerate(files):
            _plant(site.content / "articles", f"hostile-{index}.md", kind, data)
        result = cli_build(site)
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            assert (site.output / "index.html").is_file()
            return
        assert result.returncode == 1, result.stderr
        problems = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
        assert problems, result.stderr
        for line in problems:
            assert "hostile-" in line or "good-story" in line or line.startswith("ERROR: build:"), line
        assert tree(site.output) == before

    one_case()


@pytest.mark.parametrize(
    "command", [["ingest", "story.txt"], ["new", "A headline"], ["edition", "2015-11-21"], ["build"]]
)
def test_a_command_run_outside_the_project_says_so_in_one_line(tmp_path, command):
    (tmp_path / "story.txt").write_text("A headline\n\nA body.\n", encoding="utf-8")
    result = run_cli(*command, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "pelicanconf.py: no settings file here" in result.stderr.splitlines()[0], result.stderr
