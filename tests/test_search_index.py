"""The search index comes in blocks: one edit re-indexes one block, and the search page
merges every block's bundle, so every story stays findable."""

import json
import re

from newsdigest.site.search_blocks import split


def pages(count, start=0):
    return [f"2020/01/{1 + n % 28:02d}/story-{n}/index.html" for n in range(start, start + count)]


def membership(blocks):
    return {block.name: block.pages for block in blocks}


def test_blocks_cover_every_page_once_and_stay_under_twice_the_target():
    blocks = split(pages(5000), 100)
    flattened = [page for block in blocks for page in block.pages]
    assert sorted(flattened) == sorted(pages(5000)) and len(flattened) == len(set(flattened))
    assert max(len(block.pages) for block in blocks) <= 200
    assert 25 <= len(blocks) <= 100  # about 5000 / 100


def test_adding_or_removing_one_story_changes_at_most_two_blocks():
    corpus = pages(3000)
    before = membership(split(corpus, 100))
    for changed in (corpus[:1500] + corpus[1501:], corpus + pages(1, start=99_999)):
        after = membership(split(changed, 100))
        differing = set(before.items()) ^ set(after.items())
        assert len({name for name, _ in differing}) <= 4, "a one-story change re-indexed distant blocks"


def test_search_page_merges_every_block_and_a_rebuild_reindexes_only_the_edited_block(site):
    for number in range(12):
        site.add_article(
            f"story-{number}",
            title=f"Story {number}",
            date=f"2015-11-{10 + number}T10:00:00Z",
            body=f"Story {number} is about the word zebra{number}.",
        )
    site.build(SEARCH_ENABLED=True, SEARCH_BLOCK_STORIES=3)
    page = site.page("search/")
    config = json.loads(re.search(r'<script type="application/json" id="search-config">(.*?)</script>', page).group(1))
    bundles = config["languages"]["en"]
    assert len(bundles) >= 3 and len(set(bundles)) == len(bundles)
    on_disk = sorted(p.parent.name for p in (site.output / "pagefind").glob("*/pagefind-entry.json"))
    assert sorted(url.strip("/").split("/")[-1] for url in bundles) == on_disk
    assert 'src="/theme/js/search.js"' in page
    # only what the search page loads: no files of Pagefind's own interfaces
    assert not list((site.output / "pagefind").glob("*/pagefind-*ui.*"))
    assert list((site.output / "pagefind").glob("*/pagefind.js"))

    before = {p: p.stat().st_mtime_ns for p in (site.output / "pagefind").rglob("*") if p.is_file()}
    story = site.content / "articles/story-4.md"
    story.write_text(story.read_text().replace("zebra4", "okapi"))
    site.build(SEARCH_ENABLED=True, SEARCH_BLOCK_STORIES=3)
    after = {p: p.stat().st_mtime_ns for p in (site.output / "pagefind").rglob("*") if p.is_file()}
    touched = {p.relative_to(site.output / "pagefind").parts[0] for p in after if before.get(p) != after[p]}
    assert len(touched) == 1, f"one edit re-indexed {len(touched)} blocks"


def test_each_story_is_indexed_in_its_own_language(site):
    site.add_article("en", title="Strike goes on", date="2015-11-20T10:00:00Z", body="The unions call another strike.")
    site.add_article(
        "fr",
        title="La grève continue",
        lang="fr",
        date="2015-11-21T10:00:00Z",
        body="Les syndicats appellent à une nouvelle journée de grève.",
    )
    site.build(SEARCH_ENABLED=True, SEARCH_BLOCK_STORIES=1)
    config = json.loads(re.search(r'id="search-config">(.*?)</script>', site.page("search/")).group(1))
    assert sorted(config["languages"]) == ["en", "fr"] and config["lang"] == "en"
    [french_bundle] = config["languages"]["fr"]
    entry = json.loads((site.output / french_bundle.strip("/") / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["fr"]


def test_a_block_is_keyed_by_what_pagefind_reads_not_by_what_surrounds_the_story():
    from newsdigest.site.search_blocks import indexed_part

    page = (
        b'<html lang="fr"><head><title>Gr\xc3\xa8ve</title></head><body><nav>Tags</nav>'
        b'<article class="story" data-pagefind-body><p>La gr\xc3\xa8ve.</p><ARTICLE>cit\xc3\xa9</ARTICLE></article>'
        b"<aside>Related: {related}</aside></body></html>"
    )
    first, second = indexed_part(page.replace(b"{related}", b"one")), indexed_part(page.replace(b"{related}", b"two"))
    assert first == second  # another story's related list changed: the block's key did not
    assert b'<html lang="fr"><head><title>' in first and first.endswith(b"</ARTICLE></article>")
    assert indexed_part(page.replace(b"La gr", b"Le gr")) != first  # the story's own text did
    assert indexed_part(b"<html><body><p>No mark</p></body></html>") == b"<html><body><p>No mark</p></body></html>"
