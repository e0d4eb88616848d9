"""Drafts stay drafts: `newsdigest new` writes `status: draft`; no build without drafts, and no
publish, puts one anywhere a reader or a search engine finds it; `serve` and `build --drafts`
show it under /drafts/ with a banner; `newsdigest ready FILE` publishes it; `publish` refuses a
story with nothing to read, naming it, and deploys nothing."""

import re
import subprocess

from newsdigest.content import frontmatter
from newsdigest.serve import server

from conftest import run_cli

SITEURL = "https://digest.example.org"
DRAFT_TITLE = "Unfinished Mali siege analysis"
BODY = "Gunmen stormed the Radisson Blu hotel in Bamako, Mali, taking guests hostage during the siege."


def add_stories(site):
    """A published story, and a draft like `newsdigest new` writes, sharing its day, tag and words:
    were the draft treated as a story, it would be everywhere the published one is."""
    site.add_article("published", title="Mali hotel siege ends", slug="published", tags=["Mali"], body=BODY)
    return site.write(
        "articles/draft.md",
        frontmatter.dump(
            {"status": "draft", "title": DRAFT_TITLE, "date": "2015-11-21T13:00:00-05:00", "slug": "mali-draft"}
            | {"tags": ["Mali"]},
            BODY + " More to come.",
        ),
    )


def files_naming_the_draft(folder) -> list[str]:
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and (b"mali-draft" in path.read_bytes() or DRAFT_TITLE.encode() in path.read_bytes())
    )


def test_new_writes_a_draft_and_a_build_leaves_it_out_of_everything(site):
    settings = str(site.settings_file())
    result = run_cli("new", "A blank headline", "--content", str(site.content), "--settings", settings, cwd=site.root)
    assert result.returncode == 0, result.stderr
    written = frontmatter.parse((site.root / result.stdout.strip()).read_text())
    assert written.metadata["status"] == "draft" and "note" not in written.metadata and not written.body.strip()
    add_stories(site)
    built = site.build(SITEURL=SITEURL, SEARCH_ENABLED=True)
    for page in ("sitemap.xml", "feeds/all.atom.xml", "editions/2015-11-21/index.html", "tags/mali/index.html"):
        assert "Mali hotel siege ends" in site.page(page) or "2015/11/21/published/" in site.page(page), page
    assert files_naming_the_draft(site.output) == []
    assert not (site.output / "drafts").exists()
    assert "A blank headline" not in "".join(p.read_text() for p in site.output.rglob("*.html"))
    indexed = [page for block in built.record.search_blocks for page in block.pages]
    assert indexed == ["2015/11/21/published/index.html"]
    assert "draft" not in (site.content / "addresses.yml").read_text()


def test_build_drafts_and_serve_show_a_draft_under_drafts_with_a_banner_and_nowhere_else(site):
    add_stories(site)
    result = run_cli("build", "--drafts", *site.cli_options(site.settings_file(RELATIVE_URLS=False)), cwd=site.root)
    assert result.returncode == 0, result.stderr
    page = site.page("drafts/2015/11/21/mali-draft/")
    assert '<p class="draft-banner" role="note"><strong>Draft</strong>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert re.search(r"\b[1-9]\d* min read", page), "the draft's page shows its reading time, as it will once published"
    assert files_naming_the_draft(site.output) == ["drafts/2015/11/21/mali-draft/index.html"]
    assert "draft-banner" not in site.page("2015/11/21/published/")

    site.remove_output()
    assert server.Preview(str(site.settings_file(RELATIVE_URLS=False)), site.content, site.output).start() is not None
    assert "draft-banner" in site.page("drafts/2015/11/21/mali-draft/")
    assert files_naming_the_draft(site.output) == ["drafts/2015/11/21/mali-draft/index.html"]


def test_ready_publishes_a_draft_changing_only_its_status_line(site):
    draft = add_stories(site)
    draft.write_bytes(draft.read_bytes().replace(b"\n", b"\r\n"))  # a file saved on Windows keeps its line ends
    before = draft.read_bytes()
    result = run_cli("ready", str(draft), cwd=site.root)
    assert result.returncode == 0, result.stderr
    assert draft.read_bytes() == before.replace(b"status: draft\r\n", b"")
    site.build()
    assert DRAFT_TITLE in site.page("2015/11/21/mali-draft/")
    assert "draft-banner" not in site.page("2015/11/21/mali-draft/")

    again = run_cli("ready", str(draft), cwd=site.root)
    assert again.returncode == 1
    assert (
        again.stderr == "newsdigest ready: content/articles/draft.md: not a draft: it has no status (it is published)\n"
    )
    missing = run_cli("ready", "content/articles/nope.md", cwd=site.root)
    assert (missing.returncode, missing.stderr) == (1, "newsdigest ready: content/articles/nope.md: no such file\n")


def publish(site, deployed) -> subprocess.CompletedProcess:
    settings = site.settings_file(SITEURL=SITEURL, RELATIVE_URLS=False)
    return run_cli("publish", *site.cli_options(settings), "--to", str(deployed), cwd=site.root)


def test_publish_never_deploys_a_draft(site):
    add_stories(site)
    result = publish(site, site.root / "deployed")
    assert result.returncode == 0, result.stderr
    assert (site.root / "deployed/2015/11/21/published/index.html").is_file()
    assert files_naming_the_draft(site.root / "deployed") == []


def test_publish_refuses_every_story_with_an_empty_body_naming_each_and_deploys_nothing(site):
    add_stories(site)
    site.add_article("empty", body="")
    site.add_article("blank", body="\n   \n")
    result = publish(site, site.root / "deployed")
    assert result.returncode == 1
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("ERROR"))
    assert errors == [
        f"ERROR: content/articles/{name}.md: empty body: nothing to publish (write it, or mark it `status: draft`)"
        for name in ("blank", "empty")
    ]
    assert not (site.root / "deployed").exists() and not site.output.exists()
