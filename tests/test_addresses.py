"""Addresses that never break: ingest pins a story's address with `slug:`, the build records every
story address it publishes in content/addresses.yml, and an old address redirects to where its
story is now (a redirect page, `_redirects`, an nginx map), or answers 410 for a story gone."""

import datetime as dt
import logging

import pytest

from newsdigest.build.errors import BuildFailed
from newsdigest.content import frontmatter, site_addresses
from newsdigest.ingest import Options, ingest
from newsdigest.site.addresses import record as addresses

from conftest import run_cli


def story(file, address, published=True, gone=False, aliases=(), identity=None):
    return addresses.Story(
        identity=identity or file, file=file, address=address, published=published, gone=gone, aliases=tuple(aliases)
    )


# -- the plain rules -----------------------------------------------------------------------------


def test_an_address_is_a_path_on_the_site_in_one_spelling():
    assert site_addresses.address("2015/11/21/old-slug") == "/2015/11/21/old-slug/"
    assert site_addresses.address("/2015/11/21/old-slug/index.html") == "/2015/11/21/old-slug/"
    assert site_addresses.address("/old-page.html") == "/old-page.html"
    for bad in ("https://example.org/x/", "/a/../b/", "/a b/", "//host/x/", "/x/?p=1", "/caf\u00e9/", 3):
        assert site_addresses.address(bad) is None, bad
    assert site_addresses.save_as("/2015/11/21/x/") == "2015/11/21/x/index.html"


def test_an_old_address_follows_its_story_and_the_plan_is_the_same_the_next_time():
    record = {
        "/2015/11/21/old/": "articles/a.md",
        "/2015/11/21/older/": "articles/a.md",
        "/2015/11/20/b/": "articles/b.md",
    }
    stories = [story("articles/a.md", "/2015/11/22/new/"), story("articles/b.md", "/2015/11/20/b/")]
    plan = addresses.plan(record, stories)
    assert {old: target.address for old, target in plan.redirects.items()} == {
        "/2015/11/21/old/": "/2015/11/22/new/",
        "/2015/11/21/older/": "/2015/11/22/new/",
    }  # never a chain
    assert plan.record["/2015/11/22/new/"] == "articles/a.md" and plan.gone == [] and plan.lost == {}
    again = addresses.plan(plan.record, stories)
    assert again.redirects == plan.redirects and again.record == plan.record


def test_a_moved_file_is_followed_by_its_guid_and_a_story_gone_stays_gone_once_its_file_is_deleted():
    record = {"/2015/11/21/x/": "tag:digest,2015:x"}
    moved = story("articles/elsewhere.md", "/2015/11/21/x-2/", identity="tag:digest,2015:x")
    assert addresses.plan(record, [moved]).redirects["/2015/11/21/x/"] == moved

    gone = story("articles/x.md", "/2015/11/21/x/", published=False, gone=True)
    plan = addresses.plan({"/2015/11/20/before/": "articles/x.md"}, [gone])
    assert plan.gone == ["/2015/11/20/before/", "/2015/11/21/x/"] and not plan.redirects
    assert plan.record == {"/2015/11/20/before/": "gone", "/2015/11/21/x/": "gone"}
    assert addresses.plan(plan.record, []).gone == plan.gone  # the file deleted since: still 410


def test_an_address_whose_story_is_nowhere_is_named_and_kept_and_aliases_are_checked():
    plan = addresses.plan({"/2015/11/21/lost/": "articles/deleted.md"}, [])
    assert plan.lost == {"/2015/11/21/lost/": "articles/deleted.md"}
    assert plan.record == {"/2015/11/21/lost/": "articles/deleted.md"}  # never forgotten

    keeper = story("articles/a.md", "/2015/11/21/a/", aliases=["/2015/11/21/lost/", "/2015/11/21/b/"])
    other = story("articles/b.md", "/2015/11/21/b/", aliases=["/2015/11/21/lost/"])
    plan = addresses.plan({"/2015/11/21/lost/": "articles/deleted.md"}, [keeper, other])
    assert plan.lost == {} and plan.redirects["/2015/11/21/lost/"] == keeper
    assert [(culprit.file, problem) for culprit, problem in plan.problems] == [
        ("articles/a.md", "aliases: /2015/11/21/b/ is the address of articles/b.md"),
        ("articles/b.md", "aliases: /2015/11/21/lost/ is also an alias of articles/a.md"),
    ]


