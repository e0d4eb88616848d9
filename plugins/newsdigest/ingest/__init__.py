"""`newsdigest ingest`: raw stories (text clippings, saved pages, feeds, URLs) become Markdown
files with front matter in content/articles/YYYY/MM/<slug>.md.

Reads top to bottom: expand the inputs -> read and decode each -> parse it (clipping,
page or feed) -> fill in what it lacks (date zone, source, section) -> tag it ->
decide (new, unchanged, duplicate, update, curator's edit kept) -> write atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from newsdigest.ingest import clipping, feed, html_page, language, reading, tagging
from newsdigest.ingest.markdown_body import FIGURE_OPENING
from newsdigest.ingest.sources import SourceNames
from newsdigest.ingest.store import ContentStore
from newsdigest.ingest.story import IngestError, Story, fingerprint, one_line, safe_markdown
from newsdigest.slugs import slugify
from newsdigest.taxonomy import Vocabulary


@dataclass
class Options:
    content: Path
    source: str = ""
    timezone: str = ""  # --timezone
    date: dt.datetime | None = None  # --date
    section: str = ""
    tags: list[str] = field(default_factory=list)
    dry_run: bool = False
    site_timezone: str = "UTC"
    source_timezones: dict[str, str] = field(default_factory=dict)
    source_names: dict[str, str] = field(default_factory=dict)  # SOURCE_NAMES: spelling or host -> name
    site_lang: str = "en"  # DEFAULT_LANG: a story detected to be in it needs no `lang`
    vocabulary_file: str = "tags.yml"


@dataclass
class Outcome:
    input: str
    status: str  # written, updated, unchanged, duplicate, kept, skipped, failed
    path: Path | None = None
    detail: str = ""
    notes: list[str] = field(default_factory=list)  # what was cut or left out of the input


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    def summary(self) -> str:
        written = self.count("written") + self.count("updated")
        return (f"{written} written, {self.count('unchanged')} unchanged, {self.count('duplicate')} duplicate, "
                f"{self.count('kept')} kept (edited by the curator), {self.count('skipped')} skipped, "
                f"{self.count('failed')} failed")


def ingest(paths: list[str], options: Options, on_outcome=lambda outcome: None, progress=None) -> Report:
    """Ingest every input; a bad input is reported and the others still processed."""
    report = Report()
    store = ContentStore.scan(options.content)
    vocabulary = Vocabulary.load(options.content / options.vocabulary_file)
    inputs = reading.expand(paths)
    names = SourceNames(options.source_names, known=store.sources)
    parsed: list[tuple[str, Story]] = []
    for name in inputs:
        try:
            parsed.extend((name, story) for story in _parse(name, report, on_outcome, store, names))
        except IngestError as error:
            _record(report, on_outcome, Outcome(name, "failed", detail=str(error)))
        if progress:
            progress()
    texts = [f"{story.title} {' '.join(story.plain_paragraphs)}" for _, story in parsed]
    frequencies = tagging.document_frequency(store.texts + texts)
    tagger = tagging.Tagger(vocabulary, frequencies, len(store.texts) + len(parsed))
    for name, story in parsed:
        try:
            _record(report, on_outcome, _place(name, story, options, store, tagger, names))
        except IngestError as error:
            _record(report, on_outcome, Outcome(name, "failed", detail=str(error)))
    return report


def _record(report: Report, on_outcome, outcome: Outcome) -> None:
    report.outcomes.append(outcome)
    on_outcome(outcome)


def _parse(name: str, report: Report, on_outcome, store: ContentStore, names: SourceNames) -> list[Story]:
    raw = reading.read(name)
    text = reading.decode(raw.data)
    if raw.suffix in (".xml", ".rss", ".atom") or "xml" in raw.content_type or feed.looks_like_feed(text):
        stories = []
        for story, problem in feed.parse(raw.data, names):
            if story is None:
                _record(report, on_outcome, Outcome(name, "failed", detail=problem))
            elif story.guid in store.by_origin or story.source_url in store.by_origin:
                _record(report, on_outcome, Outcome(name, "skipped", store.by_origin.get(story.guid)
                                                    or store.by_origin.get(story.source_url),
                                                    f"already ingested: {story.source_url or story.guid}"))
            else:
                stories.append(story)
        return stories
    if raw.suffix in (".html", ".htm") or "html" in raw.content_type or text.lstrip()[:100].lower().startswith(("<!doctype html", "<html")):
        return [html_page.parse(text, raw.name if raw.name.startswith("http") else None, names)]
    return [clipping.parse(text)]


def _moment(story: Story, options: Options) -> dt.datetime | dt.date:
    """The story's date with its offset: the input's own zone, else the source's, --timezone, the
    site's; whole seconds. A day without a time stays a day."""
    moment = story.date or options.date
    if moment is None:
        raise IngestError("no date in the story; give one with --date")
    if not isinstance(moment, dt.datetime):
        return moment
    if moment.tzinfo is None or moment.utcoffset() is None:
        zone = options.source_timezones.get(story.source) or options.timezone or options.site_timezone
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.replace(microsecond=0)


