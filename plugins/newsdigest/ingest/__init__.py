"""`newsdigest ingest`: raw stories (text clippings, saved pages, feeds, URLs) become Markdown
files with front matter in content/articles/YYYY/MM/<slug>.md.

Reads top to bottom: expand the inputs -> read and decode each -> parse it (clipping,
page or feed) -> fill in what it lacks (date zone, source, section) -> tag it ->
decide (new, unchanged, duplicate, update, curator's edit kept) -> write atomically.

May import: `newsdigest.content`, `newsdigest.site` (the taxonomy's folding of names) and the
foundation; never the build or the Pelican glue: ingest writes the files a build reads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from newsdigest.content import model as content_model, safe_urls
from newsdigest.content.model import one_line
from newsdigest.content.slugs import slugify
from newsdigest.ingest import clipping, feed, forgotten, html_page, images, language, reading, tagging
from newsdigest.ingest.markdown_body import FIGURE_OPENING
from newsdigest.ingest.sources import SourceNames
from newsdigest.ingest.store import ContentStore
from newsdigest.ingest.story import IngestError, Story, fingerprint, safe_markdown
from newsdigest.site import taxonomy
from newsdigest.site.taxonomy import Vocabulary

_log = logging.getLogger(__name__)


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
    vocabulary_file: str = taxonomy.Settings.vocabulary
    fetch_images: bool = False  # --fetch-images: keep lead images under content/images/
    fetch_seconds: float = reading.FETCH_SECONDS  # the whole fetch of one URL (a page's or an image's)
    allow_private: bool = False  # --allow-private: fetch URLs at loopback, private and link-local addresses


@dataclass
class Outcome:
    input: str
    status: str  # written, updated, unchanged, duplicate, kept, skipped, forgotten, failed
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
        deleted = f", {self.count('forgotten')} forgotten" if self.count("forgotten") else ""
        return (
            f"{written} written, {self.count('unchanged')} unchanged, {self.count('duplicate')} duplicate, "
            f"{self.count('kept')} kept (edited by the curator), {self.count('skipped')} skipped, "
            f"{self.count('failed')} failed{deleted}"
        )


@dataclass
class _Parsed:
    input: str
    story: Story
    entry: str = ""  # a feed entry's link or id, named in its errors


@dataclass(frozen=True)
class _Run:
    """What one ingest reads every input against, and where its outcomes go: the options, the
    content folder's stories, the sources' names and the forgotten stories."""

    options: Options
    store: ContentStore
    names: SourceNames
    tombstones: forgotten.Tombstones
    report: Report
    on_outcome: Callable[[Outcome], object]

    def record(self, outcome: Outcome) -> None:
        _record(self.report, self.on_outcome, outcome)


@dataclass(frozen=True)
class _Destination:
    """Where a story is written: its file, whether it is new ("written") or a new version of one
    ingested before ("updated"), and the slug that pins its address."""

    path: Path
    status: str
    slug: str


def ingest(paths: list[str], options: Options, on_outcome=lambda outcome: None, progress=None) -> Report:
    """Ingest every input; a bad input is reported and the others still processed. Stories the
    curator forgot, or deleted since the last run, are never written again."""
    report = Report()
    store = ContentStore.scan(options.content)
    tombstones = _notice_deletions(store, options, report, on_outcome)
    vocabulary = Vocabulary.load(options.content / options.vocabulary_file)
    names = SourceNames(options.source_names, known=store.sources)
    run = _Run(options, store, names, tombstones, report, on_outcome)
    parsed: list[_Parsed] = []
    for name in reading.expand(paths):
        with _one_input(report, on_outcome, name):
            parsed += _parse(name, run)
        if progress:
            progress()
    if parsed:
        texts = [f"{item.story.title} {' '.join(item.story.plain_paragraphs)}" for item in parsed]
        frequencies = tagging.document_frequency(store.texts + texts)
        tagger = tagging.Tagger(vocabulary, frequencies, len(store.texts) + len(parsed))
        for item in parsed:
            with _one_input(report, on_outcome, item.input, item.entry):
                run.record(_place(item, run, tagger))
    if not options.dry_run:
        forgotten.save_ledger(options.content, _ingested(store).values())
    return report


def forget(files: list[str], options: Options, on_outcome=lambda outcome: None) -> Report:
    """Delete story files and list them in content/.ingest-ignore, so that no later ingest of
    their feed or page writes them again."""
    report = Report()
    tombstones = forgotten.Tombstones.load(options.content)
    content = options.content.resolve()
    for name in files:
        with _one_input(report, on_outcome, name):
            path = Path(name).resolve()
            if content not in path.parents or not path.is_file():
                raise IngestError(f"not a story file in {options.content}")
            existing = ContentStore(content).read(path)
            if existing is None:
                raise IngestError("not a story file (no readable front matter); not forgotten")
            story = forgotten.Origins.of(path.relative_to(content).as_posix(), existing.metadata)
            if not story.keys():
                raise IngestError(
                    "nothing recognises it in an input (no source_url, source_guid or fingerprint); "
                    "not forgotten: delete it by hand"
                )
            if options.dry_run:
                _record(report, on_outcome, Outcome(name, "forgotten", path, "would be deleted (dry run)"))
                continue
            tombstones.bury([story])  # listed first: a crash before the unlink loses nothing
            path.unlink()
            _record(report, on_outcome, Outcome(name, "forgotten", path, f"deleted; listed in {_ignore_file(options)}"))
    return report


def _ignore_file(options: Options) -> Path:
    return options.content / forgotten.IGNORE_FILE


def _ingested(store: ContentStore) -> dict[str, forgotten.Origins]:
    relative = {path: path.relative_to(store.root).as_posix() for path in store.ingested}
    return {relative[path]: forgotten.Origins.of(relative[path], metadata) for path, metadata in store.ingested.items()}


def _notice_deletions(store: ContentStore, options: Options, report: Report, on_outcome) -> forgotten.Tombstones:
    """The forgotten stories, with those deleted by hand since the last run added (and reported)."""
    tombstones = forgotten.Tombstones.load(options.content)
    gone = forgotten.vanished(forgotten.load_ledger(options.content), _ingested(store), tombstones)
    if gone:
        if options.dry_run:
            tombstones.keys.update(key for story in gone for key in story.keys())
        else:
            tombstones.bury(gone)
    for story in gone:
        _record(
            report,
            on_outcome,
            Outcome(
                str(options.content / story.path),
                "forgotten",
                None,
                f"deleted since the last ingest; listed in {_ignore_file(options)}",
            ),
        )
    return tombstones


@contextlib.contextmanager
def _one_input(report: Report, on_outcome, name: str, entry: str = ""):
    """Whatever goes wrong with one input (or one feed entry) fails it alone, in one line; the
    run goes on. An error no check foresaw is named by its type, its traceback logged (-v)."""
    try:
        yield
    except IngestError as error:
        reason = str(error)
    except OSError as error:  # a story that cannot be written (a read-only folder, a full disk)
        reason = f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
    except Exception as error:  # noqa: BLE001 - an input must never stop the others
        _log.info("%s: unexpected error", name, exc_info=True)
        reason = f"unexpected {type(error).__name__}: {one_line(str(error))}".rstrip(": ")
    else:
        return
    _record(report, on_outcome, Outcome(name, "failed", detail=f"entry {entry}: {reason}" if entry else reason))


def _record(report: Report, on_outcome, outcome: Outcome) -> None:
    report.outcomes.append(outcome)
    on_outcome(outcome)


def _parse(name: str, run: _Run) -> list[_Parsed]:
    if run.tombstones.forgets(url=name):  # a forgotten page is not even fetched
        run.record(Outcome(name, "skipped", detail=f"forgotten: listed in {_ignore_file(run.options)}"))
        return []
    raw = reading.read(name, run.options.fetch_seconds, run.options.allow_private)
    text = reading.decode(raw.data, reading.header_charset(raw.content_type))
    if raw.suffix in (".xml", ".rss", ".atom") or "xml" in raw.content_type or feed.looks_like_feed(text):
        return _feed_entries(name, raw.data, run)
    if (
        raw.suffix in (".html", ".htm")
        or "html" in raw.content_type
        or text.lstrip()[:100].lower().startswith(("<!doctype html", "<html"))
    ):
        page_url = raw.name if raw.name.startswith("http") else None
        return [_Parsed(name, _visible(html_page.parse(text, page_url, run.names)))]
    return [_Parsed(name, _visible(clipping.parse(text)))]


def _feed_entries(name: str, data: bytes, run: _Run) -> list[_Parsed]:
    """The stories of the feed `name`; its entries ingested or forgotten before are skipped unread."""

    def skip(link: str, guid: str) -> Outcome | None:  # known and forgotten entries are never extracted
        if known := run.store.by_origin.get(guid) or run.store.by_origin.get(link):
            return Outcome(name, "skipped", known, f"already ingested: {link or guid}")
        if run.tombstones.forgets(guid=guid, url=link):
            return Outcome(
                name, "skipped", detail=f"forgotten: {link or guid} is listed in {_ignore_file(run.options)}"
            )
        return None

    stories = []
    for entry in feed.entries(data, run.names, skip):
        if entry.skipped is not None:
            run.record(entry.skipped)
        elif entry.story is not None:  # an entry not skipped has one
            with _one_input(run.report, run.on_outcome, name, entry.label):
                stories.append(_Parsed(name, _visible(entry.story()), entry.label))
    return stories


def _visible(story: Story) -> Story:
    """The story with its headline, standfirst, names and tags as a reader sees them: no
    bidirectional overrides or zero-width characters (the content model's rule, applied before
    the story is fingerprinted, tagged and named)."""
    changes: dict[str, Any] = {}  # the shown fields: strings and lists of strings
    for key in content_model.SHOWN_KEYS:
        value = getattr(story, key, None)
        if isinstance(value, str):
            changes[key] = content_model.visible_text(value)
        elif isinstance(value, list):
            changes[key] = [content_model.visible_text(item) for item in value]
    return dataclasses.replace(story, **changes)


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


def _place(item: _Parsed, run: _Run, tagger: tagging.Tagger) -> Outcome:
    """Name, date, dedupe, tag and write one story."""
    story = _named(item.story, run)
    moment = _moment(story, run.options)
    body = "\n\n".join(safe_markdown(paragraph) for paragraph in story.paragraphs)
    print_ = fingerprint(story.title, body)
    seen = _seen_before(item, print_, run)
    if seen is not None:
        return seen
    tags = _tags(story, tagger, run.options.tags)
    destination = _destination(item, moment, print_, run)
    if isinstance(destination, Outcome):
        return destination
    metadata = _front_matter(story, moment, destination.slug, tags, print_, item.input)
    metadata, warnings = _lead_image(metadata, destination.path, run.options)
    if not run.options.dry_run:
        run.store.write(destination.path, metadata, body)
    run.store.remember(destination.path, metadata, body)
    return Outcome(item.input, destination.status, destination.path, notes=[*story.notes, *warnings])


def _named(story: Story, run: _Run) -> Story:
    """The story with its source named, its section (--section when it has none) and its language
    when it is not the site's."""
    story.source = run.names.name(story.source or run.options.source)
    story.section = story.section or run.options.section
    if not story.lang and (detected := language.detect(" ".join(story.plain_paragraphs))) != run.options.site_lang:
        story.lang = detected
    return story


