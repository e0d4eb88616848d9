"""Suggested tags an editor keeps, and tag names that can always become pages."""

from newsdigest.content.slugs import slugify
from newsdigest.ingest import tagging
from newsdigest.ingest.story import Story
from newsdigest.site.taxonomy import build_terms
from newsdigest_bench import tagging as tag_fixtures


def suggest(title: str, text: str, **fields) -> list[str]:
    return tagging.Tagger().tags(Story(title=title, paragraphs=text.split("\n"), **fields))


def story(title: str, text: str, lang: str = "en", **fields) -> Story:
    return Story(title=title, paragraphs=text.split("\n"), lang=lang, **fields)


def test_the_junk_rule_names_each_kind_of_junk_in_several_languages():
    english = story("Marines land on Guadalcanal", "Marines landed on Guadalcanalin World War II. Guadalcanal fell.")
    spanish = story("Lista la ley", "La ley está lista. El gobierno espera. Cada año hay una ley.", "es")
    german = story("Neue Regeln", "Die Regeln gelten ab Montag.", "de")
    korean = story("반도체 공장", "삼성전자가 새 공장을 짓는다.", "ko")
    expected = [
        ("as", english, "function word"),
        ("Takes", english, "function word"),
        ("Ab", german, "function word"),
        ("C’est", story("Le débat", "C’est le débat.", "fr"), "function word"),
        ("Aug", english, "month or weekday"),
        ("Montag", german, "month or weekday"),
        ("agosto", spanish, "month or weekday"),
        ("8월", korean, "month or weekday"),
        ("Mr", english, "short token"),
        ("Add More Videos", english, "furniture"),
        ("Gold Loading", english, "furniture"),
        ("RSS", english, "furniture"),
        ("SLIDE", english, "furniture"),
        ("Teilen", german, "furniture"),
        ("뉴스", korean, "site section"),
        ("경제", korean, "site section"),
        ("사설", korean, "site section"),
        ("Wirtschaft", german, "site section"),
        ("Noticias", spanish, "site section"),
        ("of Schmidt", english, "fragment"),
        ("Guadalcanalin World War", english, "fragment"),
        ("Lista", spanish, "ordinary word"),
        ("Espera", spanish, "ordinary word"),
        ("Año", spanish, "ordinary word"),
        ("Marines Land on Guadalcanal", english, "headline run"),
    ]
    found = [(tag, case.lang, tag_fixtures.junk_kind(tag, case)) for tag, case, _ in expected]
    assert found == [(tag, case.lang, kind) for tag, case, kind in expected]


def test_the_junk_rule_passes_names_acronyms_and_topics():
    english = story(
        "Floods in El Salvador", "The UK and the United States sent help to El Salvador. R users wrote code."
    )
    spanish = story("El Banco de España", "El Banco de España eleva su previsión en Magdalena Medio.", "es")
    for tag, case in [
        ("United States", english),
        ("El Salvador", english),
        ("UK", english),
        ("R", english),
        ("coffee", english),
        ("Banco de España", spanish),
        ("Magdalena Medio", spanish),
    ]:
        assert tag_fixtures.junk_kind(tag, case) is None, tag


def test_no_function_word_month_or_ordinary_word_starting_a_sentence_becomes_a_tag():
    tags = suggest(
        "Lista la nueva ley de vivienda",
        "Lista para votar, la ley llega al Congreso de los Diputados. La ley está lista desde marzo.\n"
        "Espera el gobierno un acuerdo con Sumar. El gobierno espera apoyo de Sumar.\n"
        "Año tras año, Pedro Sánchez promete vivienda. Pedro Sánchez habló.\n"
        "Este año el Congreso de los Diputados vota.",
        lang="es",
    )
    assert tags == ["Congreso de los Diputados", "Pedro Sánchez", "Sumar"]
    tags = suggest(
        "Marines take Guadalcanal",
        "In Aug the marines landed. Aug was hot. As the marines landed on Guadalcanal, Schmidt watched.\n"
        "As Schmidt said, Guadalcanal was hard. Takes time, said Schmidt. Takes courage.",
    )
    assert tags == ["Guadalcanal", "Schmidt"]


def test_common_nouns_of_a_language_that_capitalises_them_are_no_names():
    tags = suggest(
        "Hilfe für die Stadt",
        "Die Hilfe kommt. Mit der Hilfe der Stadt Nordhausen baut Oberbürgermeister Kai Buchmann.\n"
        "Die Hilfe ist groß. Kai Buchmann sagte, die Stadt brauche Hilfe. Buchmann lobte die Hilfe.\n"
        "Creative Commons Lizenzen sind frei. Die Lizenzen von Creative Commons gelten weltweit.",
        lang="de",
    )
    assert tags == ["Kai Buchmann", "Creative Commons"]


def test_site_sections_and_widgets_never_become_tags_whatever_the_page_says():
    korean = suggest(
        "반도체 공장",
        "삼성전자가 새 반도체 공장을 짓는다. 삼성전자는 평택에 공장을 세운다.",
        lang="ko",
        tags=["뉴스", "경제", "사설", "삼성전자"],
    )
    assert korean == ["삼성전자"]
    english = suggest(
        "Fed raises rates",
        "Add More Videos\nGold Loading\nSign\n"
        "The Federal Reserve raised rates. The Federal Reserve said inflation eased.",
        tags=["RSS", "Sign", "SLIDE", "News", "Federal Reserve"],
    )
    assert english == ["Federal Reserve"]


def test_a_headline_split_into_words_gives_no_tags():
    tags = suggest(
        "Obama Says Economy Will Recover Soon, Warns Congress",
        "The president spoke on Tuesday. He said jobs would return and that lawmakers should act.\n"
        "Economists were less sure. They said hiring was slow.",
    )
    assert tags == []


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
