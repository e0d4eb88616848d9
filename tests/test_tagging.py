"""Suggested tags an editor keeps, and tag names that can always become pages."""

from newsdigest.content.slugs import slugify
from newsdigest.ingest import tagging
from newsdigest.ingest.story import Story
from newsdigest.site.taxonomy import build_terms
from newsdigest_bench import tagging as tag_fixtures

from conftest import BBC, require_shared


def suggest(title: str, text: str, **fields) -> list[str]:
    return tagging.Tagger().tags(Story(title=title, paragraphs=text.split("\n"), **fields))


def test_the_editor_fixture_set_scores_precision_and_recall():
    require_shared(BBC)
    fixtures = tag_fixtures.cases()
    assert len(fixtures) >= 40
    precision, recall, _ = tag_fixtures.score(fixtures, tag_fixtures.bbc_texts())
    assert precision >= 0.9 and recall >= 0.6, (precision, recall)


def test_possessives_become_the_full_name_the_story_gives():
    tags = suggest(
        "Netanyahu’s coalition survives",
        "Prime Minister Benjamin Netanyahu won a vote.\n"
        "Netanyahu’s partners stayed. Netanyahu’s critics said Lupita Nyong'o's film was better.\n"
        "Lupita Nyong'o's agent agreed.",
    )
    assert "Benjamin Netanyahu" in tags and "Lupita Nyong'o" in tags
    assert not any("’s" in tag or "'s" in tag for tag in tags)


def test_variants_fold_into_the_fullest_name():
    tags = suggest(
        "Apple’s Vision Pro on sale",
        "Apple’s Vision Pro goes on sale. The Vision Pro is heavy.\n"
        "Apple Vision Pro sales slowed, and the Vision Pro price stays.",
    )
    assert "Apple Vision Pro" in tags and "Vision Pro" not in tags


def test_no_fragments_furniture_publisher_or_headline_phrases():
    tags = suggest(
        "Pro With Scissor Keyboard Expected Soon",
        "It’s Seattle’s biggest vote. Voters in Seattle decide today.\n"
        "The New Zealand Department of Conservation counted birds. The New Zealand Department of "
        "Conservation said so.",
        source="Salon.com",
        tags=["Story", "Exclusive", "CELEBRITY JUSTICE ™", "Salon.com", "_no-apple-news", "Seattle"],
    )
    assert "New Zealand Department of Conservation" in tags and "Seattle" in tags
    for unwanted in (
        "Zealand Department",
        "It’s Seattle",
        "Story",
        "Exclusive",
        "CELEBRITY JUSTICE ™",
        "Salon.com",
        "_no-apple-news",
        "Pro With Scissor Keyboard Expected",
    ):
        assert unwanted not in tags


def test_symbol_names_keep_distinct_readable_slugs():
    assert [slugify(name) for name in ("C#", "C++", "F#", ".NET")] == ["c-sharp", "c-plus-plus", "f-sharp", "dot-net"]
    terms, _ = build_terms("tags", [("a", ["C#"]), ("b", ["C++"]), ("c", ["F#"]), ("d", [".NET"]), ("e", ["C"])])
    assert sorted(term.slug for term in terms) == ["c", "c-plus-plus", "c-sharp", "dot-net", "f-sharp"]


def test_a_tag_without_letter_or_digit_fails_the_build_naming_the_file(site):
    import pytest

    from newsdigest.build.errors import BuildFailed

    site.add_article("fine", title="Fine", tags=["Mali"])
    site.add_article("shouting", title="Shouting", tags=["Mali", "!!!"])
    site.add_article("dash", title="Dash", tags=["—"], date="2015-11-22T10:00:00Z")
    with pytest.raises(BuildFailed) as failure:
        site.build()
    problems = "\n".join(failure.value.problems)
    assert "shouting.md" in problems and "'!!!' has no letter or digit" in problems
    assert "dash.md" in problems and "'—'" in problems
    assert not (site.output / "tags").exists()
