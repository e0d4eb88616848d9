"""Tag quality against an editor's choices: the fixture set in tests/fixtures/tagging.yml.

A helper, not a benchmark of its own (it defines no `run`): `newsdigest bench ingest` and
tests/test_tagging.py call `score`. Precision is the share of suggested tags that are in the
editor's set or among the variants the editor accepts; recall is the share of the editor's
set that was suggested. Tags compare folded (case, accents, punctuation aside).

And the junk rule (`junk_kind`): what no editor keeps as a tag, whatever the story, judged with
data the tagger does not use (stopwordsiso's stop words, the CLDR's month and weekday names by
way of babel), over the suggested tags of every story of corpora/boilerplate (`junk_share`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import babel
import yaml

from newsdigest.ingest import IngestError, language, tagging
from newsdigest.ingest.markdown_body import FIGURE_OPENING
from newsdigest.ingest.story import Story
from newsdigest.site.taxonomy import fold
from newsdigest_bench import project_root, saved_pages
from newsdigest_bench.corpus import DEFAULT_BBC

FIXTURES = project_root() / "tests" / "fixtures" / "tagging.yml"
DEFAULT_BOILERPLATE = DEFAULT_BBC.parent / "boilerplate"
# Articles, which start names ("El Salvador", "The Hague", "Le Monde") as they start fragments.
ARTICLES = frozenset("the a an el la los las le les l il lo gli i o os as der die das den de het een al".split())
HEADLINE_RUN_WORDS = 3  # a tag of this many words found in the headline and nowhere in the body


@dataclass(frozen=True)
class Case:
    name: str
    story: Story
    editor: tuple[str, ...]
    acceptable: tuple[str, ...]


@dataclass(frozen=True)
class Scored:
    case: Case
    suggested: tuple[str, ...]

    @property
    def correct(self) -> list[str]:
        wanted = {fold(tag) for tag in self.case.editor + self.case.acceptable}
        return [tag for tag in self.suggested if fold(tag) in wanted]

    @property
    def found(self) -> list[str]:
        suggested = {fold(tag) for tag in self.suggested}
        return [tag for tag in self.case.editor if fold(tag) in suggested]


def bbc_texts(bbc: Path = DEFAULT_BBC) -> list[str]:
    """The BBC corpus as ingest's background, when it is beside the checkout."""
    return [path.read_bytes().decode("utf-8", "replace") for path in sorted(bbc.glob("*/*.txt"))]


def page_story(file: Path, url: str | None = None) -> Story:
    """A saved page (gzipped or not) as ingest makes it a story, with the text the tagger reads:
    the paragraphs as a reader sees them, figures aside (as `newsdigest ingest` passes them)."""
    return tagger_view(saved_pages.story(file, url))


def tagger_view(story: Story) -> Story:
    """An ingested story with the text the tagger reads: its paragraphs as a reader sees them,
    figures aside."""
    prose = [
        text
        for markdown, text in zip(story.paragraphs, story.plain_paragraphs, strict=True)
        if not markdown.startswith(FIGURE_OPENING)
    ]
    return dataclasses.replace(story, paragraphs=prose)


def _page_urls(corpora: Path) -> dict[str, str]:
    """Each corpus page's address ("boilerplate/NAME.html" -> URL), from the corpora's own indexes."""
    urls: dict[str, str] = {}
    for corpus, index, suffix in (("boilerplate", "annotations.json", ""), ("aeb", "ground-truth.json", ".html")):
        if (corpora / corpus / index).is_file():
            entries = json.loads((corpora / corpus / index).read_text(encoding="utf-8"))
            urls.update({f"{corpus}/{name}{suffix}": entry.get("url", "") for name, entry in entries.items()})
    return urls


def cases(
    path: Path = FIXTURES, bbc: Path = DEFAULT_BBC, parsed: Mapping[str, Story | None] | None = None
) -> list[Case]:
    """The fixture stories; BBC ones and real pages only when the corpora are beside the checkout
    (`parsed`: real pages already ingested as `page_story` ingests them, by their path under the corpora,
    "boilerplate/html/NAME.gz")."""
    found = []
    corpora = bbc.parent
    urls: dict[str, str] | None = None
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        if "page" in entry:
            corpus, _, name = entry["page"].partition("/")
            file = corpora / corpus / "html" / f"{name}.gz"
            if not file.is_file():
                continue
            if parsed is not None and (relative := file.relative_to(corpora).as_posix()) in parsed:
                ingested = parsed[relative]
                if ingested is None:  # the page no longer ingests: the fixture's counts say so
                    continue
                story, name = tagger_view(ingested), entry["page"]
            else:
                urls = _page_urls(corpora) if urls is None else urls
                story, name = page_story(file, urls.get(entry["page"]) or None), entry["page"]
        elif "bbc" in entry:
            file = bbc / entry["bbc"]
            if not file.is_file():
                continue
            blocks = [
                block.strip() for block in file.read_bytes().decode("utf-8", "replace").split("\n\n") if block.strip()
            ]
            story, name = Story(title=blocks[0], subtitle=blocks[1], paragraphs=blocks[2:]), entry["bbc"]
        else:
            paragraphs = [line.strip() for line in entry["text"].splitlines() if line.strip()]
            story = Story(
                title=entry["title"],
                paragraphs=paragraphs,
                source=entry.get("source", ""),
                tags=list(entry.get("keywords", [])),
                lang=language.detect(" ".join(paragraphs)),  # as ingest tells a clipping's language
            )
            name = entry["title"]
        found.append(Case(name, story, tuple(entry["tags"]), tuple(entry.get("acceptable", []))))
    return found


