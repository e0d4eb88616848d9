"""`newsdigest bench ingest`: body extraction quality on the article-extraction benchmark
(../shared/corpora/aeb, 181 real pages) with that benchmark's metric, and on the boilerplate
benchmark (../shared/corpora/boilerplate, 506 pages) beside trafilatura with bylines, how much of each
story's structure survives (links, images; no raw tags or entities shown), and the
throughput of ingesting the whole BBC corpus (2,225 files) into a fresh content folder; and
how ingest time grows with an input's size (`--sizes`): a page and a clipping of 0.1, 1 and
10 MB each, whose time per MB may grow at most 1.5x from the smallest to the largest, and
whose 10 MB inputs ingest in under 30 s each."""

from __future__ import annotations

import datetime as dt
import html as html_text
import json
import re
import shutil
import statistics
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsdigest.content import document
from newsdigest.ingest import IngestError, Options, Report, ingest
from newsdigest.ingest.story import Story, safe_markdown
from newsdigest_bench import boilerplate, project_root, saved_pages, tagging
from newsdigest_bench.corpus import DEFAULT_BBC

describe = (
    "HTML body quality (AEB shingle F1; boilerplate passages and bylines beside trafilatura), suggested tags "
    "against an editor's, BBC corpus ingest throughput, and ingest time against input size"
)
SIZES_MB = (0.1, 1.0, 10.0)
MAX_GROWTH = 1.5  # time per MB, largest input over smallest
MAX_SECONDS_10MB = 30.0
DEFAULT_AEB = DEFAULT_BBC.parent / "aeb"
PROJECT = project_root()
_TOKEN = re.compile(r"\w+", re.UNICODE)
_TAGS = re.compile(r"<[^>]+>")
# Inline marks show no gap of their own ("[link](…), then" reads "link, then", not "link , then").
_INLINE_TAGS = re.compile(r"</?(?:a|em|strong|b|i|u|s|code|sup|sub|small|span|abbr|mark|del|ins)\b[^>]*>")
# The benchmark's articleBody leaves out figure captions, and so does its text of our story.
_FIGURE = re.compile(r"<figure>.*?</figure>", re.S)
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(https?://")
_IMAGE = re.compile(r"!\[[^\]]*\]\(https?://")
# An HTML tag shown as text ("<u>", "19<sup>th</sup>"); "<The Palace>" as a title in brackets is text.
_RAW_TAG = re.compile(
    r"</?(?:a|abbr|b|br|div|em|figure|figcaption|font|h[1-6]|i|iframe|img|li|ol|p|q|s|script|small|"
    r"span|strong|style|sub|sup|table|td|th|tr|u|ul)(?:\s[^<>]*)?/?>",
    re.I,
)
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#x[0-9a-fA-F]+);")


def add_arguments(parser) -> None:
    parser.add_argument("--worst", type=int, default=8, help="how many worst pages to list (default: %(default)s)")
    parser.add_argument(
        "--feed-entries",
        type=int,
        default=10_000,
        help="entries of the feed ingested twice, the second time all known (default: %(default)s)",
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=SIZES_MB,
        metavar="MB,MB,...",
        help="sizes of the synthetic page and clipping timed, in MB ('' for none; default: 0.1,1,10)",
    )
    parser.add_argument(
        "--quality-only",
        action="store_true",
        help="only the quality figures: AEB, the boilerplate benchmark beside trafilatura, and tags",
    )
    parser.add_argument(
        "--sizes-only", action="store_true", help="only time the synthetic inputs of --sizes (no corpora needed)"
    )


def _sizes(text: str) -> tuple[float, ...]:
    return tuple(sorted(float(part) for part in text.split(",") if part.strip()))


def shingle_counts(text: str, size: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens[i : i + size])


def page_scores(truth: str, predicted: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page over 4-token shingles; None where undefined."""
    expected, found = shingle_counts(truth), shingle_counts(predicted)
    keys = set(expected) | set(found)
    true_positive = sum(min(expected[k], found[k]) for k in keys)
    false_positive = sum(max(0, found[k] - expected[k]) for k in keys)
    false_negative = sum(max(0, expected[k] - found[k]) for k in keys)
    if false_positive == false_negative == 0:
        return 1.0, 1.0
    precision = true_positive / (true_positive + false_positive) if true_positive + false_positive else None
    recall = true_positive / (true_positive + false_negative) if true_positive + false_negative else None
    return precision, recall


def shown_text(markdown_body: str, figures: bool = True) -> str:
    """The text a reader sees of a Markdown body: rendered as the site renders it, tags removed,
    entities decoded once (with or without the figures' captions)."""
    html = document.render_markdown(
        markdown_body,
        document.markdown_config(
            {"extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.sane_lists": {}}}
        ),
    )
    html = _INLINE_TAGS.sub("", html if figures else _FIGURE.sub(" ", html))
    return html_text.unescape(_TAGS.sub(" ", html))


def body_text(markdown_body: str) -> str:
    """The article text of a Markdown body, as the benchmark counts it: figures left out."""
    return shown_text(markdown_body, figures=False)


@dataclass
class Structure:
    """How many stories keep links and images, and how many show no raw tag and no entity."""

    pages: int = 0
    with_link: int = 0
    with_image: int = 0
    with_lead_image: int = 0
    no_raw_tag: int = 0
    no_entity: int = 0
    problems: list[str] = field(default_factory=list)  # pages that show a tag or an entity

    def count(self, story: Story, name: str) -> None:
        markdown = "\n\n".join(safe_markdown(paragraph) for paragraph in story.paragraphs)
        shown = " ".join([story.title, story.subtitle, story.image_caption, story.image_alt, shown_text(markdown)])
        self.pages += 1
        self.with_link += bool(_LINK.search(markdown))
        self.with_image += bool(_IMAGE.search(markdown))
        self.with_lead_image += bool(story.image)
        raw_tag, entity = _RAW_TAG.search(shown), _ENTITY.search(shown)
        self.no_raw_tag += raw_tag is None
        self.no_entity += entity is None
        if found := raw_tag or entity:
            self.problems.append(f"{found.group(0)!r} in {name}")

    def share(self, count: int) -> str:
        return f"{count}/{self.pages} ({count / max(self.pages, 1):.0%})"


def aeb_stories(folder: Path = DEFAULT_AEB) -> dict[str, Story | None]:
    """Each page of the AEB corpus as `newsdigest ingest` makes it a story (its bytes decoded as ingest
    decodes a file), by its key in ground-truth.json; None where ingest refuses the page."""
    stories: dict[str, Story | None] = {}
    for key, expected in sorted(_aeb_truth(folder).items()):
        try:
            stories[key] = saved_pages.story(folder / "html" / f"{key}.html.gz", expected.get("url"))
        except IngestError:
            stories[key] = None
    return stories


def _aeb_truth(folder: Path) -> dict[str, dict]:
    return json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))


