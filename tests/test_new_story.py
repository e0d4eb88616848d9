"""`newsdigest new "Headline"` writes a hand-written story's file with its front matter filled in
and prints its path; it never overwrites one, and refuses what cannot be published."""

import datetime as dt
from pathlib import Path

from newsdigest.content import frontmatter

from conftest import run_cli


def new(site, *args: str):
    return run_cli(
        "new",
        "--content",
        str(site.content),
        "--settings",
        str(site.settings_file(TIMEZONE="Asia/Kolkata")),
        *args,
        cwd=site.root,
    )


def test_new_writes_a_story_that_builds_and_never_overwrites_one(site):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    result = new(site, "Storm hits the coast: 3 dead", "--source", "BBC News", "--url", "https://bbc.co.uk/news/1")
    assert result.returncode == 0, result.stderr
    path = site.root / result.stdout.strip()
    story = frontmatter.parse(path.read_text())
    moment = dt.datetime.fromisoformat(story.metadata["date"])
    assert moment.utcoffset() == dt.timedelta(hours=5, minutes=30)  # now, in the site's TIMEZONE
    assert before <= moment <= dt.datetime.now(dt.UTC)
    assert path.relative_to(site.content) == Path(f"articles/{moment:%Y}/{moment:%m}/storm-hits-the-coast-3-dead.md")
    assert {key: story.metadata[key] for key in ("title", "slug", "source", "source_url")} == {
        "title": "Storm hits the coast: 3 dead",
        "slug": "storm-hits-the-coast-3-dead",
        "source": "BBC News",
        "source_url": "https://bbc.co.uk/news/1",
    }
    written = path.read_bytes()
    again = new(site, "Storm hits the coast: 3 dead")
    assert again.returncode == 0 and again.stdout.strip().endswith("storm-hits-the-coast-3-dead-2.md")
    assert path.read_bytes() == written
    assert story.metadata["status"] == "draft"  # published by `newsdigest ready` (test_drafts.py)
    site.build(SEARCH_ENABLED=False, TIMEZONE="Asia/Kolkata", NEWSDIGEST_SHOW_DRAFTS=True)
    assert (site.output / f"drafts/{moment:%Y/%m/%d}/storm-hits-the-coast-3-dead-2/index.html").is_file()


def test_new_refuses_an_address_that_is_no_web_address_and_a_headline_with_no_word(site):
    result = new(site, "A story", "--url", "javascript:alert(1)")
    assert result.returncode == 2 and result.stderr.startswith("newsdigest new: --url 'javascript:alert(1)'")
    result = new(site, "--", "!!!")
    assert result.returncode == 2 and "needs a letter or a digit" in result.stderr
    assert not list((site.content / "articles").rglob("*.md"))
