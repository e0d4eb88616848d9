"""What a story page shows besides the story: reading time, its age against the build date,
its lead image, and its JSON-LD. Plain functions, no Pelican."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsdigest.content import safe_urls
from newsdigest.settings import SettingsGroup, setting

WORDS_PER_MINUTE = 230
# Languages written right to left, by their primary subtag (BCP 47), and the scripts that are.
RIGHT_TO_LEFT_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi"})
RIGHT_TO_LEFT_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr"})


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """What the site's pages say besides the stories, with the defaults (docs/configuration.md)."""

    note_label: str = setting("NOTE_LABEL", "Why it matters")  # opens the curator's note everywhere it is shown
    age_notice_years: int = setting("AGE_NOTICE_YEARS", 1, minimum=0)  # older stories say how old they are
    site_description: str = setting("SITE_DESCRIPTION", "")  # the site's one-line description


_TAGS = re.compile(r"<[^>]+>")


def build_moment(newest: dt.datetime | None, environ=os.environ) -> dt.datetime:
    """The moment the site is built "at": SOURCE_DATE_EPOCH when set (reproducible builds),
    else the newest story's date, never the clock, so the same content gives the same site."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return newest or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def text_direction(lang: str) -> str:
    """ "rtl" for a language written right to left ("ar", "fa-IR", "az-Arab"), else "ltr"."""
    subtags = str(lang or "").lower().replace("_", "-").split("-")
    scripts = [subtag for subtag in subtags[1:] if len(subtag) == 4 and subtag.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in RIGHT_TO_LEFT_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in RIGHT_TO_LEFT_LANGUAGES else "ltr"


def reading_minutes(html: str) -> int:
    return max(1, math.ceil(len(_TAGS.sub(" ", html).split()) / WORDS_PER_MINUTE))


def whole_years_between(earlier: dt.datetime, later: dt.datetime) -> int:
    years = later.year - earlier.year
    if (later.month, later.day) < (earlier.month, earlier.day):
        years -= 1
    return max(0, years)


def json_ld(data: dict) -> str:
    """JSON for a <script> element: no character in any field can end the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class LeadImage:
    """A story's lead image as pages show it. `src` is a web address, or (when `local`) a path
    on the site without its leading slash; width and height are known for local files only.
    (Its credit is the story's `image_credit`, which templates read from the story itself, so
    that pages showing it for other stories are found: newsdigest.build.template_reads.)"""

    src: str
    local: bool
    alt: str = ""
    caption: str = ""
    width: int | None = None
    height: int | None = None

    def absolute(self, siteurl: str) -> str:
        return f"{siteurl}/{self.src}" if self.local else self.src


def lead_image(metadata: dict, content_root: Path) -> tuple[LeadImage | None, str | None]:
    """The lead image named by front matter (`image`, `image_alt`, `image_caption`),
    and a problem to report when a local image cannot be read (it is still shown)."""
    image = safe_urls.image_url(metadata.get("image"))
    if not image:
        return None, None
    alt, caption = (str(metadata.get(f"image_{key}") or "").strip() for key in ("alt", "caption"))
    if safe_urls.web_url(image):
        return LeadImage(image, False, alt=alt, caption=caption), None
    src = image.lstrip("/")
    size, problem = _image_size(content_root / src)
    width, height = size or (None, None)
    return LeadImage(
        src, True, alt=alt, caption=caption, width=width, height=height
    ), problem and f"image: {image}: {problem}"


def _image_size(path: Path) -> tuple[tuple[int, int] | None, str | None]:
    """(width, height) of an image file from its header, or a problem."""
    from PIL import Image, UnidentifiedImageError  # only sites with local images pay for the import

    if not path.is_file():
        return None, "no such file in the content folder"
    try:
        with Image.open(path) as opened:
            return opened.size, None
    except (UnidentifiedImageError, OSError) as error:
        return None, f"not a readable image ({error.__class__.__name__})"


@dataclass(frozen=True)
class ArticleFacts:
    """What a story's JSON-LD says of it: its page (headline, address, dates, the site's name)
    and the original it is based on (authors, source and its address); `image_url` absolute."""

    headline: str
    url: str
    published: dt.datetime
    modified: dt.datetime | None
    site_name: str
    description: str = ""
    authors: Sequence[str] = ()
    source: str = ""
    source_url: str = ""
    image_url: str = ""
    section: str = ""
    language: str = ""
    date_only: bool = False  # `published` is a day alone: said as a date, not midnight


def news_article(article: ArticleFacts) -> dict:
    """The story as a schema.org NewsArticle: its authors are the original's (people, or the source
    when none are named), never the digest, which is only the publisher of this page; the original
    story is what it is based on."""
    people = [{"@type": "Person", "name": name} for name in article.authors]
    original_publisher = {"@type": "Organization", "name": article.source} if article.source else None
    published = (article.published.date() if article.date_only else article.published).isoformat()
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": article.url,
        "mainEntityOfPage": article.url,
        "datePublished": published,
        "dateModified": article.modified.isoformat() if article.modified else published,
        "publisher": {"@type": "Organization", "name": article.site_name},
    }
    if article.description:
        data["description"] = article.description
    if people or original_publisher:
        data["author"] = people or original_publisher
    if article.image_url:
        data["image"] = [article.image_url]
    if article.section:
        data["articleSection"] = article.section
    if article.language:
        data["inLanguage"] = article.language
    if article.source_url or original_publisher:
        original: dict[str, object] = {"@type": "NewsArticle"}
        if article.source_url:
            original["url"] = article.source_url
        if original_publisher:
            original["publisher"] = original_publisher
        if people:
            original["author"] = people
        data["isBasedOn"] = original
    return data