def test_the_record_reads_back_what_it_writes_and_a_bad_one_is_named_by_line():
    record = {"/2015/11/21/b/": "tag:digest.example.org,2015-11-21:articles/b.md", "/2015/11/21/a/": "gone"}
    text = addresses.write_record(record)
    assert text.startswith("# ") and addresses.read_record(text) == record
    assert text.index("/2015/11/21/a/") < text.index("/2015/11/21/b/")  # sorted: small diffs to commit
    with pytest.raises(site_addresses.AddressError) as error:
        addresses.read_record("/2015/11/21/a/: articles/a.md\n/not an address/: articles/b.md\n")
    assert error.value.line == 2


# -- in a real build -----------------------------------------------------------------------------


def test_ingest_writes_the_slug_so_editing_the_headline_keeps_the_address(site, tmp_path):
    clipping = tmp_path / "clip.txt"
    clipping.write_text("Storm hits coast\n\nThe storm reached the coast on Monday.\n")
    ingest([str(clipping)], Options(content=site.content, site_timezone="UTC", date=dt.datetime(2020, 1, 6, 9)))
    [path] = (site.content / "articles").rglob("*.md")
    assert frontmatter.parse(path.read_text()).metadata["slug"] == "storm-hits-coast"
    site.build()
    path.write_text(path.read_text().replace("title: Storm hits coast", "title: Storm hits the coast"))
    site.build()
    assert "Storm hits the coast" in site.page("2020/01/06/storm-hits-coast/")
    assert not (site.output / "2020/01/06/storm-hits-the-coast").exists()


def test_an_edited_headline_or_date_leaves_a_redirect_at_the_old_address(site):
    path = site.add_article("story", title="Mali hunts suspects", date="2015-11-21T12:00:00-05:00")
    site.build(RELATIVE_URLS=True)
    record = (site.content / "addresses.yml").read_text()
    assert "/2015/11/21/mali-hunts-suspects/: articles/story.md" in record
    site.add_article("story", title="Mali hunts three suspects", date="2015-11-22T12:00:00-05:00")
    site.build(RELATIVE_URLS=True)
    new = "2015/11/22/mali-hunts-three-suspects/"
    assert "Mali hunts three suspects" in site.page(new)
    moved = site.page("2015/11/21/mali-hunts-suspects/")
    assert f'content="0; url=../../../../{new}index.html"' in moved  # a preview build: relative, opens from disk
    assert f'<link rel="canonical" href="../../../../{new}index.html">' in moved
    assert f"/2015/11/21/mali-hunts-suspects/ /{new} 301" in (site.output / "_redirects").read_text()
    maps = (site.output / "_nginx/maps.conf").read_text()
    assert f"    /2015/11/21/mali-hunts-suspects/ /{new};" in maps
    assert "mali-hunts-suspects/" not in (site.output / "sitemap.xml").read_text().replace(new, "")
    assert f"/{new}: articles/story.md" in (site.content / "addresses.yml").read_text()
    assert path.exists()


def test_a_publish_build_redirects_to_absolute_addresses(site):
    site.add_article("story", title="First headline")
    site.build(SITEURL="https://digest.example.org", RELATIVE_URLS=False)
    site.add_article("story", title="Second headline")
    site.build(SITEURL="https://digest.example.org", RELATIVE_URLS=False)
    moved = site.page("2015/11/21/first-headline/")
    target = "https://digest.example.org/2015/11/21/second-headline/"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in moved
    assert f'<link rel="canonical" href="{target}">' in moved