def aeb_quality(
    folder: Path = DEFAULT_AEB, stories: Mapping[str, Story | None] | None = None
) -> tuple[float, float, float, list[tuple[float, str]], Structure]:
    """Body F1, precision and recall over the AEB corpus, each page's F1, and the stories' structure
    (`stories`: the pages already ingested, as `aeb_stories` gives them)."""
    truth = _aeb_truth(folder)
    stories = aeb_stories(folder) if stories is None else stories
    precisions, recalls, per_page = [], [], []
    structure = Structure()
    for key, expected in sorted(truth.items()):
        story = stories[key]
        predicted = ""
        if story is not None:
            predicted = body_text(story.body)
            structure.count(story, expected.get("url", key))
        precision, recall = page_scores(expected.get("articleBody", ""), predicted)
        if precision is not None:
            precisions.append(precision)
        if recall is not None:
            recalls.append(recall)
        page_f1 = 2 * (precision or 0) * (recall or 0) / ((precision or 0) + (recall or 0) or 1)
        per_page.append((page_f1, expected.get("url", key)))
    precision, recall = statistics.mean(precisions), statistics.mean(recalls)
    return 2 * precision * recall / (precision + recall), precision, recall, sorted(per_page), structure


def run(args) -> int:
    sizes = getattr(args, "sizes", SIZES_MB)
    if getattr(args, "sizes_only", False):
        return size_report(sizes)
    worst = getattr(args, "worst", 8)
    started = time.perf_counter()
    f1, precision, recall, pages, structure = aeb_quality()
    print(f"bench ingest: article-extraction benchmark, {len(pages)} pages ({time.perf_counter() - started:.1f} s)")
    print(f"  body F1 {f1:.4f}   precision {precision:.4f}   recall {recall:.4f}")
    for page_f1, url in pages[:worst]:
        print(f"    worst: F1 {page_f1:.3f}  {url}")
    print(
        f"  stories whose Markdown has at least one link {structure.share(structure.with_link)}, one image "
        f"{structure.share(structure.with_image)}; with a lead image {structure.share(structure.with_lead_image)}; "
        f"showing no raw tag {structure.share(structure.no_raw_tag)}, "
        f"no entity {structure.share(structure.no_entity)}"
    )
    for problem in structure.problems[:worst]:
        print(f"    shown: {problem}")
    boilerplate.report(worst)
    tagging.report()
    if getattr(args, "quality_only", False):
        return 0
    content = PROJECT / ".cache" / "bench-ingest" / "content"
    shutil.rmtree(content.parent, ignore_errors=True)
    content.mkdir(parents=True)
    options = Options(
        content=content, date=dt.datetime(2005, 1, 1, 12, 0), site_timezone="Europe/London", source="BBC News"
    )
    started = time.perf_counter()
    report = ingest([str(topic) for topic in sorted(DEFAULT_BBC.iterdir()) if topic.is_dir()], options)
    elapsed = time.perf_counter() - started
    files = len(list(DEFAULT_BBC.glob("*/*.txt")))
    print(f"  BBC corpus: {files} files in {elapsed:.1f} s ({files / elapsed:.0f} files/s): {report.summary()}")
    entries = getattr(args, "feed_entries", 10_000)
    if entries:
        size, first, again = known_feed(entries)
        print(
            f"  a feed of {entries} entries ({size / 2**20:.1f} MB): ingested in {first.seconds:.1f} s "
            f"({first.report.count('written')} written); again, every entry known: {again.seconds:.2f} s "
            f"({again.report.count('skipped')} skipped), {first.seconds / again.seconds:.1f}x faster"
        )
    return size_report(sizes) if sizes else 0


