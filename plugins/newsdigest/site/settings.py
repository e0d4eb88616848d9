"""Every newsdigest setting a build reads, read once: one frozen dataclass per concept, each in
its concept's module, where its defaults live (related_settings.Settings, feed_settings.Settings, …),
gathered here.

`newsdigest build` reads them before anything else (a value that does not fit fails the build
with one line per setting); the build record holds them (build_state.Build.settings), and the
settings plugin gives them back to Pelican's settings, defaults included, so that templates see
every one even when the settings file leaves it out. Ingest reads its own (ingest.sources.Settings).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from newsdigest import settings as setting_fields, workers
from newsdigest.settings import SettingsError
from newsdigest.site import editions, feed_settings, presentation, related_settings, search_blocks, taxonomy
from newsdigest.site.addresses import record as addresses


@dataclass(frozen=True)
class SiteSettings:
    related: related_settings.Settings = field(default_factory=related_settings.Settings)
    feeds: feed_settings.Settings = field(default_factory=feed_settings.Settings)
    search: search_blocks.Settings = field(default_factory=search_blocks.Settings)
    editions: editions.Settings = field(default_factory=editions.Settings)
    taxonomy: taxonomy.Settings = field(default_factory=taxonomy.Settings)
    presentation: presentation.Settings = field(default_factory=presentation.Settings)
    parallel: workers.Settings = field(default_factory=workers.Settings)
    addresses: addresses.Settings = field(default_factory=addresses.Settings)

    @classmethod
    def from_settings(cls, mapping: Mapping) -> SiteSettings:
        """Every concept's settings from `mapping`; SettingsError names every value that does not fit."""
        groups: dict[str, Any] = {}  # each field its own group
        problems: list[str] = []
        for group in dataclasses.fields(cls):
            concept = group.default_factory
            if not (isinstance(concept, type) and issubclass(concept, setting_fields.SettingsGroup)):
                raise TypeError(f"SiteSettings.{group.name} is not a group of settings")
            try:
                groups[group.name] = concept.from_settings(mapping)
            except SettingsError as error:
                problems += error.problems
        if problems:
            raise SettingsError(problems)
        return cls(**groups)

    def values(self) -> dict:
        """Every setting by name, defaults included, as Pelican's settings hold them."""
        found = {}
        for group in dataclasses.fields(self):
            found.update(setting_fields.values(getattr(self, group.name)))
        return found
