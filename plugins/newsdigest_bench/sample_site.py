"""A sample digest for `newsdigest bench site`: the project's sample content plus stories
made from the BBC texts in ../shared over several days, in several sections and sources,
half of them with an illustration drawn here (Pillow), each with a curator's note, a lead
per edition and an introduction to the latest edition. (The browser tests build their own
from tests/fixtures/sample-digest/, with `illustration` from here.)

A helper, not a benchmark: it defines no `run`, so `newsdigest bench` does not list it.
The BBC texts are read at run time and written only into the given content folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import shutil
from pathlib import Path

from newsdigest.content import frontmatter
from newsdigest.content.slugs import slugify
from newsdigest_bench import project_root
from newsdigest_bench.corpus import DEFAULT_BBC, SOURCES, ingest_tagger, read_bbc

PROJECT_CONTENT = project_root() / "content"
ILLUSTRATION_SIZE = (1200, 800)  # 3:2, wide enough for a 2x screen at the text column's width
SAMPLE_TAGS = 5  # the first of ingest's suggestions, as a curator keeps a few
_PALETTES = (
    ((32, 62, 92), (214, 163, 92), (238, 226, 205)),
    ((46, 82, 64), (201, 122, 78), (232, 221, 199)),
    ((74, 44, 82), (220, 140, 120), (240, 220, 210)),
    ((20, 70, 110), (120, 180, 200), (235, 240, 236)),
    ((90, 60, 30), (200, 180, 120), (245, 236, 214)),
)
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")


def illustration(path: Path, seed: str, size: tuple[int, int] = ILLUSTRATION_SIZE) -> Path:
    """A deterministic abstract picture for `seed` (a sky, a sun, hills) as a JPEG."""
    from PIL import Image, ImageDraw

    rng = random.Random(hashlib.sha256(seed.encode("utf-8")).digest())
    dark, warm, light = _PALETTES[rng.randrange(len(_PALETTES))]
    width, height = size
    sky = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, dark), Image.new("RGB", size, light), sky)
    draw = ImageDraw.Draw(image)
    radius = rng.randint(height // 8, height // 4)
    centre = (rng.randint(radius, width - radius), rng.randint(height // 6, height // 2))
    draw.ellipse((centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius), fill=warm)
    for layer in range(3):
        base = int(height * (0.55 + 0.15 * layer))
        points = (
            [(0, height)]
            + [(x, base + rng.randint(-height // 10, height // 10)) for x in range(0, width + 200, 200)]
            + [(width, height)]
        )
        shade = tuple(int(channel * (0.9 - 0.25 * layer)) for channel in dark)
        draw.polygon(points, fill=shade)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=80, optimize=True, progressive=True)
    return path


def _first_sentence(text: str, limit: int = 160) -> str:
    match = _SENTENCE.match(text.strip())
    sentence = match.group(1) if match else text.strip()
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def write_sample_site(
    content: Path,
    bbc: Path = DEFAULT_BBC,
    *,
    days: int = 3,
    per_day: int = 6,
    last_day: dt.date = dt.date(2015, 11, 21),
) -> list[Path]:
    """Write the sample digest into `content`; returns the story files written from the BBC texts.

    Raises FileNotFoundError when the BBC corpus is absent.
    """
    stories = read_bbc(bbc)
    by_topic: dict[str, list] = {}
    for story in stories:
        by_topic.setdefault(story.topic, []).append(story)
    topics = sorted(by_topic)
    suggest_tags = ingest_tagger(stories)  # what ingest would suggest, as a curator gets them
    if PROJECT_CONTENT.is_dir():
        shutil.copytree(PROJECT_CONTENT, content, dirs_exist_ok=True)
    zone = dt.timezone(dt.timedelta(hours=-5))
    written = []
    for day_index in range(days):
        day = last_day - dt.timedelta(days=days - 1 - day_index)
        for position in range(per_day):
            number = day_index * per_day + position
            topic = topics[number % len(topics)]
            story = by_topic[topic][number // len(topics) * 7 % len(by_topic[topic])]
            moment = dt.datetime.combine(day, dt.time(7 + 2 * position, 15), tzinfo=zone)
            metadata = {
                "title": story.headline,
                "subtitle": story.paragraphs[0],
                "date": moment.isoformat(),
                "source": SOURCES[number % len(SOURCES)],
                "section": topic.title(),
                "tags": suggest_tags(story)[:SAMPLE_TAGS],
                "note": _first_sentence(story.paragraphs[-1]),
            }
            if position == 1:
                metadata["featured"] = True
            if position % 2 == 1:
                name = f"images/sample-{day:%Y%m%d}-{position}.jpg"
                illustration(content / name, f"{day}-{position}")
                metadata.update(
                    image=f"/{name}",
                    image_alt=f"An illustration for a {topic} story: hills under a sun",
                    image_credit="Sample illustration",
                )
            path = content / "articles" / f"{day:%Y/%m}" / f"{slugify(story.headline)}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(frontmatter.dump(metadata, "\n\n".join(story.paragraphs[1:])), encoding="utf-8")
            written.append(path)
    intro = content / "editions" / f"{last_day.isoformat()}.md"
    intro.parent.mkdir(parents=True, exist_ok=True)
    intro.write_text(
        frontmatter.dump(
            {"title": f"The day in brief, {last_day:%B} {last_day.day}"},
            "Today's picks: a siege in Mali and its echo in Moscow, markets, politics, "
            "sport and technology, each with a note on why it matters.",
        ),
        encoding="utf-8",
    )
    return written