def _origin(item: _Parsed) -> str:
    """What the story is known by from one ingest to the next: its guid, its address, its input."""
    return item.story.guid or item.story.source_url or item.input


def _seen_before(item: _Parsed, print_: str, run: _Run) -> Outcome | None:
    """The outcome of a story forgotten, or ingested before with the same text; None for one to write."""
    story, name = item.story, item.input
    if run.tombstones.forgets(
        url=story.source_url,
        guid=story.guid,
        fingerprint=print_,
        input=name if _origin(item) == name and not item.entry else "",
    ):
        return Outcome(name, "skipped", detail=f"forgotten: listed in {_ignore_file(run.options)}")
    if print_ in run.store.by_fingerprint:
        existing = run.store.by_fingerprint[print_]
        previous = run.store.read(existing)
        same_input = previous is not None and previous.metadata.get("ingested_from") == name
        return Outcome(
            name,
            "unchanged" if same_input else "duplicate",
            existing,
            "" if same_input else f"same story as {existing}",
        )
    return None


def _tags(story: Story, tagger: tagging.Tagger, given: list[str]) -> list[str]:
    """The story's tags: `given` (--tags) and what the tagger finds, each once, as readers see it."""
    # The tagger reads the story's text as a reader sees it: not Markdown's link targets and marks,
    # nor figure captions, which run into the next paragraph's first words.
    prose = [
        text
        for markdown, text in zip(story.paragraphs, story.plain_paragraphs, strict=True)
        if not markdown.startswith(FIGURE_OPENING)
    ]
    tags = tagger.tags(dataclasses.replace(story, paragraphs=prose), given)
    return list(dict.fromkeys(content_model.visible_text(tag) for tag in tags))  # names found in the text too


