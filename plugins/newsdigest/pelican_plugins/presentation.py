"""Per-story page data (newsdigest.site.presentation): `reading_minutes`, `age_years` (against the
build date: SOURCE_DATE_EPOCH, else the newest story), `previous_story` / `next_story`,
`lead_image` (a LeadImage or None; `image_absolute`, its address for social cards),
`json_ld`, the story's schema.org NewsArticle, `text_direction` ("rtl" or "ltr", from its
language; pages get it too) and `list_direction` (the same, or "auto" when the story does not
say its language); plus `build_moment` and `SITE_DIRECTION` (of DEFAULT_LANG) for every template."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from newsdigest.content import model
from newsdigest.paths import display_path
from newsdigest.site import presentation
from newsdigest.site.feeds import feed_siteurl

logger = logging.getLogger(__name__)


class PresentationGenerator(Generator):
    def generate_context(self):
        stories = list(self.context.get("articles", []))  # newest first
        moment = presentation.build_moment(stories[0].date if stories else None)
        self.context["build_moment"] = moment
        self.context["SITE_DIRECTION"] = presentation.text_direction(self.settings.get("DEFAULT_LANG", ""))
        for page in self.context.get("pages", []):
            page.text_direction = presentation.text_direction(getattr(page, "lang", ""))
        siteurl = feed_siteurl(self.settings)
        content_root = Path(self.path)
        for position, story in enumerate(stories):
            story.next_story = stories[position - 1] if position > 0 else None  # newer
            story.previous_story = stories[position + 1] if position + 1 < len(stories) else None  # older
            self._present(story, moment, siteurl, content_root)
        for draft in self.context.get("drafts", []):  # shown by serve and build --drafts: the same page, unlisted
            draft.next_story = draft.previous_story = None
            self._present(draft, moment, siteurl, content_root)

    def _present(self, story, moment, siteurl: str, content_root: Path) -> None:
        story.reading_minutes = presentation.reading_minutes(story._content or "")
        story.text_direction = presentation.text_direction(getattr(story, "lang", ""))
        # in lists, a story that does not say its language reads in the direction of its first letters
        story.list_direction = story.text_direction if story.metadata.get("lang") else "auto"
        story.age_years = presentation.whole_years_between(story.date, moment)
        story.lead_image, problem = presentation.lead_image(story.metadata, content_root)
        if problem:
            logger.warning("%s: %s", display_path(story.source_path), problem)
        story.image_absolute = story.lead_image.absolute(siteurl) if story.lead_image else ""
        section = getattr(story, "section_term", None)
        story.json_ld = presentation.json_ld(
            presentation.news_article(
                presentation.ArticleFacts(
                    headline=story.title,
                    url=f"{siteurl}/{story.url}",
                    published=story.date,
                    modified=getattr(story, "modified", None),
                    site_name=self.settings.get("SITENAME", ""),
                    description=getattr(story, "subtitle", ""),
                    authors=[author.name for author in story.metadata.get("authors", [])],
                    source=getattr(story, "source", ""),
                    source_url=getattr(story, "source_url", ""),
                    image_url=story.image_absolute,
                    section=section.name if section else "",
                    language=getattr(story, "lang", ""),
                    date_only=bool(story.metadata.get(model.DATE_ONLY_KEY)),
                )
            )
        )


def presentation_generator(pelican):
    return PresentationGenerator


def register():
    signals.get_generators.connect(presentation_generator)