def size_report(sizes_mb: tuple[float, ...], work: Path = PROJECT / ".cache" / "bench-ingest-sizes") -> int:
    """Time one page and one clipping of each size (in MB), print seconds and seconds per MB,
    and the growth of seconds per MB from the smallest to the largest; 1 if a target is missed."""
    if not sizes_mb:
        return 0
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    warm_up = work / "warm-up.txt"  # the first ingest pays for imports, the gazetteer and the language model
    warm_up.write_bytes(synthetic_clipping(10_000))
    ingest([str(warm_up)], Options(content=work / "warm-up", site_timezone="UTC"))
    print("  ingest time against input size (one input each, into an empty content folder):")
    print(f"    {'kind':<9}{'MB':>7}{'seconds':>10}{'s/MB':>9}")
    status = 0
    for kind, make, suffix in (("page", synthetic_page, ".html"), ("clipping", synthetic_clipping, ".txt")):
        per_mb = []
        for size in sizes_mb:
            data = make(int(size * 2**20))
            source = work / f"{kind}-{size:g}MB{suffix}"
            source.write_bytes(data)
            started = time.perf_counter()
            report = ingest([str(source)], Options(content=work / f"{kind}-{size:g}MB", site_timezone="UTC"))
            seconds = time.perf_counter() - started
            megabytes = len(data) / 2**20
            per_mb.append(seconds / megabytes)
            print(f"    {kind:<9}{megabytes:>7.2f}{seconds:>10.2f}{seconds / megabytes:>9.2f}")
            if report.count("written") != 1:
                print(f"    MISSED: {source.name} was not written: {report.summary()}")
                status = 1
            if size >= 10 and seconds >= MAX_SECONDS_10MB:
                print(f"    MISSED: {source.name} took {seconds:.1f} s (target: under {MAX_SECONDS_10MB:g} s)")
                status = 1
        growth = per_mb[-1] / per_mb[0]
        verdict = "ok" if growth <= MAX_GROWTH else "MISSED"
        print(
            f"    {kind}: time per MB grows {growth:.2f}x from {sizes_mb[0]:g} to {sizes_mb[-1]:g} MB "
            f"(target: at most {MAX_GROWTH:g}x) {verdict}"
        )
        status = max(status, int(growth > MAX_GROWTH))
    return status


@dataclass
class Timed:
    seconds: float
    report: Report


_FEED_WORDS = (
    "storm coast harbour minister council budget river village school market railway strike vote court "
    "hospital bridge airport festival museum factory election harvest"
).split()


def synthetic_feed(entries: int) -> bytes:
    """An RSS feed of `entries` distinct stories, each a headline and two short paragraphs (about
    900 bytes an entry: 10,000 of them stay under ingest's 10 MB cap)."""
    items = []
    for number in range(entries):
        words = " ".join(_FEED_WORDS[(number * 7 + k) % len(_FEED_WORDS)] for k in range(50))
        body = (
            f"<p>Report {number}: officials described the {words}.</p>"
            f"<p>On day {number % 28 + 1} the {words[:150]} went on, residents said.</p>"
        )
        items.append(
            f"<item><title>Report {number} on the {_FEED_WORDS[number % len(_FEED_WORDS)]}</title>"
            f"<link>https://wire.example/{number}</link><guid>wire-{number}</guid>"
            f"<pubDate>Sat, {number % 28 + 1:02d} Nov 2015 10:00:00 +0000</pubDate>"
            f"<description>{html_text.escape(body)}</description></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire Service</title>'
        "<link>https://wire.example/</link><description>A wire</description>" + "".join(items) + "</channel></rss>"
    ).encode()


