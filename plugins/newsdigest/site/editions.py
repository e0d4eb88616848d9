"""Editions: the curator's picks for a day (or an ISO week), lead story first, grouped by section.

Plain functions, no Pelican. A story belongs to the edition of its date in the site's
timezone, unless its front matter names another (`edition: 2015-11-21`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsdigest.settings import SettingsGroup, setting

PERIODS = ("day", "week")
OTHER_SECTION = "Other stories"


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """The editions' settings, with their defaults (docs/configuration.md)."""

    period: str = setting("EDITION_PERIOD", "day", choices=PERIODS)  # "week": ISO weeks
    path: str = setting("EDITIONS_PATH", "editions")  # the editions' intros, in the content folder


def edition_date(moment: dt.datetime, timezone: dt.tzinfo, period: str = Settings.period) -> dt.date:
    """The edition a moment falls in: its day in `timezone`, or that week's Monday."""
    day = moment.astimezone(timezone).date()
    return day - dt.timedelta(days=day.weekday()) if period == "week" else day


def parse_edition(value, period: str = Settings.period) -> dt.date:
    """An `edition:` front-matter value as the edition's date; raises ValueError."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
    return day - dt.timedelta(days=day.weekday()) if period == "week" else day


@dataclass(eq=False)
class Edition:
    date: dt.date
    period: str
    title: str
    intro: str = ""  # sanitised HTML
    lead: object | None = None
    sections: list[tuple[str, list]] = field(default_factory=list)  # (section name, stories newest first)
    named: bool = False  # the curator gave it a title (content/editions/); else `title` is the default
    previous: Edition | None = None  # the one before (older)
    next: Edition | None = None  # the one after (newer)

    @property
    def url(self) -> str:
        return f"editions/{self.date.isoformat()}/"

    @property
    def articles(self) -> list:
        """Every story of the edition: the lead first, then section by section."""
        return ([self.lead] if self.lead is not None else []) + [
            story for _, stories in self.sections for story in stories
        ]

    @property
    def date_label(self) -> str:
        """The edition's date as readers see it: "Saturday, November 21, 2015", "Week of November 16, 2015"."""
        if self.period == "week":
            return f"Week of {self.date:%B} {self.date.day}, {self.date.year}"
        return f"{self.date:%A, %B} {self.date.day}, {self.date.year}"

    def __repr__(self) -> str:
        return f"<Edition {self.date}>"

    def __digest__(self) -> str:
        """What identifies an edition in a page key; its stories' front matter is keyed elsewhere."""
        return self.url


def default_title(day: dt.date, period: str, sitename: str) -> str:
    if period == "week":
        return f"{sitename}: week of {day:%B} {day.day}, {day.year}"
    return f"{sitename}: {day:%A}, {day:%B} {day.day}, {day.year}"


def choose_lead(members: list, is_featured, has_image):
    """The story an edition leads with: the curator's featured one, else the newest with an
    image, else the newest (`members` newest first)."""
    for wanted in (is_featured, has_image):
        found = next((story for story in members if wanted(story)), None)
        if found is not None:
            return found
    return members[0] if members else None


@dataclass(frozen=True)
class StoryFacts:
    """How editions read a story: `when(story)` gives its edition date, `section_of(story)` its
    section name ("" for none), `is_featured(story)` whether the curator chose it to lead, and
    `has_image(story)` whether it has a lead image (see `choose_lead`)."""

    when: Callable[[Any], dt.date]
    section_of: Callable[[Any], str]
    is_featured: Callable[[Any], bool]
    has_image: Callable[[Any], bool] = lambda story: False


def build_editions(
    stories: list,
    facts: StoryFacts,
    sitename: str,
    period: str = Settings.period,
    intros: dict[dt.date, tuple[str, str]] | None = None,
) -> list[Edition]:
    """Editions newest first from `stories` (newest first), each read through `facts`; `intros`
    maps an edition date to its (title, intro HTML) from content/editions/."""
    intros = intros or {}
    by_date: dict[dt.date, list] = {}
    for story in stories:
        by_date.setdefault(facts.when(story), []).append(story)
    editions = []
    for day in sorted(by_date, reverse=True):
        members = by_date[day]
        lead = choose_lead(members, facts.is_featured, facts.has_image)
        groups: dict[str, list] = {}
        for story in members:
            if story is not lead:
                groups.setdefault(facts.section_of(story) or OTHER_SECTION, []).append(story)
        ordered = sorted(groups.items(), key=lambda pair: (pair[0] == OTHER_SECTION, pair[0].casefold()))
        title, intro = intros.get(day, ("", ""))
        editions.append(
            Edition(day, period, title or default_title(day, period, sitename), intro, lead, ordered, named=bool(title))
        )
    for newer, older in itertools.pairwise(editions):
        newer.previous, older.next = older, newer
    return editions
