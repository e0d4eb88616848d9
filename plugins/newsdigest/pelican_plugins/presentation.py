"""Per-story page data (newsdigest.presentation): `reading_minutes`, `age_years` (against the
build date: SOURCE_DATE_EPOCH, else the newest story), `previous_story` / `next_story`, and
`json_ld`, the story's schema.org NewsArticle; plus `build_moment` for every template."""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from newsdigest import presentation, safe_urls
from newsdigest.pelican_plugins.feeds import feed_siteurl


class PresentationGenerator(Generator):
    def generate_context(self):
        stories = list(self.context.get("articles", []))  # newest first
        moment = presentation.build_moment(stories[0].date if stories else None)
        self.context["build_moment"] = moment
        siteurl = feed_siteurl(self.settings)
        for position, story in enumerate(stories):
            story.reading_minutes = presentation.reading_minutes(story._content or "")
            story.age_years = presentation.whole_years_between(story.date, moment)
            story.next_story = stories[position - 1] if position > 0 else None  # newer
            story.previous_story = stories[position + 1] if position + 1 < len(stories) else None  # older
            story.json_ld = presentation.json_ld(self._news_article(story, siteurl))

    def _news_article(self, story, siteurl: str) -> dict:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "url": f"{siteurl}/{story.url}",
            "mainEntityOfPage": f"{siteurl}/{story.url}",
            "datePublished": story.date.isoformat(),
            "dateModified": (getattr(story, "modified", None) or story.date).isoformat(),
            "publisher": {"@type": "Organization", "name": self.settings.get("SITENAME", "")},
        }
        if getattr(story, "subtitle", ""):
            data["description"] = story.subtitle
        authors = [author.name for author in story.metadata.get("authors", [])]
        if authors:
            data["author"] = [{"@type": "Person", "name": name} for name in authors]
        elif getattr(story, "source", ""):
            data["author"] = {"@type": "Organization", "name": story.source}
        if getattr(story, "image", ""):
            image = story.image
            data["image"] = safe_urls.web_url(image) or f"{siteurl}/{image.lstrip('/')}"
        if getattr(story, "source_url", ""):
            data["isBasedOn"] = story.source_url
        return data


def presentation_generator(pelican):
    return PresentationGenerator


def register():
    signals.get_generators.connect(presentation_generator)