def known_feed(entries: int, work: Path = PROJECT / ".cache" / "bench-ingest-feed") -> tuple[int, Timed, Timed]:
    """The feed's size, and the time to ingest it into an empty content folder (under `work`),
    then again when every entry is known (skipped before its text is extracted)."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "content").mkdir(parents=True)
    feed = work / "wire.xml"
    feed.write_bytes(synthetic_feed(entries))
    options = Options(content=work / "content", site_timezone="UTC")
    timed = []
    for _ in range(2):
        started = time.perf_counter()
        report = ingest([str(feed)], options)
        timed.append(Timed(time.perf_counter() - started, report))
    return feed.stat().st_size, timed[0], timed[1]


# News-like text for the size benchmark: names, places, sentences, links and lists, the
# same bytes on every run (a counter picks every word, no randomness).
_PEOPLE = (
    "Maria Lopez",
    "Ahmed Khan",
    "Li Wei",
    "John McAllister",
    "Olga Petrova",
    "Kwame Mensah",
    "Sophie Martin",
    "Rahul Gupta",
)
_PLACES = ("London", "Nairobi", "Mumbai", "Berlin", "Buenos Aires", "Seattle", "Bamako", "Jakarta")
_BODIES = ("the Transport Ministry", "Acme Holdings", "the City Council", "Reuters", "the United Nations")


def _news_sentences(number: int) -> list[str]:
    """Four sentences of paragraph `number`, with capitalised names in them."""
    person, other = _PEOPLE[number % len(_PEOPLE)], _PEOPLE[(number * 3 + 1) % len(_PEOPLE)]
    place, body = _PLACES[number % len(_PLACES)], _BODIES[number % len(_BODIES)]
    words = " ".join(_FEED_WORDS[(number * 5 + k) % len(_FEED_WORDS)] for k in range(12))
    return [
        f"{person} told reporters in {place} on Tuesday that the {words} would go ahead.",
        f"Speaking for {body}, {other} said: \u201cWe expect more than {number % 90 + 10} people to attend.\u201d",
        (
            f"It was the {number % 12 + 1}th such meeting this year, and {person.split()[-1]} said it would not be "
            "the last."
        ),
        f"Critics in {place} asked why the {_FEED_WORDS[number % len(_FEED_WORDS)]} had not been raised before.",
    ]


def synthetic_page(size: int) -> bytes:
    """An HTML news page of about `size` bytes: a headline, a date, a byline, then paragraphs
    with links and, every tenth, a list."""
    head = (
        "<!doctype html><html><head><title>Council Vote Divides the City | Daily Example</title>"
        '<meta property="og:title" content="Council Vote Divides the City">'
        '<meta property="article:published_time" content="2015-11-21T17:01:00-05:00">'
        '<meta property="og:site_name" content="Daily Example"></head><body><article>'
        '<h1>Council Vote Divides the City</h1><p class="byline">By Maria Lopez</p>'
    )
    tail = "</article></body></html>"
    parts, total, number = [head], len(head) + len(tail), 0
    while True:
        first, *rest = _news_sentences(number)
        part = f'<p>{first} <a href="https://example.com/story/{number}">Read the report</a>. {" ".join(rest)}</p>'
        if number % 10 == 9:
            items = "".join(f"<li>{sentence}</li>" for sentence in _news_sentences(number + 1)[:3])
            part += f"<ul>{items}</ul>"
        total += len(part.encode())
        if total > size:  # at most `size`: 10 MB stays within ingest's cap
            break
        parts.append(part)
        number += 1
    return ("".join(parts) + tail).encode()


def synthetic_clipping(size: int) -> bytes:
    """A plain-text clipping of about `size` bytes: headline, date line, byline, paragraphs
    (every tenth a list of dashed lines)."""
    parts = ["Council Vote Divides the City\n\nNovember 21, 2015, 5:01pm\n\nBy Maria Lopez\n"]
    total, number = len(parts[0]), 0
    while True:
        part = "\n" + " ".join(_news_sentences(number)) + "\n"
        if number % 10 == 9:
            part += "\n" + "".join(f"- {sentence}\n" for sentence in _news_sentences(number + 1)[:3])
        total += len(part.encode())
        if total > size:
            break
        parts.append(part)
        number += 1
    return "".join(parts).encode()
