"""`newsdigest ingest`: raw stories (text clippings, saved pages, feeds, URLs) become Markdown
files with front matter in content/articles/YYYY/MM/<slug>.md.

Reads top to bottom: expand the inputs -> read and decode each -> parse it (clipping,
page or feed) -> fill in what it lacks (date zone, source, section) -> tag it ->
decide (new, unchanged, duplicate, update, curator's edit kept) -> write atomically.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
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
    fetch_seconds: float = reading.FETCH_SECONDS  # the whole fetch of one URL


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


def ingest(paths: list[str], options: Options, on_outcome=lambda outcome: None, progress=None) -> Report:
    """Ingest every input; a bad input is reported and the others still processed. Stories the
    curator forgot, or deleted since the last run, are never written again."""
    report = Report()
    store = ContentStore.scan(options.content)
    tombstones = _notice_deletions(store, options, report, on_outcome)
    vocabulary = Vocabulary.load(options.content / options.vocabulary_file)
    names = SourceNames(options.source_names, known=store.sources)
    parsed: list[_Parsed] = []
    for name in reading.expand(paths):
        with _one_input(report, on_outcome, name):
            parsed += _parse(name, options, report, on_outcome, store, names, tombstones)
        if progress:
            progress()
    if parsed:
        texts = [f"{item.story.title} {' '.join(item.story.plain_paragraphs)}" for item in parsed]
        frequencies = tagging.document_frequency(store.texts + texts)
        tagger = tagging.Tagger(vocabulary, frequencies, len(store.texts) + len(parsed))
        for item in parsed:
            with _one_input(report, on_outcome, item.input, item.entry):
                _record(report, on_outcome, _place(item, options, store, tagger, names, tombstones))
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


def _parse(
    name: str,
    options: Options,
    report: Report,
    on_outcome,
    store: ContentStore,
    names: SourceNames,
    tombstones: forgotten.Tombstones,
) -> list[_Parsed]:
    if tombstones.forgets(url=name):  # a forgotten page is not even fetched
        _record(report, on_outcome, Outcome(name, "skipped", detail=f"forgotten: listed in {_ignore_file(options)}"))
        return []
    raw = reading.read(name, options.fetch_seconds)
    text = reading.decode(raw.data)
    if raw.suffix in (".xml", ".rss", ".atom") or "xml" in raw.content_type or feed.looks_like_feed(text):

        def skip(link: str, guid: str) -> Outcome | None:  # known and forgotten entries are never extracted
            if known := store.by_origin.get(guid) or store.by_origin.get(link):
                return Outcome(name, "skipped", known, f"already ingested: {link or guid}")
            if tombstones.forgets(guid=guid, url=link):
                return Outcome(
                    name, "skipped", detail=f"forgotten: {link or guid} is listed in {_ignore_file(options)}"
                )
            return None

        stories = []
        for entry in feed.entries(raw.data, names, skip):
            if entry.skipped is not None:
                _record(report, on_outcome, entry.skipped)
            elif entry.story is not None:  # an entry not skipped has one
                with _one_input(report, on_outcome, name, entry.label):
                    stories.append(_Parsed(name, _visible(entry.story()), entry.label))
        return stories
    if (
        raw.suffix in (".html", ".htm")
        or "html" in raw.content_type
        or text.lstrip()[:100].lower().startswith(("<!doctype html", "<html"))
    ):
        page_url = raw.name if raw.name.startswith("http") else None
        return [_Parsed(name, _visible(html_page.parse(text, page_url, names)))]
    return [_Parsed(name, _visible(clipping.parse(text)))]


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


def _place(
    item: _Parsed,
    options: Options,
    store: ContentStore,
    tagger: tagging.Tagger,
    names: SourceNames,
    tombstones: forgotten.Tombstones,
) -> Outcome:
    name, story = item.input, item.story
    story.source = names.name(story.source or options.source)
    story.section = story.section or options.section
    if not story.lang and (detected := language.detect(" ".join(story.plain_paragraphs))) != options.site_lang:
        story.lang = detected
    moment = _moment(story, options)
    paragraphs = [safe_markdown(paragraph) for paragraph in story.paragraphs]
    print_ = fingerprint(story.title, "\n\n".join(paragraphs))
    origin = story.guid or story.source_url or name
    if tombstones.forgets(
        url=story.source_url,
        guid=story.guid,
        fingerprint=print_,
        input=name if origin == name and not item.entry else "",
    ):
        return Outcome(name, "skipped", detail=f"forgotten: listed in {_ignore_file(options)}")
    if print_ in store.by_fingerprint:
        existing = store.by_fingerprint[print_]
        previous = store.read(existing)
        same_input = previous is not None and previous.metadata.get("ingested_from") == name
        return Outcome(
            name,
            "unchanged" if same_input else "duplicate",
            existing,
            "" if same_input else f"same story as {existing}",
        )
    # The tagger reads the story's text as a reader sees it: not Markdown's link targets and marks,
    # nor figure captions, which run into the next paragraph's first words.
    prose = [
        text
        for markdown, text in zip(story.paragraphs, story.plain_paragraphs, strict=True)
        if not markdown.startswith(FIGURE_OPENING)
    ]
    tags = tagger.tags(dataclasses.replace(story, paragraphs=prose), options.tags)
    tags = list(dict.fromkeys(content_model.visible_text(tag) for tag in tags))  # names found in the text too
    body = "\n\n".join(paragraphs)
    earlier = store.by_origin.get(origin)
    if earlier is not None and earlier.exists():  # a new version of a story ingested before
        previous = store.read(earlier)
        if previous is None or previous.edited_by_curator:
            return Outcome(
                name, "kept", earlier, "edited by the curator since it was ingested; not overwritten", story.notes
            )
        target, status = earlier, "updated"
        # Keep the address it was published at; a file from before ingest wrote slugs keeps none,
        # and the build's address record redirects its old address if the headline changed.
        slug = str(previous.metadata.get("slug") or "")
    else:
        relative = f"articles/{moment:%Y}/{moment:%m}/{slugify(story.title, fallback='story')}.md"
        target, status = store.free_path(relative, print_), "written"
        slug = target.stem
    metadata = _front_matter(story, moment, slug, tags, print_, name)
    warnings = []
    if options.fetch_images and safe_urls.web_url(metadata.get("image")):
        try:
            metadata = _with_stored_image(
                metadata, images.store_lead_image(metadata["image"], options.content, target.stem, options.dry_run)
            )
        except IngestError as error:
            warnings.append(f"{error}; the story keeps its address")
    if not options.dry_run:
        store.write(target, metadata, body)
    store.remember(target, metadata, body)
    return Outcome(name, status, target, notes=[*story.notes, *warnings])


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