def _place(name: str, story: Story, options: Options, store: ContentStore, tagger: tagging.Tagger,
           names: SourceNames) -> Outcome:
    story.source = names.name(story.source or options.source)
    story.section = story.section or options.section
    if not story.lang and (detected := language.detect(" ".join(story.plain_paragraphs))) != options.site_lang:
        story.lang = detected
    moment = _moment(story, options)
    paragraphs = [safe_markdown(paragraph) for paragraph in story.paragraphs]
    print_ = fingerprint(story.title, "\n\n".join(paragraphs))
    origin = story.guid or story.source_url or name
    if print_ in store.by_fingerprint:
        existing = store.by_fingerprint[print_]
        previous = store.read(existing)
        same_input = previous is not None and previous.metadata.get("ingested_from") == name
        return Outcome(name, "unchanged" if same_input else "duplicate", existing,
                       "" if same_input else f"same story as {existing}")
    # The tagger reads the story's text as a reader sees it: not Markdown's link targets and marks,
    # nor figure captions, which run into the next paragraph's first words.
    prose = [text for markdown, text in zip(story.paragraphs, story.plain_paragraphs)
             if not markdown.startswith(FIGURE_OPENING)]
    tags = tagger.tags(dataclasses.replace(story, paragraphs=prose), options.tags)
    body = "\n\n".join(paragraphs)
    earlier = store.by_origin.get(origin)
    if earlier is not None and earlier.exists():  # a new version of a story ingested before
        previous = store.read(earlier)
        if previous is None or previous.edited_by_curator:
            return Outcome(name, "kept", earlier, "edited by the curator since it was ingested; not overwritten",
                           story.notes)
        target, status = earlier, "updated"
        # Keep the address it was published at; a file from before ingest wrote slugs keeps none,
        # and the build's address record redirects its old address if the headline changed.
        slug = str(previous.metadata.get("slug") or "")
    else:
        relative = f"articles/{moment:%Y}/{moment:%m}/{slugify(story.title, fallback='story')}.md"
        target, status = store.free_path(relative, print_), "written"
        slug = target.stem
    metadata = _front_matter(story, moment, slug, tags, print_, name)
    if not options.dry_run:
        store.write(target, metadata, body)
    store.remember(target, metadata, body)
    return Outcome(name, status, target, notes=story.notes)


def _front_matter(story: Story, moment: dt.datetime | dt.date, slug: str, tags: list[str], print_: str,
                  name: str) -> dict:
    """The story's front matter. `slug` pins its address: editing the headline keeps it."""
    fields = {
        "title": one_line(story.title),
        "subtitle": one_line(story.subtitle),
        "date": moment.isoformat(),
        "slug": slug,
        "source": one_line(story.source),
        "source_url": story.source_url,
        "lang": story.lang,
        "authors": story.authors,
        "contributors": story.contributors,
        "image": story.image,
        "image_alt": one_line(story.image_alt),
        "image_credit": one_line(story.image_credit),
        "image_caption": one_line(story.image_caption),
        "section": story.section,
        "tags": tags,
        "related": [one_line(headline) for headline in story.related],
        "source_guid": story.guid if story.guid and story.guid != story.source_url else "",
        "fingerprint": print_,
        "ingested_from": name,
    }
    return {key: value for key, value in fields.items() if value}
