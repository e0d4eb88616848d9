"""newsdigest's settings, read once per build into the build record (newsdigest.site.settings),
given back to Pelican's settings with their defaults: templates read some directly
(`SEARCH_ENABLED`, `FEED_KINDS`, `NOTE_LABEL`, `AGE_NOTICE_YEARS`…), and a settings file that
leaves one out gets its default, never an undefined name.
"""

from __future__ import annotations

from pelican import signals

from newsdigest.build import record as build_state


def fill_settings(pelican) -> None:
    # The first plugin on `initialized`: a plain `pelican` run's build record starts here.
    pelican.settings.update(build_state.at_pelican_start(pelican.settings).settings.values())


def register():
    signals.initialized.connect(fill_settings)
