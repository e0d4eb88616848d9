"""Related stories: the words the ranking reads (`read_words`) are the same however they are read:
from each story's text or from the lines a build keeps in its cache, in one process or in several."""

from __future__ import annotations

import dataclasses

from newsdigest.site import related

SUBJECTS = [
    ("Harbour", "The Harbour Board of Kelso approved a new ferry terminal for the island crossing."),
    ("Orchard", "Growers in the Vale of Ashby report a late frost that damaged the apple blossom."),
    ("Library", "The Carnegie Library in Dunmore reopens after a roof repair paid for by the council."),
]


def _stories(count: int) -> list[related.StoryText]:
    stories = []
    for number in range(count):
        subject, text = SUBJECTS[number % len(SUBJECTS)]
        stories.append(
            related.StoryText(
                f"{subject} report {number}: Marta Keller speaks",
                f"Follow-up {number} on the {subject.lower()} story",
                f"{text} Marta Keller of Dunmore said story {number} was about the {subject.lower()}.",
                (subject,),
                float(number),
            )
        )
    return stories


def test_a_ranking_from_cached_lines_is_the_ranking_from_the_text():
    stories = _stories(12)
    fresh = related.read_words(stories)
    known = {related.text_key(story): line for story, line in zip(stories, fresh.lines, strict=True)}
    cached = related.read_words(stories, known=known)
    assert cached.lines == fresh.lines
    for one, other in ((cached.words, fresh.words), (cached.names, fresh.names)):
        assert one.labels == other.labels and one.ids.tolist() == other.ids.tolist()
    assert related.ranking_to_json(related.rank(stories, story_words=cached)) == related.ranking_to_json(
        related.rank(stories)
    )


def test_words_get_the_same_columns_in_worker_processes_as_in_one():
    stories = _stories(450)  # over the size at which worker processes start, in chunks of 500 and less
    alone, shared = related.read_words(stories, workers=1), related.read_words(stories, workers=2)
    for one, other in ((alone.words, shared.words), (alone.names, shared.names)):
        assert one.labels == other.labels == sorted(other.labels)
        assert one.ids.tolist() == other.ids.tolist() and one.bounds.tolist() == other.bounds.tolist()
    assert alone.lines == shared.lines
    first = alone.words
    assert [first.labels[i] for i in first.ids[first.bounds[0] : first.bounds[1]]] == related.words(
        f"{stories[0].title} {stories[0].standfirst} {stories[0].body}", "en"
    )
    edited = [dataclasses.replace(stories[0], body="Marta Keller opened the harbour terminal."), *stories[1:]]
    assert related.read_words(edited).lines[0].split("\t")[1:] == ["Marta Keller"]


def test_plain_english_text_gives_the_words_the_general_reading_gives():
    """Most stories are ASCII but for quotes, dashes and currency signs, and are read without the
    regular expression; the words are the same as the general reading's, whatever the text holds."""
    texts = [
        "“It’s a G7 deal,” said O’Neill – the £5bn plan (no. 10) won’t pass: a_b I 2015 x-ray e.g. U.S.A.",
        "Tabs\tand\nnew lines… • bullets · and «quotes» cost €20\u00a0each; 3D printers, 4x4s & A4 paper.",
        "Café owners in Zürich met the naïve mayor",  # letters outside ASCII: the general reading
        "Die Regierung und der Bundestag – „Klimaschutz“ für 2030",
    ]
    for text in texts:
        for lang in ("en", "de"):
            general = [
                word
                for word in related._WORD.findall(text.casefold())
                if word not in related.language_stop_words(lang) and not word.isdigit()
            ]
            assert related.words(text, lang) == general, text
    assert related.words(texts[0], "en")[:4] == ["g7", "deal", "neill", "5bn"]
