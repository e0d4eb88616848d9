"""Saved web pages: the metadata read from the page as it is (page_metadata), then the page
made ready (page_tree), its article found by trafilatura and written as Markdown
(markdown_body). Headline, byline, source, date and language are chosen by their own modules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Document

from newsdigest.content import safe_urls
from newsdigest.ingest import bylines, furniture, headlines, images, language, moments, page_tree
from newsdigest.ingest.clipping import absorb_paragraphs
from newsdigest.ingest.markdown_body import FIGURE_OPENING, markdown_blocks, trim_article_end
from newsdigest.ingest.page_metadata import LeadImage, PageMetadata
from newsdigest.ingest.page_tree import Figure
from newsdigest.ingest.sources import SourceNames, host_names
from newsdigest.ingest.standfirsts import standfirst
from newsdigest.ingest.story import Block, IngestError, Story


@dataclass
class ExtractedBody:
    blocks: list[Block]
    figures: dict[int, Figure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# An XHTML page's XML declaration: its encoding is spent once the page is text, and lxml refuses
# text that still declares one.
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*>")
# Where a story signs itself in plain text: among its first or its last paragraphs.
SIGNED_START = 4
SIGNED_END = 8


def parse_tree(html: str):
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
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
    return ExtractedBody(trim_article_end(body.blocks), prepared.figures, prepared.notes + body.notes)


def parse(html: str, url: str | None = None, source_names: SourceNames | None = None) -> Story:
    tree = parse_tree(html)
    meta = PageMetadata.read(tree)
    page_url = url or meta.canonical
    body = extract_body(tree, page_tree.base_url(tree, page_url))
    if not any(block.text for block in body.blocks):
        raise IngestError("no article text found in the page")
    hosts = host_names(page_url or "")
    publisher = headlines.publisher_name(meta.publisher, meta.headlines, hosts)
    source = (source_names or SourceNames()).name(publisher, page_url or "")
    site = () if meta.publisher_is_person else (source, publisher)
    # The story's own signature at its top names its writer where the metadata names whoever posted it.
    signature = next((found for block in body.blocks[:SIGNED_START] if (found := bylines.signed(block.text))), [])
    authors = (
        bylines.merge(signature, exclude=site)
        or bylines.merge(meta.authors, exclude=site)
        or bylines.merge(_signed_in_body(body.blocks), exclude=site)
    )
    site_names = [name for name in (publisher, source, *hosts) if name]
    title = headlines.choose(meta.headlines, site_names + authors)
    if not title:
        raise IngestError("no headline found in the page")
    story = Story(
        title=title,
        paragraphs=[],
        subtitle="" if headlines.names_site(meta.headlines, site_names) else standfirst(meta.description, title),
        date=_publication(meta, page_url)[0],
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


def _signed_in_body(blocks: list[Block]) -> list[str]:
    """The names of a paragraph that is only a byline ("Von Anna Berg", "Text: Jonas Wild") at
    the start or the end of a story whose page has no byline elsewhere, or else the agency of its
    dateline ("Hamburg (dpa) – …")."""
    ends = [*blocks[:SIGNED_START], *blocks[SIGNED_START:][-SIGNED_END:]]
    signed = next((found for block in ends if (found := bylines.signed(block.text))), [])
    return signed or next((found for block in blocks[:2] if (found := bylines.dateline_agency(block.text))), [])


def _repeats_byline(block: Block, authors: list[str], index: int) -> bool:
    """The byline again at the top of the body ("Jane Doe and John Roe"), now in `authors`."""
    names = bylines.names(block.text) if index < 3 and len(block.text) <= bylines.MAX_NAME * 3 else []
    return bool(names) and {name.casefold() for name in names} <= {name.casefold() for name in authors}


def _publication(meta: PageMetadata, url: str | None) -> tuple[moments.Moment | None, str]:
    """When the page says its story was published, and where it says so: its metadata (JSON-LD,
    OpenGraph, <meta>, itemprop), with the time of day from its header added to a day alone;
    else its header (a <time>, a dateline near the headline); else the day its address names.
    Never a date from elsewhere on the page (links, rails, comments, copyright lines): a page
    that states none has no date, and ingest asks for one."""
    best = moments.stated(meta.published)
    if best is not None and moments.precision(best) > 0:
        return best, "metadata"
    header = moments.most_precise(meta.time_elements) or next(
        (moment for line in meta.datelines if (moment := moments.from_dateline(line)) is not None), None
    )
    if best is not None:
        same_day = header is not None and moments.day_of(header) == best
        return (header, "metadata+header") if same_day else (best, "metadata")
    if header is not None:
        return header, "header"
    day = moments.from_address(url or meta.canonical)
    return (day, "address") if day else (None, "none")


def _take_lead_image(story: Story, image: LeadImage, page_url: str, figures: dict[int, Figure]) -> None:
    """The page's declared lead image to the front matter, with alt text, credit and caption from
    the declaration or from the same image's figure in the body."""
    url = safe_urls.joined_web_url(page_url, image.url) if image.url else None
    if url is None or not _may_lead(url, image):
        return
    figure = next((figure for figure in figures.values() if _same_image(figure.url, url)), Figure(url=url))
    story.image = url
    story.image_alt = image.alt or figure.alt
    story.image_credit = page_tree.clean_credit(image.credit) or figure.credit
    story.image_caption = image.caption or figure.caption


def _may_lead(url: str, image: LeadImage) -> bool:
    """Not the site's chrome (a logo, an icon, an avatar, a spacer or a tracking pixel, by its
    address or alt text) nor a thumbnail: narrower than a lead image, as the page declares it
    or as its address says."""
    if furniture.is_furniture_image(url, image.alt):
        return False
    return not images.too_narrow(image.width or images.width_hint(url))


def _same_image(one: str, other: str) -> bool:
    """The same picture, perhaps at another size: the same file name, queries aside."""
    name = lambda url: urlsplit(url).path.rsplit("/", 1)[-1].lower()  # noqa: E731
    return one == other or (name(one) != "" and name(one) == name(other))