def _destination(item: _Parsed, moment: dt.datetime | dt.date, print_: str, run: _Run) -> _Destination | Outcome:
    """Where the story goes: over the file of its earlier version, else a new file named by its
    date and headline; or the outcome "kept" when the curator has edited its earlier version."""
    story, name = item.story, item.input
    earlier = run.store.by_origin.get(_origin(item))
    if earlier is None or not earlier.exists():
        relative = f"articles/{moment:%Y}/{moment:%m}/{slugify(story.title, fallback='story')}.md"
        target = run.store.free_path(relative, print_)
        return _Destination(target, "written", target.stem)
    # a new version of a story ingested before
    previous = run.store.read(earlier)
    if previous is None or previous.edited_by_curator:
        return Outcome(
            name, "kept", earlier, "edited by the curator since it was ingested; not overwritten", story.notes
        )
    # Keep the address it was published at; a file from before ingest wrote slugs keeps none,
    # and the build's address record redirects its old address if the headline changed.
    return _Destination(earlier, "updated", str(previous.metadata.get("slug") or ""))


def _lead_image(metadata: dict, target: Path, options: Options) -> tuple[dict, list[str]]:
    """The front matter with its lead image stored under content/images/ (--fetch-images), and
    a warning when it could not be."""
    if not (options.fetch_images and safe_urls.web_url(metadata.get("image"))):
        return metadata, []
    try:
        stored = images.store_lead_image(
            metadata["image"],
            options.content,
            target.stem,
            options.dry_run,
            options.fetch_seconds,
            options.allow_private,
        )
    except images.TooSmall as error:  # a thumbnail or an icon: the story has no lead image
        return {key: value for key, value in metadata.items() if not key.startswith("image")}, [f"{error}; left out"]
    except IngestError as error:
        return metadata, [f"{error}; the story keeps its address"]
    return _with_stored_image(metadata, stored), []


def _with_stored_image(metadata: dict, stored: str) -> dict:
    """Front matter pointing at the stored copy, with the original's address kept beside it."""
    result = {}
    for key, value in metadata.items():
        result[key] = stored if key == "image" else value
        if key == "image":
            result["image_original"] = value
    return result


def _front_matter(
    story: Story, moment: dt.datetime | dt.date, slug: str, tags: list[str], print_: str, name: str
) -> dict:
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
