"""`newsdigest new "Headline"`: the file of a story written by hand, with its front matter filled
in (the date now in the site's zone, the slug that pins its address), like `hugo new`, as a
draft (newsdigest.content.drafts). Never overwrites a file. Plain functions, no Pelican.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdigest.content import frontmatter, safe_urls
from newsdigest.content.drafts import DRAFT
from newsdigest.content.model import one_line, visible_text
from newsdigest.content.slugs import MAX_SLUG_LENGTH, slugify

MAX_TRIES = 100


class NewStoryError(Exception):
    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.usage = usage  # the command line was wrong, not the machine


def front_matter(headline: str, moment: dt.datetime, slug: str, source: str = "", url: str = "") -> dict[str, object]:
    """A draft (no build publishes it until `newsdigest ready`), with no empty note to publish by mistake."""
    fields = {"title": headline, "date": moment.isoformat(), "slug": slug, "source": source, "source_url": url}
    return {"status": DRAFT, **{key: value for key, value in fields.items() if value}, "tags": []}


def write_new_story(
    content: Path, headline: str, source: str = "", url: str = "", timezone: str = "UTC", now: dt.datetime | None = None
) -> Path:
    """Write content/articles/YYYY/MM/<slug>.md for a new story and return its path."""
    headline = one_line(visible_text(headline))
    if not any(char.isalnum() for char in headline):
        raise NewStoryError(f"{headline!r} is no headline: it needs a letter or a digit", usage=True)
    if url and safe_urls.web_url(url) is None:
        raise NewStoryError(f"--url {url!r} is not an http(s) address", usage=True)
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise NewStoryError(f"TIMEZONE {timezone!r} is not a time zone", usage=True) from error
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(zone).replace(microsecond=0)
    folder = content / "articles" / f"{moment:%Y}" / f"{moment:%m}"
    folder.mkdir(parents=True, exist_ok=True)
    base = slugify(headline, fallback="story")
    for number in range(1, MAX_TRIES + 1):
        slug = base if number == 1 else f"{base[: MAX_SLUG_LENGTH - len(str(number)) - 1].rstrip('-')}-{number}"
        path = folder / f"{slug}.md"
        text = frontmatter.dump(front_matter(headline, moment, slug, one_line(source), url.strip()), "")
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path
    raise NewStoryError(f"{folder}: {MAX_TRIES} stories already have slugs like {base!r}")