def score(fixtures: list[Case], background: Sequence[str] = ()) -> tuple[float, float, list[Scored]]:
    """(precision, recall, each case scored), the tagger run as ingest runs it, on these stories in a
    content folder that already holds `background` (texts that make a term distinctive or ordinary)."""
    texts = [f"{case.story.title} {case.story.body}" for case in fixtures] + list(background)
    tagger = tagging.Tagger(document_frequency=tagging.document_frequency(texts), corpus_size=len(texts))
    scored = [Scored(case, tuple(tagger.tags(case.story))) for case in fixtures]
    suggested = sum(len(item.suggested) for item in scored)
    editor = sum(len(item.case.editor) for item in scored)
    precision = sum(len(item.correct) for item in scored) / suggested if suggested else 0.0
    return precision, sum(len(item.found) for item in scored) / editor, scored


def _stop_words(lang: str) -> frozenset[str]:
    """The function words of `lang`: its stop words (stopwordsiso's and stop-words' lists), and
    English's function words (the packaged English lists hold content words too: "states", "world")."""
    return tagging.function_words(lang)


@functools.cache
def _calendar_words(lang: str) -> frozenset[str]:
    """Month and weekday names of `lang` and English, wide and abbreviated, folded ("aug", "märz", "8월")."""
    names: set[str] = set()
    for code in {"en", lang.split("-")[0].casefold() or "en"}:
        try:
            locale = babel.Locale.parse(code)
        except (ValueError, babel.UnknownLocaleError):
            continue
        for table in (locale.months, locale.days):
            for context in table.values():
                for width in ("wide", "abbreviated"):
                    names.update(fold(name) for name in context.get(width, {}).values())
    return frozenset(names)


_WORD_RUN = re.compile(r"[^\W_]+")


def junk_kind(tag: str, story: Story) -> str | None:
    """What makes `tag` junk for `story`, or None. The rule, in order:
    - "function word": a stop word of the story's language (`lang`) or of English ("as", "takes", "Nie");
    - "month or weekday": a month or weekday name, or its abbreviation, in that language or English ("Aug");
    - "short token": one word of one or two letters, not an acronym in capitals ("el", "Mr");
    - "furniture": words of page controls, widgets and labels ("Add More Videos", "Gold Loading", "RSS");
    - "site section": a section the site files stories under, or the page's own section (뉴스, "Opinion");
    - "fragment": starts or ends with a function word ("of Schmidt"), or has one glued onto a word the
      story writes ("Guadalcanalin World War");
    - "ordinary word": one capitalised word that the story writes in lower case ("Lista", "Espera", "Año");
    - "headline run": three words or more from the headline that the body never writes (HuffPost's
      headline split up into tags).
    """
    key = fold(tag)
    words = key.split()
    if not words:
        return "short token"
    stop = _stop_words(story.lang)
    if tag.isupper():  # an acronym or a letter: "UK", "GRU", "R"; not a widget's "RSS", nor "I"
        if key in tagging.CONTROL_WORDS:
            return "furniture"
        return "function word" if len(key) == 1 and key in stop else None
    if _written(tag) in stop:
        return "function word"
    if all(word in _calendar_words(story.lang) for word in words):
        return "month or weekday"
    if len(words) == 1 and len(key) <= 2:
        return "short token"
    if set(words) & tagging.CONTROL_WORDS:
        return "furniture"
    if key in tagging.SITE_SECTIONS:
        return "site section"
    return _junk_in_context(tag, key, words, story, stop)


def _written(word: str) -> str:
    """A word as stop-word lists write it: lower case, straight apostrophes."""
    return word.casefold().replace("’", "'").strip(".,;:!?\"'“”‘«»()")


