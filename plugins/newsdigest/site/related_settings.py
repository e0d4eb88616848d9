"""The RELATED_* settings of related stories (newsdigest.site.related), apart from the ranking so
that reading a site's settings never loads numpy: a build with nothing to do ends before it would."""

from __future__ import annotations

from dataclasses import dataclass

from newsdigest import settings as setting_fields
from newsdigest.settings import SettingsGroup, setting


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """The RELATED_* settings, with their defaults (docs/curating.md, Related stories)."""

    max_related: int = setting("RELATED_MAX", 5, minimum=0)
    text_weight: float = setting("RELATED_TEXT_WEIGHT", 1.0)
    tag_weight: float = setting("RELATED_TAG_WEIGHT", 0.3)  # how much shared rare tags raise text similarity
    # the headline's vector added again to the story's, at this weight
    title_weight: float = setting("RELATED_TITLE_WEIGHT", 0.2)
    min_score: float = setting("RELATED_MIN_SCORE", 0.03)  # the least blended similarity a related story may have
    # text similarity at or above this: the same story
    duplicate_threshold: float = setting("RELATED_DUPLICATE_THRESHOLD", 0.9)
    # tags on more than this share of stories count for nothing
    common_tag_share: float = setting("RELATED_COMMON_TAG_SHARE", 0.2)
    # half-life of relatedness across time; None: no decay
    decay_days: float | None = setting("RELATED_DECAY_DAYS", None)
    # at most this many nearest stories, whose overlap confirms a relation
    neighbourhood: int = setting("RELATED_NEIGHBOURHOOD", 100, minimum=1)
    # a neighbourhood is this share of the site's stories...
    neighbourhood_share: float = setting("RELATED_NEIGHBOURHOOD_SHARE", 0.05, minimum=0)
    min_neighbourhood: int = setting("RELATED_MIN_NEIGHBOURHOOD", 5, minimum=1)  # ...and at least this many
    # the least share of neighbourhood two related stories have in common
    min_shared: float = setting("RELATED_MIN_SHARED", 0.24)
    # how much a shared neighbourhood adds to the score that orders them
    shared_weight: float = setting("RELATED_SHARED_WEIGHT", 1.0)
    # each story's links in the similarity graph whose communities bound relations (0: one community)
    community_neighbours: int = setting("RELATED_AREA_NEIGHBOURS", 70, minimum=0)
    # higher: smaller communities (Leiden's resolution parameter)
    community_resolution: float = setting("RELATED_AREA_RESOLUTION", 1.0)
    # Evidence (calibrated on tests/fixtures/related-pairs.yml): the least similarity of two stories'
    # text, and of their leads, for a computed link...
    text_bar: float = setting("RELATED_TEXT_BAR", 0.3, minimum=0)
    lead_bar: float = setting("RELATED_LEAD_BAR", 0.2, minimum=0)
    # ...or, for two stories that name the same distinctive names (two of them, or one of two words
    # or more), the least similarity of their text and of their leads...
    name_text_bar: float = setting("RELATED_NAME_TEXT_BAR", 0.15, minimum=0)
    # ...where a name is distinctive when two stories or more name it, and at most this share of
    # the site's stories (or NAME_FLOOR stories)
    name_share: float = setting("RELATED_NAME_SHARE", 0.005, minimum=0)
    # ...raised to this many times how similar the site's unrelated stories are (median + 3 robust
    # deviations of the similarity of random pairs): a site whose stories are all alike needs more
    unrelated_factor: float = setting("RELATED_UNRELATED_FACTOR", 4.0, minimum=0)
    # 0-100: how close a curator's "related" headline must be to a story's to link to it
    title_match: float = setting("RELATED_TITLE_MATCH", 90.0, minimum=0)
    default_lang: str = "en"  # the language of stories that do not name one (Pelican's DEFAULT_LANG)

    @classmethod
    def from_settings(cls, mapping) -> Settings:
        return setting_fields.read(cls, mapping, default_lang=str(mapping.get("DEFAULT_LANG") or cls.default_lang))
