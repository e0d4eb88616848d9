"""simplemma's dictionaries as the tagger opens them (newsdigest.ingest.dictionaries): the first
process saves each as a trie, every later one opens that file instead of decoding seconds of
data again, and a damaged file or a folder it cannot write in still gives the whole dictionary."""

import pytest
from simplemma.strategies.dictionaries import DefaultDictionaryFactory

from newsdigest.ingest import dictionaries

SMALL = "ms"  # Malay: simplemma's smallest dictionary, decoded in a moment


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    return dict(DefaultDictionaryFactory().get_dictionary(SMALL).items())


def _refuse_decoding(lang: str):
    raise AssertionError(f"{lang} decoded again instead of opened")


def test_a_dictionary_saved_by_one_process_is_opened_by_the_next_without_decoding(tmp_path, monkeypatch, expected):
    first = dictionaries.SavedDictionaries(tmp_path).get_dictionary(SMALL)
    assert dict(first.items()) == expected
    assert [path.name for path in tmp_path.iterdir()] == [f"{SMALL}.marisa"]  # no part file left behind

    monkeypatch.setattr(dictionaries, "_load_dictionary_from_disk", _refuse_decoding)
    again = dictionaries.SavedDictionaries(tmp_path).get_dictionary(SMALL)
    assert dict(again.items()) == expected


def test_a_damaged_file_is_decoded_again_and_replaced(tmp_path, monkeypatch, expected):
    (tmp_path / f"{SMALL}.marisa").write_bytes(b"half a trie")
    assert dict(dictionaries.SavedDictionaries(tmp_path).get_dictionary(SMALL).items()) == expected
    monkeypatch.setattr(dictionaries, "_load_dictionary_from_disk", _refuse_decoding)
    assert dict(dictionaries.SavedDictionaries(tmp_path).get_dictionary(SMALL).items()) == expected


def test_a_folder_it_cannot_write_in_still_gives_the_dictionary(tmp_path, expected):
    blocked = tmp_path / "a file" / "dictionaries"  # its parent is a file: no folder can be made there
    (tmp_path / "a file").write_text("", encoding="utf-8")
    assert dict(dictionaries.SavedDictionaries(blocked).get_dictionary(SMALL).items()) == expected
    assert not blocked.exists()
