"""Saved web pages: the metadata read from the page as it is (page_metadata), then the page
made ready (page_tree), its article found by trafilatura and written as Markdown
(markdown_body). Headline, byline, source, date and language are chosen by their own modules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Document

from newsdigest.content import safe_urls
from newsdigest.ingest import bylines, headlines, language, moments, page_tree
from newsdigest.ingest.clipping import absorb_paragraphs
from newsdigest.ingest.markdown_body import FIGURE_OPENING, markdown_blocks
from newsdigest.ingest.page_metadata import LeadImage, PageMetadata
from newsdigest.ingest.page_tree import Figure
from newsdigest.ingest.sources import SourceNames, host_names
from newsdigest.ingest.story import Block, IngestError, Story


@dataclass
class ExtractedBody:
    blocks: list[Block]
    figures: dict[int, Figure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def parse_tree(html: str):
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as error:
        raise IngestError(f"not a readable HTML page ({error})") from None


def extract_body(tree, base: str) -> ExtractedBody:
    """The article in `tree` (changed in place) as Markdown blocks, with its figures and what was cut."""
    prepared = page_tree.prepare(tree, base)
    document = trafilatura.bare_extraction(
        tree,
        url=base or None,
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_images=True,
        include_formatting=True,
        favor_recall=True,
        deduplicate=False,
        as_dict=False,
    )
    body = markdown_blocks(document.body if isinstance(document, Document) else None, prepared.figures)  # as_dict=False
    return ExtractedBody(body.blocks, prepared.figures, prepared.notes + body.notes)


def parse(html: str, url: str | None = None, source_names: SourceNames | None = None) -> Story:
    tree = parse_tree(html)
    meta = PageMetadata.read(tree)
    page_url = url or meta.canonical
    body = extract_body(tree, page_tree.base_url(tree, page_url))
    if not any(block.text for block in body.blocks):
        raise IngestError("no article text found in the page")
    hosts = host_names(page_url or "")
    publisher = meta.publisher or next(
        (
            name
            for kind, text in meta.headlines
            if kind in ("title", "og")
            if (name := headlines.glued_name(text, hosts))
        ),
        "",
    )
    source = (source_names or SourceNames()).name(publisher, page_url or "")
    authors = bylines.merge(meta.authors, exclude=(source, publisher))
    site_names = [name for name in (publisher, source, *hosts) if name]
    title = headlines.choose(meta.headlines, site_names + authors)
    if not title:
        raise IngestError("no headline found in the page")
    story = Story(
        title=title,
        paragraphs=[],
        subtitle=meta.description,
        date=_published(meta, html, page_url),
        source=source,
        source_url=safe_urls.web_url(meta.canonical or url or "") or "",
        authors=authors,
        tags=meta.keywords,
        section=meta.section,
        notes=body.notes,
    )
    _take_lead_image(story, meta.image, page_url or "", body.figures)
    # Printed again beside the story: a figure's caption, the page's own address (print layouts).
    repeated = {figure.caption for figure in body.figures.values() if figure.caption} | {url, meta.canonical}
    blocks = [
        block
        for index, block in enumerate(body.blocks)
        if not _repeats_headline(block, title, index)
        and not _repeats_byline(block, authors, index)
        and (block.text not in repeated or block.markdown.startswith((FIGURE_OPENING, "![")))
    ]
    absorb_paragraphs(story, blocks)
    if not story.paragraphs:
        raise IngestError("no article text found in the page")
    story.lang = language.story_language(meta.lang, " ".join(story.plain_paragraphs))
    return story


def _repeats_headline(block: Block, title: str, index: int) -> bool:
    """The headline again in the body: as a heading anywhere, or as the first paragraph."""
    return (block.markdown.startswith("#") or index == 0) and headlines.same_headline(block.text, title)


def _repeats_byline(block: Block, authors: list[str], index: int) -> bool:
    """The byline again at the top of the body ("Jane Doe and John Roe"), now in `authors`."""
    names = bylines.names(block.text) if index < 3 and len(block.text) <= bylines.MAX_NAME * 3 else []
    return bool(names) and {name.casefold() for name in names} <= {name.casefold() for name in authors}


def _published(meta: PageMetadata, html: str, url: str | None) -> moments.Moment | None:
    """The most precise publication moment the page states; a <time> element only to add the
    time to a day alone (or when nothing else is there); trafilatura's date finder last."""
    best = moments.most_precise(meta.published)
    if best is None or moments.precision(best) == 0:
        same_day = [
            value
            for value in meta.time_elements[:5]
            if best is None or ((moment := moments.parse_moment(value)) is not None and _day(moment) == _day(best))
        ]
        best = moments.most_precise(([best] if best else []) + same_day)
    if best is None:
        try:
            found = trafilatura.extract_metadata(html, default_url=url)
        except (ValueError, OverflowError, TypeError):  # its date finder trips on impossible dates ("-99:00")
            found = None
        best = moments.parse_moment(found.date) if found and found.date else None
    return best


def _day(moment: moments.Moment) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _take_lead_image(story: Story, image: LeadImage, page_url: str, figures: dict[int, Figure]) -> None:
    """The page's declared lead image to the front matter, with alt text, credit and caption from
    the declaration or from the same image's figure in the body."""
    url = safe_urls.joined_web_url(page_url, image.url) if image.url else None
    if url is None:
        return
    figure = next((figure for figure in figures.values() if _same_image(figure.url, url)), Figure(url=url))
    story.image = url
    story.image_alt = image.alt or figure.alt
    story.image_credit = page_tree.clean_credit(image.credit) or figure.credit
    story.image_caption = image.caption or figure.caption


def _same_image(one: str, other: str) -> bool:
    """The same picture, perhaps at another size: the same file name, queries aside."""
    name = lambda url: urlsplit(url).path.rsplit("/", 1)[-1].lower()  # noqa: E731
    return one == other or (name(one) != "" and name(one) == name(other))