def _junk_in_context(tag: str, key: str, words: list[str], story: Story, stop: frozenset[str]) -> str | None:
    """The kinds of junk that take the story's text to tell: fragments, ordinary words, headline runs."""
    body = " ".join(story.paragraphs)
    written = tag.split()
    first, last = written[0], written[-1]
    if len(written) > 1 and (
        (_written(first) in stop and (first.islower() or _written(first) not in ARTICLES))
        or (_written(last) in stop and last.islower())
    ):  # "of Schmidt", "Although Pacheco", "Guadalcanal in"; not "El Salvador", "Magdalena Medio"
        return "fragment"
    if all(part in stop for part in _written(tag).split("'")):  # "C’est", "I’m"
        return "function word"
    folded_body = _folded_words(body)
    if _glued(words, folded_body, story.lang):
        return "fragment"
    lower = re.compile(rf"(?:^|(?<=\s)){re.escape(tag.lower())}(?=[\s,;:!?)]|\.(?:\s|$))")
    if len(words) == 1 and tag[:1].isupper() and lower.search(body):
        return "ordinary word"
    if len(words) >= HEADLINE_RUN_WORDS and key in fold(story.title) and f" {key} " not in f" {folded_body} ":
        return "headline run"
    return None


# Words that a link glues onto the next when a page loses the space between them ("Guadalcanalin"),
# in English and the story's language (no word a plural or a case ending is made of: "en", "er").
GLUED_WORDS = {
    "en": ("in", "of", "on", "at", "to", "and", "the", "for", "with", "from"),
    "fr": ("de", "la", "le", "les", "et", "du", "des"),
    "es": ("de", "la", "el", "y", "del", "los", "las"),
    "pt": ("de", "da", "do", "e", "dos", "das"),
    "it": ("di", "il", "la", "e", "del", "della"),
    "de": ("und", "der", "die", "das", "von", "mit", "im"),
}


@functools.lru_cache(maxsize=64)  # a story's body, once for all its tags
def _folded_words(body: str) -> str:
    return " ".join(_WORD_RUN.findall(fold(body)))


def _glued(words: list[str], folded_body: str, lang: str) -> bool:
    """A word of the tag that is another word of the story with a function word glued on: the story
    writes "guadalcanal" too, and "guadalcanalin" is "guadalcanal" + "in"."""
    written = set(folded_body.split())
    glued_words = GLUED_WORDS["en"] + GLUED_WORDS.get(lang.split("-")[0].casefold(), ())
    return any(
        word.endswith(glued) and len(word) - len(glued) >= 5 and word[: -len(glued)] in written
        for word in words
        for glued in glued_words
    )


def corpus_stories(folder: Path = DEFAULT_BOILERPLATE, parsed: Mapping[str, Story | None] | None = None) -> list[Story]:
    """Every page of corpora/boilerplate that ingests, as the tagger reads it (the pages that fail to
    ingest have no tags; `parsed`: the pages already ingested, by name)."""
    if parsed is not None:
        return [tagger_view(story) for _, story in sorted(parsed.items()) if story is not None]
    urls = _page_urls(folder.parent)
    stories = []
    for file in sorted((folder / "html").glob("*.html.gz")):
        try:
            stories.append(page_story(file, urls.get(f"boilerplate/{file.name[:-3]}") or None))
        except IngestError:
            continue
    return stories


@dataclass(frozen=True)
class Junk:
    suggested: int
    flagged: list[tuple[str, str, str]]  # (kind, tag, story headline)

    @property
    def share(self) -> float:
        return len(self.flagged) / self.suggested if self.suggested else 0.0

    def kinds(self) -> Counter:
        return Counter(kind for kind, _, _ in self.flagged)


def junk_share(stories: Iterable[Story]) -> Junk:
    """The share of the tags suggested for `stories` (ingested together into one content folder)
    that the junk rule flags."""
    stories = list(stories)
    texts = [f"{story.title} {story.body}" for story in stories]
    tagger = tagging.Tagger(document_frequency=tagging.document_frequency(texts), corpus_size=len(texts))
    suggested, flagged = 0, []
    for story in stories:
        for tag in tagger.tags(story):
            suggested += 1
            if kind := junk_kind(tag, story):
                flagged.append((kind, tag, story.title))
    return Junk(suggested, flagged)


def report() -> None:
    """Print the fixture set's precision and recall, the cases with wrong or missed tags, and the
    share of junk among the tags suggested for corpora/boilerplate."""
    fixtures = cases()
    precision, recall, scored = score(fixtures, bbc_texts())
    print(f"  tags: {len(fixtures)} stories with an editor's tags: precision {precision:.3f}   recall {recall:.3f}")
    if DEFAULT_BOILERPLATE.is_dir():
        junk = junk_share(corpus_stories())
        kinds = ", ".join(f"{kind} {count}" for kind, count in junk.kinds().most_common())
        print(f"  tags on corpora/boilerplate: {junk.suggested} suggested, junk {junk.share:.1%} ({kinds or 'none'})")
        for kind, tag, headline in junk.flagged[:12]:
            print(f"    junk ({kind}): {tag!r} on {headline[:60]!r}")
    for item in scored:
        wrong = [tag for tag in item.suggested if tag not in item.correct]
        missed = [tag for tag in item.case.editor if tag not in item.found]
        if wrong:
            print(
                f"    {item.case.name[:50]}: not the editor's: {', '.join(wrong)}; missed: {', '.join(missed) or '-'}"
            )
