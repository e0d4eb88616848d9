"""Edition pages (/editions/YYYY-MM-DD/), the archive of editions (/editions/, paginated),
and beside each edition a ready-to-send newsletter: email.html and email.txt.

Publishes `context["editions"]` (newest first) and `context["edition_newsletter"]`
(edition -> its email.html), from which the feeds plugin writes the editions feed, and
gives every story `edition_ref`, its Edition.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.generators import Generator

from newsdigest.build import record
from newsdigest.content import document, model
from newsdigest.paths import display_path
from newsdigest.site.editions import StoryFacts, build_editions, edition_date, parse_edition
from newsdigest.site.feeds import feed_siteurl

logger = logging.getLogger(__name__)


def _intros(folder: Path, period: str, markdown_config: str) -> tuple[dict, dict]:
    """content/editions/YYYY-MM-DD.md: an edition's title and introduction; and each one's file."""
    intros, files = {}, {}
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            day = parse_edition(path.stem, period)
            loaded = document.load(path.read_text(encoding="utf-8"), markdown_config)
        except ValueError as error:  # a bad file name or bad front matter
            line = getattr(error, "line", None)
            logger.error("%s%s: %s", display_path(path), f":{line}" if line else "", getattr(error, "message", error))
            continue
        intros[day] = (str(loaded.metadata.get("title") or ""), loaded.body_html)
        files[day] = path
    return intros, files


class EditionsGenerator(Generator):
    def generate_context(self):
        read = record.current().settings.editions
        period = read.period
        timezone = model.site_timezone(self.settings.get("TIMEZONE")) or ZoneInfo("UTC")
        stories = list(self.context.get("articles", []))
        chosen: dict[int, dt.date] = {}
        for story in stories:
            override = story.metadata.get("edition")
            try:
                chosen[id(story)] = (
                    parse_edition(override, period) if override else edition_date(story.date, timezone, period)
                )
            except ValueError:
                logger.error("%s: edition: %r is not a date (YYYY-MM-DD)", display_path(story.source_path), override)
                chosen[id(story)] = edition_date(story.date, timezone, period)
        intros, intro_files = _intros(
            Path(self.path) / read.path, period, document.markdown_config(self.settings.get("MARKDOWN", {}))
        )
        facts = StoryFacts(
            when=lambda story: chosen[id(story)],
            section_of=lambda story: getattr(story, "section", "") or "",
            is_featured=lambda story: story.metadata.get("featured") is True,
            has_image=lambda story: bool(getattr(story, "image", "")),
        )
        self.editions = build_editions(
            stories, facts, sitename=self.settings.get("SITENAME", ""), period=period, intros=intros
        )
        published = {edition.date for edition in self.editions}
        for day, path in sorted(intro_files.items()):
            if day not in published:  # a typo in the file name, or stories dated another day
                logger.warning(
                    "%s: no story is in the edition of %s, so this introduction is not published",
                    display_path(path),
                    day.isoformat(),
                )
        for edition in self.editions:
            for story in edition.articles:
                story.edition_ref = edition
        self.context["editions"] = self.editions
        self.context["edition_newsletter"] = self.newsletter

    def _email_variables(self, edition) -> dict:
        return {"edition": edition, "ABSOLUTE_SITEURL": feed_siteurl(self.settings)}

    def newsletter(self, edition) -> str:
        """The edition's email.html, rendered as it is written beside the edition."""
        return self.get_template("edition_email").render({**self.context, **self._email_variables(edition)})

    def generate_output(self, writer):
        if not self.editions:
            return
        writer.write_file(
            "editions/index.html",
            self.get_template("editions"),
            self.context,
            paginated={"editions": self.editions},
            template_name="editions",
            url="editions/",
            editions=self.editions,
        )
        page, email_html, email_text = (
            self.get_template(name) for name in ("edition", "edition_email", "edition_email_text")
        )
        for edition in self.editions:
            writer.write_file(f"{edition.url}index.html", page, self.context, edition=edition, url=edition.url)
            writer.write_file(f"{edition.url}email.html", email_html, self.context, **self._email_variables(edition))
            writer.write_file(f"{edition.url}email.txt", email_text, self.context, **self._email_variables(edition))


def editions_generator(pelican):
    return EditionsGenerator


def register():
    signals.get_generators.connect(editions_generator)
