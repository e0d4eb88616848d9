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
        "Año tras año, Pedro Sánchez promete vivienda. Pedro Sánchez habló.\n"
        "Espera el gobierno un acuerdo con Sumar. El gobierno espera apoyo de Sumar, y Sumar lo da.\n"
        "Este año el Congreso de los Diputados vota.",
        lang="es",
    )
    assert tags == ["Sumar", "Congreso de los Diputados", "Pedro Sánchez"]
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
        "Creative Commons Lizenzen sind frei. Die Lizenzen von Creative Commons gelten, wie Creative Commons sagt.",
        lang="de",
    )
    assert tags == ["Creative Commons", "Kai Buchmann"]


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


def test_a_name_is_suggested_when_the_story_makes_it_prominent():
    tags = suggest(
        "Lapid calls for early elections",
        "Opposition leader Yair Lapid spoke in the Knesset on Monday.\n"
        "The budget vote is next week.\n"
        "Ministers met in Jerusalem. Later, Dana Weiss of the finance committee said Dana Weiss had doubts.\n"
        "Tal Cohen agreed. Tal Cohen, Tal Cohen's aides and Cohen's party voted.",
    )
    # Up top: Yair Lapid; named three times: Tal Cohen; named twice, past the lead: not Dana Weiss.
    assert "Yair Lapid" in tags and "Tal Cohen" in tags and "Dana Weiss" not in tags


def test_at_most_six_tags_the_headline_s_first():
    names = [
        "Anna Ray",
        "Boris Lund",
        "Cyril Moss",
        "Diane Hart",
        "Edgar Pike",
        "Flora Dunn",
        "Gus Kerr",
        "Harold Vane",
    ]
    text = "\n".join(f"{name} spoke. {name} voted. {name} left." for name in names)
    tags = suggest("Harold Vane wins the vote", text)
    assert len(tags) == 6 and tags[0] == "Harold Vane"


def test_one_word_a_german_dictionary_knows_is_a_common_noun_unless_the_headline_names_it():
    tags = suggest(
        "Neuer Spielplatz für Nordhausen",
        "Im Park steht die neue Anlage. Kinder finden Armut schlimm, Armut ist überall, sagte sie.\n"
        "Nordhausen baut weiter. Gegen Armut hilft Nordhausen mit Geld.\n"
        "Nordhausen freut sich.",
        lang="de",
    )
    assert tags == ["Nordhausen"]


def test_the_forms_of_a_name_in_an_inflecting_language_are_one_tag_in_its_dictionary_form():
    tags = suggest(
        "Napięcie między Czechami a Rosją",
        "Rząd w Pradze wydalił dyplomatów Rosji, a Czechy zamknęły granicę dla Rosji. Zarazem Czechy milczą.\n"
        "Rosja odpowiedziała. Wkrótce Rosja wydaliła czeskich dyplomatów, a Czechy protestowały.\n"
        "Pieniądze z Funduszu Odbudowy czekają. Fundusz Odbudowy ma pomóc, mówi rząd o Funduszu Odbudowy.",
        lang="pl",
    )
    assert "Rosja" in tags and "Czechy" in tags and "Fundusz Odbudowy" in tags
    assert not {"Rosji", "Funduszu Odbudowy", "Zarazem Czechy"} & set(tags)


def test_a_country_is_one_tag_in_the_story_s_language():
    polish = suggest(
        "Finowie odkrywają wino",
        "W Finlandii rośnie winiarstwo. Raport This is Finland chwali Finlandię.\n"
        "Finlandia ma winnice. W Finlandii pije się mniej.",
        lang="pl",
    )
    german = suggest(
        "Fans in Deutschland",
        "Deutschland spielt in Katar. Viele Fans in Deutschland protestieren gegen Katar.",
        lang="de",
    )
    assert "Finlandia" in polish and "Finland" not in polish
    assert "Deutschland" in german and "Katar" in german and "Germany" not in german


def test_a_common_word_or_a_month_before_a_name_is_cut_from_it():
    german = suggest(
        "Bahn wird billiger",
        "Die Steuer sinkt, sagt Habeck. Laut Habeck sinken die Preise, so will es Habeck.\n"
        "Habeck will Bahnfahren fördern. Im Juli Trainer Hans Meyer entlassen, sagte Hans Meyer.",
        lang="de",
    )
    french = suggest(
        "Le budget présenté",
        "Le ministre de l'Économie Bruno Le Maire présente le budget. Bruno Le Maire promet des économies.",
        lang="fr",
    )
    assert "Habeck" in german and not {"Laut Habeck", "Juli Trainer Hans Meyer"} & set(german)
    assert "Hans Meyer" in german
    assert french == ["Bruno Le Maire"]


def test_names_with_accented_capitals_and_letters_are_names():
    tags = suggest(
        "Babiš odpowiada Moskwie",
        "Premier Andrej Babiš zabrał głos. Andrej Babiš mówił o wybuchu w Vrběticach.\n"
        "Łukasz Żak przyjechał do Łodzi. Łukasz Żak wyjechał.",
        lang="pl",
    )
    assert "Andrej Babiš" in tags and "Łukasz Żak" in tags
