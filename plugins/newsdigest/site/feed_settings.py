"""The FEED_* settings (newsdigest.site.feeds), apart from the feed writer so that reading a
site's settings never loads lxml and feedgen: a build with nothing to do ends before it would."""

from __future__ import annotations

from dataclasses import dataclass

from newsdigest.settings import SettingsGroup, setting
from newsdigest.site.taxonomy import KIND_NAMES

LOCAL_SITEURL = "http://127.0.0.1:8000"  # feed links need an absolute base, even on a site built for local browsing


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """The FEED_* settings, with their defaults (docs/configuration.md)."""

    kinds: tuple[str, ...] = setting("FEED_KINDS", ("tags", "sections", "sources"), choices=KIND_NAMES)
    # Pelican's own setting, which Pelican gives this default when a settings file leaves it out
    max_items: int = setting("FEED_MAX_ITEMS", 100, minimum=1)
    summary_only: bool = setting("FEED_SUMMARY_ONLY", False)  # True: note and standfirst only, no full text
    # WebSub: the hub every feed names, and `newsdigest publish` pings (FEED_WEBSUB_HUB: its older name)
    websub_hub: str | None = setting("WEBSUB_HUB", None)
    older_websub_hub: str | None = setting("FEED_WEBSUB_HUB", None)
    siteurl: str | None = setting("FEED_SITEURL", None)  # absolute base for feed links
    # The hour of the site's day at which feeds date what has a day but no time (a story dated
    # "2015-11-21", an edition): readers need a moment, and midnight reads as the day before in
    # any zone west of the site's.
    date_only_hour: int = setting("DATE_ONLY_HOUR", 12, choices=tuple(range(24)))

    @property
    def hub(self) -> str | None:
        """The WebSub hub's address: WEBSUB_HUB, else FEED_WEBSUB_HUB."""
        return self.websub_hub or self.older_websub_hub

    def base_url(self, site_url: str | None) -> str:
        """The absolute base of feed links: FEED_SITEURL, else the site's address, else a local one."""
        return (self.siteurl or site_url or LOCAL_SITEURL).rstrip("/")
