"""Suggested tags tell names from the words around them: each rule with invented text."""

from newsdigest.ingest import tagging
from newsdigest.ingest.story import Story


def tags(title: str, text: str, lang: str = "en") -> list[str]:
    return tagging.Tagger().tags(Story(title=title, paragraphs=text.split("\n"), lang=lang))


def test_a_name_after_an_article_at_a_sentence_start_is_still_a_name_of_its_own():
    suggested = tags(
        "Parliament delays the harbour budget",
        "Members of the Tolvering delayed the harbour budget on Tuesday.\n"
        "The Tolvering will meet again after the summer recess.",
    )
    assert "Tolvering" in suggested


def test_a_month_abbreviation_is_no_name():
    suggested = tags(
        "Ferry timetable changes",
        "From Nov the Varnholm ferry sails twice a day. Nov is the quiet month, Ingrid Solberg said.\n"
        "Ingrid Solberg runs the line, and the ferry keeps its Nov timetable until spring.",
    )
    assert "Nov" not in suggested and "Ingrid Solberg" in suggested


def test_a_given_name_spelt_as_a_month_abbreviation_stays_in_the_name():
    suggested = tags(
        "Cyclist wins the Varnholm stage",
        "Jan Ostrowski won the mountain stage on Sunday. Ostrowski attacked on the last climb.\n"
        "Jan Ostrowski now leads the race by a minute.",
    )
    assert "Jan Ostrowski" in suggested
