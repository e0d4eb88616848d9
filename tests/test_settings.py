"""newsdigest's settings: each read once into its concept's frozen dataclass, converted and
checked, with the defaults in one place; a wrong value is one clear error naming the setting."""

import dataclasses

import pytest

from newsdigest import settings as setting_fields
from newsdigest.ingest import sources
from newsdigest.settings import SettingsError
from newsdigest.site import editions, feed_settings, presentation, related, search_blocks, taxonomy
from newsdigest.site.settings import SiteSettings

from conftest import run_cli


def problems(group, mapping) -> list[str]:
    with pytest.raises(SettingsError) as raised:
        group.from_settings(mapping)
    return raised.value.problems


def test_a_setting_left_out_takes_its_default():
    read = SiteSettings.from_settings({})
    assert read == SiteSettings()
    assert read.related.max_related == 5 and read.feeds.kinds == ("tags", "sections", "sources")
    assert read.presentation.note_label == "Why it matters" and read.search.enabled is True


def test_values_are_converted_to_the_fields_types():
    read = SiteSettings.from_settings(
        {
            "RELATED_TEXT_WEIGHT": 2,
            "RELATED_DECAY_DAYS": 30,
            "FEED_KINDS": ["sections"],
            "TAXONOMY_KINDS": ("tags", "authors"),
            "DEFAULT_LANG": "fr",
        }
    )
    assert read.related.text_weight == 2.0 and isinstance(read.related.text_weight, float)
    assert read.related.decay_days == 30.0
    assert read.related.default_lang == "fr"  # Pelican's own setting, read but never given back
    assert read.feeds.kinds == ("sections",) and read.taxonomy.kinds == ("tags", "authors")


def test_every_setting_goes_back_by_name_as_a_settings_file_gives_it():
    names = SiteSettings().values()
    assert names["FEED_KINDS"] == ["tags", "sections", "sources"]
    assert names["NOTE_LABEL"] == "Why it matters" and names["AGE_NOTICE_YEARS"] == 1
    assert "DEFAULT_LANG" not in names  # Pelican's, not newsdigest's
    changed = {**names, "RELATED_MAX": 3, "EDITION_PERIOD": "week", "FEED_WEBSUB_HUB": "https://hub.example/"}
    assert SiteSettings.from_settings(changed).values() == changed


def test_a_value_of_the_wrong_type_names_the_setting():
    assert problems(related.Settings, {"RELATED_MAX": "five"}) == ["RELATED_MAX must be a whole number, not 'five'"]
    assert problems(related.Settings, {"RELATED_MAX": True}) == ["RELATED_MAX must be a whole number, not True"]
    assert problems(related.Settings, {"RELATED_MAX": 2.5}) == ["RELATED_MAX must be a whole number, not 2.5"]
    assert problems(related.Settings, {"RELATED_DECAY_DAYS": "30"}) == [
        "RELATED_DECAY_DAYS must be a number or None, not '30'"
    ]
    assert problems(feed_settings.Settings, {"FEED_SUMMARY_ONLY": "yes"}) == [
        "FEED_SUMMARY_ONLY must be True or False, not 'yes'"
    ]
    assert problems(feed_settings.Settings, {"FEED_KINDS": "tags"}) == [
        "FEED_KINDS must be a list of strings, not 'tags'"
    ]
    assert problems(sources.Settings, {"SOURCE_NAMES": {"bbc.co.uk": 1}}) == [
        "SOURCE_NAMES must be a dict of strings to strings, not {'bbc.co.uk': 1}"
    ]


def test_a_value_outside_the_choices_or_below_the_minimum_names_the_setting():
    assert problems(editions.Settings, {"EDITION_PERIOD": "month"}) == [
        "EDITION_PERIOD must be one of 'day', 'week', not 'month'"
    ]
    assert problems(taxonomy.Settings, {"TAXONOMY_KINDS": ["tags", "topics"]}) == [
        "TAXONOMY_KINDS: 'topics' is not one of 'tags', 'sections', 'sources', 'authors'"
    ]
    assert problems(search_blocks.Settings, {"SEARCH_BLOCK_STORIES": 0}) == [
        "SEARCH_BLOCK_STORIES must be at least 1, not 0"
    ]


def test_every_wrong_value_is_named_at_once():
    found = problems(
        SiteSettings, {"RELATED_MAX": "5", "NOTE_LABEL": None, "SEARCH_ENABLED": 1, "NEWSDIGEST_WORKERS": "4"}
    )
    assert found == [
        "RELATED_MAX must be a whole number, not '5'",
        "SEARCH_ENABLED must be True or False, not 1",
        "NOTE_LABEL must be a string, not None",
        "NEWSDIGEST_WORKERS must be a whole number or None, not '4'",
    ]


def test_a_long_wrong_value_is_cut_in_the_error():
    (problem,) = problems(presentation.Settings, {"NOTE_LABEL": ["x" * 500]})
    assert problem.startswith("NOTE_LABEL must be a string, not ['xxx") and len(problem) < 120


def test_settings_are_frozen_and_defaults_are_not_shared():
    read = sources.Settings.from_settings({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.names = {"a": "b"}
    read.names["bbc.co.uk"] = "BBC"
    assert sources.Settings().names == {}
    assert setting_fields.values(read)["SOURCE_NAMES"] is not read.names


def test_ingest_refuses_a_settings_file_with_a_wrong_value(site):
    settings = site.settings_file(SOURCE_TIMEZONES="America/New_York")
    clipping = site.root / "story.txt"
    clipping.write_text("A headline\n\nNovember 21, 2015\n\nA body.\n", encoding="utf-8")
    result = run_cli("ingest", "--settings", str(settings), "--content", str(site.content), str(clipping))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"newsdigest ingest: {settings}: SOURCE_TIMEZONES must be a dict of strings to strings, not 'America/New_York'"
    )
    assert not any(path.is_file() for path in site.content.rglob("*"))
