"""A build with any bad story fails, says where in one line per problem, and keeps the old site."""

import pytest

from newsdigest.build.errors import BuildFailed

from conftest import run_cli


def build_problems(site, **overrides) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        site.build(**overrides)
    return failure.value.problems


def test_invalid_yaml_names_the_file_and_line(site):
    site.write("articles/broken.md", "---\ntitle: Fine\ndate: 2015-11-21T10:00:00+00:00\ntags: [unclosed\n---\nBody\n")
    site.add_article("good-story")
    problems = build_problems(site)
    assert len(problems) == 1
    assert problems[0].startswith("articles/broken.md:") or "broken.md:" in problems[0]
    line = int(problems[0].split("broken.md:")[1].split(":")[0])
    assert line in (4, 5)  # the unclosed list opens on line 4; PyYAML notices at the closing '---'
    assert "invalid YAML" in problems[0]


def test_missing_title_is_an_error(site):
    site.write("articles/untitled.md", "---\ndate: 2015-11-21T10:00:00+00:00\n---\nBody\n")
    [problem] = build_problems(site)
    assert "untitled.md" in problem and "missing title" in problem


def test_missing_date_is_an_error(site):
    site.write("articles/undated.md", "---\ntitle: No date here\n---\nBody\n")
    [problem] = build_problems(site)
    assert "undated.md" in problem and "missing date" in problem


def test_unparseable_date_names_its_line(site):
    site.write("articles/bad-date.md", "---\ntitle: Bad date\nsource: X\ndate: last Tuesday\n---\nBody\n")
    [problem] = build_problems(site)
    assert "bad-date.md:4:" in problem and "ISO 8601" in problem


def test_naive_date_without_timezone_is_an_error(site):
    site.write("articles/naive.md", "---\ntitle: Naive\ndate: 2015-11-21T10:00:00\n---\nBody\n")
    [problem] = build_problems(site, TIMEZONE=None)
    assert "naive.md:3:" in problem and "no UTC offset" in problem


def test_naive_date_is_read_in_the_site_timezone(site):
    site.write("articles/naive.md", "---\ntitle: Naive\ndate: 2015-11-21T23:30:00\n---\nBody\n")
    site.build(TIMEZONE="Asia/Tokyo")
    assert 'datetime="2015-11-21T23:30:00+09:00"' in site.page("2015/11/21/naive/")


def test_every_problem_is_reported_not_just_the_first(site):
    site.write("articles/a.md", "---\ntitle: A\n---\nBody\n")
    site.write("articles/b.md", "---\ndate: 2015-11-21T10:00:00Z\n---\nBody\n")
    site.write("articles/c.md", "no front matter at all\n")
    problems = build_problems(site)
    assert len(problems) == 3
    assert {p.split(":")[0].rsplit("/", 1)[-1] for p in problems} == {"a.md", "b.md", "c.md"}


def test_two_stories_claiming_the_same_address_fail(site):
    site.add_article("first", title="One", slug="same-slug")
    site.add_article("second", title="Two", slug="same-slug")
    [problem] = build_problems(site)
    assert "2015/11/21/same-slug/index.html" in problem
    assert "first.md" in problem and "second.md" in problem


def test_template_error_names_the_content_file(site, tmp_path):
    theme = tmp_path / "theme"
    import shutil

    from conftest import ROOT

    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    article.write_text(
        article.read_text().replace("{{ article.title }}</h1>", "{{ article.title.no_such_method() }}</h1>")
    )
    site.add_article("story")
    problems = build_problems(site, THEME=str(theme))
    assert any("articles/story.md" in p and "article.html" in p for p in problems), problems


def test_failed_build_keeps_the_previous_output(site):
    site.add_article("good-story")
    site.build()
    before = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    site.add_article("newer-story", title="Newer")
    site.write("articles/broken.md", "---\ntitle: [unclosed\n---\n")
    build_problems(site)
    after = {p.relative_to(site.output): p.read_bytes() for p in site.output.rglob("*") if p.is_file()}
    assert after == before
    assert site.leftovers() == []


def test_cli_prints_one_line_per_problem_and_exits_non_zero(site):
    site.write("articles/untitled.md", "---\ndate: 2015-11-21T10:00:00+00:00\n---\nBody\n")
    site.write("articles/bad-date.md", "---\ntitle: Bad\ndate: soon\n---\nBody\n")
    result = run_cli(
        "build", "--settings", str(site.settings_file()), "--content", str(site.content), "--output", str(site.output)
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 2
    assert any("untitled.md" in e and "missing title" in e for e in errors)
    assert any("bad-date.md:3:" in e for e in errors)
    assert "build failed: 2 problems" in result.stderr
    assert not site.output.exists()


def test_template_syntax_error_names_the_template_and_line(site, tmp_path):
    import shutil

    from conftest import ROOT

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    page = theme / "templates" / "page.html"
    lines = page.read_text().splitlines()
    lines[3] = lines[3] + " {% if %}"
    page.write_text("\n".join(lines) + "\n")
    site.add_article("story")
    site.write("pages/about.md", "---\ntitle: About\n---\nUs.\n")
    [problem] = build_problems(site, THEME=str(theme))
    assert "page.html:4: template syntax error" in problem


BILLION_LAUGHS = "".join(
    ["---\ntitle: Laughs\ndate: 2015-11-21T10:00:00Z\n", f"a: &a [{', '.join(['lol'] * 9)}]\n"]
    + [
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    + ["tags: *i\n---\nBody\n"]
)


def test_a_yaml_alias_bomb_is_refused_at_once_naming_its_line(site):
    assert len(BILLION_LAUGHS.encode()) < 500  # nine levels of nine: 387 million strings once expanded
    site.write("articles/laughs.md", BILLION_LAUGHS)
    [problem] = build_problems(site)
    assert "laughs.md:5:" in problem and "aliases" in problem


def test_editor_lock_links_are_ignored_and_a_dangling_story_is_named(site):
    site.add_article("story", title="Story")
    (site.content / "articles/.#story.md").symlink_to("someone@host.1234:1700000000")  # Emacs's lock link
    site.build()
    assert (site.output / "2015/11/21/story/index.html").is_file()
    (site.content / "articles/gone.md").symlink_to("nowhere.md")
    [problem] = build_problems(site)
    assert "gone.md" in problem and "No such file" in problem
