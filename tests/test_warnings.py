"""Warnings that save a curator: a story too long to be one, a build for a web server whose
address is local, an edition introduction no story is in. Each names what to look at; none
stops the build."""

import logging

import pytest

from conftest import run_cli


@pytest.fixture
def warnings(caplog):
    def collected() -> list[str]:
        return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]

    caplog.set_level(logging.WARNING)
    return collected


def test_a_story_over_200_kb_is_named(site, warnings):
    site.add_article("long", title="Long", body="A sentence of the story. " * 9000)  # about 220 KB
    site.add_article("short", title="Short", body="A sentence of the story. " * 7000)  # about 170 KB
    site.build(SEARCH_ENABLED=False)
    named = [line for line in warnings() if "KB of text, over 200 KB" in line]
    assert len(named) == 1 and named[0].startswith(str(site.content / "articles/long.md") + ": 21")


@pytest.mark.parametrize("siteurl", ["", "http://127.0.0.1:8000", "http://localhost:8080"])
def test_a_build_for_a_web_server_with_a_local_address_says_where_its_links_go(site, siteurl):
    site.add_article("story", title="Story")
    settings = site.settings_file(SEARCH_ENABLED=False, SITEURL=siteurl, RELATIVE_URLS=False)
    result = run_cli(
        "build",
        *site.cli_options(settings),
        cwd=site.root,
    )  # a process of its own: Pelican says a message once per process
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "feeds, newsletters and sitemaps link to" in line]
    assert line.startswith("WARNING: SITEURL") and "NEWSDIGEST_SITEURL" in line


def test_a_preview_or_a_real_address_builds_without_that_warning(site):
    site.add_article("story", title="Story")
    for overrides in ({"RELATIVE_URLS": True}, {"SITEURL": "https://digest.example.org", "RELATIVE_URLS": False}):
        settings = site.settings_file(SEARCH_ENABLED=False, **overrides)
        result = run_cli(
            "build",
            *site.cli_options(settings),
            cwd=site.root,
        )
        assert result.returncode == 0 and "feeds, newsletters and sitemaps link to" not in result.stderr


def test_an_edition_introduction_whose_date_has_no_story_is_named(site, warnings):
    site.add_article("story", title="Story", date="2015-11-21T12:00:00-05:00")
    site.write("editions/2015-11-21.md", "---\ntitle: Saturday\n---\nA busy day.\n")
    site.write("editions/2015-11-12.md", "---\ntitle: A typo for the 21st\n---\nNobody will read this.\n")
    site.build(SEARCH_ENABLED=False)
    assert [line for line in warnings() if "introduction" in line] == [
        (
            f"{site.content / 'editions/2015-11-12.md'}: no story is in the edition of 2015-11-12, "
            "so this introduction is not published"
        )
    ]