def test_a_story_gone_answers_410_in_the_server_files_even_after_its_file_is_deleted(site):
    doomed = site.add_article("doomed", title="Doomed story")
    site.add_article("story", title="Story")
    site.build()
    site.add_article("doomed", title="Doomed story", status="gone")
    site.build()
    assert not (site.output / "2015/11/21/doomed-story").exists()
    gone_line = "/2015/11/21/doomed-story/ /404.html 410"
    assert gone_line in (site.output / "_redirects").read_text()
    assert "    /2015/11/21/doomed-story/ 1;" in (site.output / "_nginx/maps.conf").read_text()
    assert "/2015/11/21/doomed-story/: gone" in (site.content / "addresses.yml").read_text()
    doomed.unlink()
    site.build()
    assert gone_line in (site.output / "_redirects").read_text()


def test_aliases_written_by_hand_redirect(site):
    site.add_article("story", title="Story", aliases=["/old/blog/story.html", "2014/01/01/story"])
    site.build()
    assert 'content="0; url=/2015/11/21/story/"' in site.page("old/blog/story.html")
    site.build(RELATIVE_URLS=True)
    assert "url=../../2015/11/21/story/index.html" in site.page("old/blog/story.html")
    assert "url=../../../../2015/11/21/story/index.html" in site.page("2014/01/01/story/")


def test_an_alias_that_is_not_a_site_address_or_is_another_storys_fails_the_build_naming_the_file(site):
    site.add_article("other", title="Other")
    site.add_article("story", title="Story", aliases=["https://elsewhere.example/x/"])
    with pytest.raises(BuildFailed) as failure:
        site.build()
    [problem] = failure.value.problems
    assert problem.startswith(f"{site.content / 'articles/story.md'}:")
    assert "aliases: 'https://elsewhere.example/x/' is not an address on this site" in problem
    site.add_article("story", title="Story", aliases=["/2015/11/21/other/"])
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == [
        f"{site.content / 'articles/story.md'}: aliases: /2015/11/21/other/ is the address of articles/other.md"
    ]


def test_the_record_is_written_only_when_it_changes_and_never_by_a_failed_build(site):
    site.add_article("story", title="First headline")
    site.build()
    record = site.content / "addresses.yml"
    before, stamp = record.read_bytes(), record.stat().st_mtime_ns
    site.build()
    assert record.stat().st_mtime_ns == stamp  # nothing changed: not even rewritten
    site.add_article("story", title="Second headline")
    site.write("articles/broken.md", "---\ntitle: [unclosed\n---\n")
    with pytest.raises(BuildFailed):
        site.build()
    assert record.read_bytes() == before and "First headline" in site.page("2015/11/21/first-headline/")
    assert not [path for path in site.content.iterdir() if path.name.startswith(".addresses")]


def test_a_damaged_record_fails_the_build_with_its_line_and_a_lost_address_is_named(site, caplog):
    site.add_article("story", title="Story")
    site.write("addresses.yml", "/2015/11/21/story/: articles/story.md\n/bad address/: x\n")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == [
        f"{site.content / 'addresses.yml'}:2: '/bad address/' is not a site address (like /2015/11/21/slug/)"
    ]
    site.write("addresses.yml", "/2015/11/20/deleted/: articles/deleted.md\n")
    with caplog.at_level(logging.WARNING):
        site.build()
    assert any(
        "/2015/11/20/deleted/ was published for articles/deleted.md, which no story is now" in message
        for message in caplog.messages
    )


def test_the_command_line_build_keeps_the_record_in_the_content_folder(site):
    site.add_article("story", title="Story")
    result = run_cli(
        "build",
        "--settings",
        str(site.settings_file()),
        "--content",
        str(site.content),
        "--output",
        str(site.output),
        cwd=site.root,
    )
    assert result.returncode == 0, result.stderr
    assert "/2015/11/21/story/: articles/story.md" in (site.content / "addresses.yml").read_text()
