"""Every output path is claimed once: an alias, slug or `save_as` that lands on a file the build
writes (theme static files, feeds, search bundles, robots.txt, sitemaps, `_redirects`, `_nginx/`),
or on another story's file, fails the build naming both, and the last good site stays whole."""

import pytest

from newsdigest.build.errors import BuildFailed
from newsdigest.build.output_claims import OutputClaims, normalise

from conftest import run_cli, tree

# -- the plain rules -----------------------------------------------------------------------------


def test_one_file_has_one_spelling():
    assert normalise("/Feeds/./all.atom.xml") == "feeds/all.atom.xml"
    assert normalise("/2015/11/21/x/") == "2015/11/21/x/index.html"
    assert normalise("2015/11/21/x/index.html") == "2015/11/21/x/index.html"
    assert normalise("/robots%2Etxt") == "robots.txt"
    assert normalise("/") == "index.html"


def test_a_story_cannot_claim_a_reserved_file_or_folder_or_another_storys_file():
    claims = OutputClaims()
    claims.reserve("robots.txt", "the build's robots.txt")
    claims.reserve_folder("feeds/", "the site's feeds")
    assert claims.claim("/ROBOTS.txt", "a.md (aliases: /ROBOTS.txt)", "a.md") == (
        "a.md (aliases: /ROBOTS.txt): writes /ROBOTS.txt, which the build's robots.txt also writes"
    )
    assert "the site's feeds" in (claims.claim("feeds/x/", "a.md", "a.md") or "")
    assert claims.claim("2015/x/", "a.md", "a.md") is None
    assert claims.claim("2015/x/index.html", "template article", "a.md") is None  # its own page, written
    assert claims.claim("/2015/x/", "b.md (aliases: /2015/x/)", "b.md") == (
        "b.md (aliases: /2015/x/): writes /2015/x/, which a.md also writes"
    )
    assert claims.claim("feeds/index.html", "template feeds") is None  # the build's own page


# -- a build -------------------------------------------------------------------------------------


def _fails_keeping_the_site(site, name: str, **metadata) -> str:
    """Build a good site, add story `name` with `metadata`: the build fails with one problem,
    which it returns, and the previous site is unchanged."""
    site.add_article("good", title="Good")
    site.build()
    before = tree(site.output)
    story = site.add_article(name, **metadata)
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert tree(site.output) == before
    [problem] = failure.value.problems
    assert problem.startswith(str(story)), problem
    return problem


@pytest.mark.parametrize(
    ("alias", "file", "owner"),
    [
        ("/theme/css/site.css", "theme/css/site.css", "the theme's static files"),
        ("/feeds/all.atom.xml", "feeds/all.atom.xml", "the site's feeds"),
        ("/pagefind/pagefind.js", "pagefind/pagefind.js", "the search index"),
        ("/robots.txt", "robots.txt", "the build's robots.txt"),
        ("/sitemap.xml", "sitemap.xml", "the build's sitemap"),
        ("/_redirects", "_redirects/index.html", "the build's web server redirects"),
        ("/_nginx/maps.conf", "_nginx/maps.conf", "the build's nginx rules"),
    ],
)
def test_an_alias_onto_a_file_the_build_writes_fails_naming_both(site, alias, file, owner):
    problem = _fails_keeping_the_site(site, "story", aliases=[alias])
    alias = alias if "." in alias.rsplit("/", 1)[1] else alias + "/"  # an address without a dot is a folder's
    assert (
        problem == f"{site.content / 'articles/story.md'} (aliases: {alias}): writes {file}, which {owner} also writes"
    )


def test_an_alias_in_another_spelling_is_the_same_file(site):
    problem = _fails_keeping_the_site(site, "story", aliases=["/Theme/CSS/Site.css"])
    assert "which the theme's static files also writes" in problem


def test_save_as_onto_a_feed_fails_naming_both(site):
    problem = _fails_keeping_the_site(site, "story", save_as="feeds/all.atom.xml")
    assert (
        problem
        == f"{site.content / 'articles/story.md'}: writes feeds/all.atom.xml, which the site's feeds also writes"
    )


def test_a_page_slug_onto_the_search_page_fails_naming_both(site):
    site.add_article("good", title="Good")
    site.build()
    before = tree(site.output)
    page = site.write("pages/search.md", "---\ntitle: Search\nslug: search\n---\nBody\n")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    assert failure.value.problems == [f"{page}: writes search/index.html, which the search page also writes"]
    assert tree(site.output) == before


def test_two_aliases_of_two_stories_onto_one_path_fail_naming_both(site):
    site.add_article("first", title="First", aliases=["/old/shared/"])
    problem = _fails_keeping_the_site(site, "second", title="Second", aliases=["/old/shared/"])
    assert (
        problem == f"{site.content / 'articles/second.md'}: aliases: /old/shared/ is also an alias of articles/first.md"
    )


def test_an_alias_onto_another_storys_address_fails_naming_both(site):
    problem = _fails_keeping_the_site(site, "story", aliases=["/2015/11/21/good/"])
    assert (
        problem
        == f"{site.content / 'articles/story.md'}: aliases: /2015/11/21/good/ is the address of articles/good.md"
    )


def test_an_alias_onto_a_page_fails_naming_both(site):
    page = site.write("pages/about.md", "---\ntitle: About\n---\nBody\n")
    problem = _fails_keeping_the_site(site, "story", aliases=["/About/"])
    assert (
        problem
        == f"{site.content / 'articles/story.md'} (aliases: /About/): writes About/index.html, which {page} also writes"
    )


def test_the_command_line_exits_non_zero_with_one_line_and_redirects_nothing(site):
    site.add_article("good", title="Good")
    site.build()
    before = tree(site.output)
    site.add_article("story", aliases=["/robots.txt"])
    result = run_cli(
        "build", "--settings", str(site.settings_file()), "--content", str(site.content), "--output", str(site.output)
    )
    assert result.returncode == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert "story.md (aliases: /robots.txt): writes robots.txt, which the build's robots.txt also writes" in error
    assert tree(site.output) == before
    assert "/robots.txt" not in (site.output / "_redirects").read_text()
