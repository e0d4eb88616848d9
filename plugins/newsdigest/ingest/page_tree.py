"""A saved page's tree made ready for body extraction: furniture out, every link and image
address absolute and safe (or gone), lazy-loaded images given their real address, and each
image (with its figure's caption and credit) noted in a table of figures.

Images reach the extractor as `<img src="https://figure.invalid/N.jpg">`: trafilatura keeps
only images whose address looks like an image file, and drops captions; the key brings every
kept image back with its real address, alt text, caption and credit (see markdown_body).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree

from newsdigest.content import safe_urls
from newsdigest.ingest import furniture
from newsdigest.ingest.story import plain_text

FIGURE_KEY = "https://figure.invalid/{number}.jpg"
FIGURE_KEY_PATTERN = re.compile(r"https://figure\.invalid/(\d+)\.jpg")
# Where lazy-loading scripts keep an image's real address, most specific first.
_LAZY_SOURCES = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-lazy",
    "data-url",
    "data-hi-res-src",
    "data-full-src",
    "data-original-src",
    "data-img-src",
    "data-image",
    "data-fallback-src",
)
_LAZY_SOURCE_SETS = ("data-srcset", "data-lazy-srcset", "srcset")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)", re.I)
# A `src` that only holds the place of the real image.
_PLACEHOLDER = re.compile(
    r"^data:|(?:blank|spacer|placeholder|pixel|transparent|grey|gray|lazy|loading|1x1)"
    r"[^/]*\.(?:gif|png|svg|jpg)(?:\?|$)",
    re.I,
)
# Elements that never hold the story; trafilatura would drop most of them too.
_INERT = (
    "script",
    "style",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "canvas",
    "button",
    "input",
    "select",
    "textarea",
    "video",
    "audio",
)
# Elements that flow inside a line of text; any other element starts a block of its own.
_INLINE = {
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "br",
    "cite",
    "code",
    "data",
    "del",
    "dfn",
    "em",
    "font",
    "i",
    "img",
    "ins",
    "kbd",
    "mark",
    "picture",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "time",
    "tt",
    "u",
    "var",
    "wbr",
}
# Containers whose loose text and inline elements a browser shows as paragraphs of their own.
_LOOSE_TEXT_CONTAINERS = {
    "body",
    "div",
    "section",
    "article",
    "main",
    "td",
    "th",
    "blockquote",
    "center",
    "form",
    "span",
}
# The story's own containers, never furniture however they are named.
_STORY_CONTAINERS = {"html", "body", "article", "main"}
FURNITURE_MAX_SHARE = 0.25  # an element with more of the page's text than this is the story, not furniture
FIGURE_MAX_OTHER_TEXT = 200  # an element holding more text than its caption and this is no figure
STORY_PARAGRAPH = 250  # an element holding a paragraph this long holds the story, whatever its name
CHUNK_TEXT = 200  # paragraphs a chunk of a story cut into containers holds, at least
CHUNK_KINSHIP = 3  # the chunks of one story share an ancestor this many levels up
_CREDIT_NAMES = re.compile(
    r"(?:^|-)(?:credit|credits|copyright|photographer|attribution|image-source|"
    r"photo-credit|source|byline|author)(?:$|-)"
)
_CREDIT_ITEMPROPS = {"copyrightholder", "credittext", "author", "creator"}
_CREDIT_LABEL = re.compile(
    r"^(?:\(?(?:photo(?:graph)?s?|image|picture|pictures|credit|foto|bild|crédit(?: photo)?|"
    r"photo credit|image copyright|copyright)\s*(?:by|:|©)?\s*|©\s*)",
    re.I,
)
_TRAILING_CREDIT = re.compile(
    r"\s*(?:(?:photo(?:graph)?|image|picture|credit|foto|crédit(?: photo)?|image copyright)\s*(?:by|:)\s*"
    r"(?P<labelled>[^()]{2,120}?)|\((?P<bracketed>[^()]*(?:/|getty|afp|reuters|\bap\b|epa|shutterstock|alamy|"
    r"bloomberg|associated press|\bpa\b)[^()]*)\))\s*\.?$",
    re.I,
)
# Control characters a browser does not show; trafilatura discards a whole page that holds one ("WWF\x07 (2020)").
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_IMAGES = 200
MAX_LINKS = 1000


@dataclass
class Figure:
    url: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class PreparedPage:
    figures: dict[int, Figure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was left out, for the curator
    images_cut: bool = False


def base_url(tree, page_url: str | None) -> str:
    """The address relative links are resolved against: <base href>, else the page's own."""
    for base in tree.iter("base"):
        href = (base.get("href") or "").strip()
        if href and (joined := safe_urls.joined_web_url(page_url or "", href)):
            return joined
    return page_url or ""


def prepare(tree, base: str) -> PreparedPage:
    """Change `tree` in place for extraction; return its figures and what was left out."""
    page = PreparedPage()
    _remove_inert(tree)
    _remove_furniture(tree)
    _join_story_chunks(tree)
    _wrap_loose_text(tree)
    _resolve_links(tree, base, page)
    _resolve_images(tree, base, page)
    return page


def _drop(element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if parent is not None:
        element.drop_tree()


def _remove_inert(tree) -> None:
    # Comments split text ("I like <!-- -->our<!-- --> situation"): out, their text joined up.
    lxml.etree.strip_tags(tree, lxml.etree.Comment, lxml.etree.ProcessingInstruction)
    for element in list(tree.iter(*_INERT)):
        _drop(element)
    for element in tree.iter():
        for attribute in [name for name in element.attrib if name.lower().startswith("on")]:
            del element.attrib[attribute]
        if element.text and _CONTROL_CHARACTERS.search(element.text):
            element.text = _CONTROL_CHARACTERS.sub("", element.text)
        if element.tail and _CONTROL_CHARACTERS.search(element.tail):
            element.tail = _CONTROL_CHARACTERS.sub("", element.tail)


def _remove_furniture(tree) -> None:
    total = len(tree.text_content() or "")
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in _STORY_CONTAINERS or element.getparent() is None:
            continue
        if furniture.is_furniture_element(element):
            if not _holds_story(element, total):
                _drop(element)
            elif furniture.is_landmark(element) and element.find(".//main") is not None:
                # A <nav> left open around the page's <main>: no landmark, or trafilatura drops the story.
                element.tag = "div"
                element.attrib.pop("role", None)
    for element in list(tree.iter("p", "li", "div", "figcaption", "h2", "h3", "h4")):
        if element.getparent() is not None and (text := _short_text(element)) and furniture.is_furniture_line(text):
            _drop(element)


def _join_story_chunks(tree) -> None:
    """A story cut into chunks (containers of the same class, each with paragraphs of its own,
    close kin in the tree, ads or pictures between them) made one container: the extractor
    takes the first container its patterns match, and would keep the first chunk alone."""
    by_class: dict[str, list] = {}
    for element in tree.iter("div", "section"):
        name = " ".join((element.get("class") or "").split())
        if name and sum(len(paragraph.text_content()) for paragraph in element.findall("p")) >= CHUNK_TEXT:
            by_class.setdefault(name, []).append(element)
    for chunks in by_class.values():
        if len(chunks) < 2 or not _close_kin(chunks):
            continue
        first = chunks[0]
        for chunk in chunks[1:]:
            first.extend(list(chunk))
            _drop(chunk)


def _close_kin(elements: list) -> bool:
    """Elements under one ancestor at most CHUNK_KINSHIP levels above each."""
    ancestors = [list(element.iterancestors())[:CHUNK_KINSHIP] for element in elements]
    return bool(set(map(id, ancestors[0])).intersection(*(set(map(id, found)) for found in ancestors[1:])))


def _is_block(element) -> bool:
    """An element that starts a block: not inline, or an inline one holding blocks (<a><div>…</div></a>)."""
    if not isinstance(element.tag, str):
        return False
    if element.tag not in _INLINE:
        return True
    return any(isinstance(inner.tag, str) and inner.tag not in _INLINE for inner in element.iterdescendants())


def _wrap_loose_text(tree) -> None:
    """Loose text beside blocks ("<div><p>…</p>In a <a>speech</a> in …</div>") made paragraphs, as a
    browser shows it: trafilatura would start a paragraph at each link and drop the space after it."""
    for element in list(tree.iter(*_LOOSE_TEXT_CONTAINERS)):
        children = list(element)
        # Beside paragraphs, or in a <span> around blocks: elsewhere loose text is more often a widget's.
        beside_text = element.tag == "span" or any(child.tag == "p" for child in children)
        if beside_text and any(_is_block(child) for child in children) and _has_loose_text(element, children):
            _wrap_runs(element, children)


def _has_loose_text(element, children: list) -> bool:
    return bool((element.text or "").strip()) or any(
        not _is_block(child) or (child.tail or "").strip() for child in children
    )


def _wrap_runs(element, children: list) -> None:
    """Each run of `element`'s text and inline children between its blocks put in a <p>, when
    it reads as one paragraph with a link in it (what trafilatura splits); other runs stay loose."""
    current = None
    made: list = []

    def paragraph():
        nonlocal current
        if current is None:
            current = element.makeelement("p", {})
            runs.append(current)
            made.append(current)
        return current

    runs: list = []
    if (element.text or "").strip():
        paragraph().text = element.text
    element.text = None
    for child in children:
        tail, child.tail = child.tail, None
        element.remove(child)
        if _is_block(child) or child.tag == "br":  # a line break ends a paragraph of loose text too
            current = None
            runs.append(child)
            if tail and tail.strip():
                paragraph().text = tail
        else:
            paragraph().append(child)
            child.tail = tail
    element.extend(runs)
    for run in made:
        if run.find(".//br") is not None or not any((link.text_content() or "").strip() for link in run.iter("a")):
            run.drop_tag()


def _holds_story(element, page_text: int) -> bool:
    """True when an element named like furniture holds the story ("entry-content-read-more"), or
    the page's <main> (a menu left open around the rest of the page)."""
    if len(element.text_content()) > page_text * FURNITURE_MAX_SHARE or element.find(".//main") is not None:
        return True
    return any(len(" ".join(paragraph.text_content().split())) >= STORY_PARAGRAPH for paragraph in element.iter("p"))


def _short_text(element, limit: int = furniture.MAX_LINE) -> str:
    """An element's text when it is no longer than `limit` (read no further), else ""."""
    pieces, length = [], 0
    for piece in element.itertext():
        pieces.append(piece)
        length += len(piece)
        if length > limit * 4:  # white space collapses; beyond this the text is long whatever it holds
            return ""
    text = plain_text("".join(pieces))
    return text if len(text) <= limit else ""


def _resolve_links(tree, base: str, page: PreparedPage) -> None:
    kept = 0
    for link in list(tree.iter("a")):
        if link.getparent() is None:
            continue
        href = (link.get("href") or "").strip()
        url = safe_urls.joined_web_url(base, href) if href and not href.startswith("#") else None
        if href and furniture.is_furniture_link(url or href):
            _drop(link)
            continue
        if url is None or kept >= MAX_LINKS:
            link.drop_tag()  # its text stays, as text
            continue
        kept += 1
        for attribute in list(link.attrib):
            del link.attrib[attribute]
        link.set("href", url)
    if kept >= MAX_LINKS:
        page.notes.append(f"links after the first {MAX_LINKS:,} kept as text")


def _resolve_images(tree, base: str, page: PreparedPage) -> None:
    for placeholder in list(tree.iter("div", "span")):
        _become_image(placeholder)
    page_text = len(tree.text_content() or "")
    for noscript in list(tree.iter("noscript")):
        _use_noscript_fallback(noscript, page_text)
    in_figures = set()
    for container, captions in _figures(tree):
        images = list(container.iter("img"))
        caption, credit = _caption_and_credit(container, captions)
        for index, image in enumerate(images):
            in_figures.add(image)
            _key_image(image, base, page, caption if index == 0 else "", credit if index == 0 else "")
        # The figure becomes its images alone; the caption travels in the table of figures.
        replacement = container.makeelement("p", {})
        for image in images:
            if image.getparent() is not None:
                image.tail = None
                replacement.append(image)
        replacement.tail = container.tail
        parent = container.getparent()
        if parent is not None:  # _figures keeps only figures with a parent
            parent.replace(container, replacement)
    for image in list(tree.iter("img")):
        if image not in in_figures:
            _key_image(image, base, page, "", "")


def _figures(tree) -> list[tuple[lxml.etree._Element, list[lxml.etree._Element]]]:
    """(container, caption elements) of each figure: a <figure>, or the nearest element around
    one image and its caption (WordPress's "wp-caption", an image's aria-describedby)."""
    figures: dict = {}
    for element in tree.iter("figure"):
        if element.find(".//img") is not None and element.getparent() is not None:
            captions = list(element.iter("figcaption")) or _named_captions(element)
            if _text_besides(element, captions) <= FIGURE_MAX_OTHER_TEXT:
                figures[element] = captions
    by_id = {
        element.get("id"): element for element in tree.iter() if isinstance(element.tag, str) and element.get("id")
    }
    captions = _named_captions(tree) + [
        by_id[image.get("aria-describedby")] for image in tree.iter("img") if image.get("aria-describedby") in by_id
    ]
    for caption in captions:
        if any(ancestor in figures for ancestor in caption.iterancestors()) or caption in figures:
            continue
        container = caption.getparent()
        for _ in range(3):
            if container is None or container.tag in _STORY_CONTAINERS or len(container.findall(".//img")) > 1:
                container = None
                break
            if container.find(".//img") is not None:
                break
            container = container.getparent()
        if (
            container is not None
            and container.find(".//img") is not None
            and container.getparent() is not None
            and _text_besides(container, [caption]) <= FIGURE_MAX_OTHER_TEXT
        ):
            figures.setdefault(container, []).append(caption)
    return list(figures.items())


def _text_besides(container, captions: list) -> int:
    """How much text a figure holds besides its captions: a figure holds little."""
    return len(" ".join(container.text_content().split())) - sum(
        len(" ".join(caption.text_content().split())) for caption in captions
    )


def _named_captions(root) -> list:
    return [
        element
        for element in root.iter()
        if isinstance(element.tag, str)
        and element.tag not in ("img", "picture", "source", "figure")
        and any("caption" in name for name in furniture.names_of(element))
    ]


def _become_image(element) -> None:
    """An empty element a script turns into an image (<div class="js-delayed-image-load"
    data-src=… data-alt=…>) made that image."""
    if len(element) or (element.text or "").strip():
        return
    source = next(
        (element.get(attribute) for attribute in _LAZY_SOURCES if _IMAGE_FILE.search(element.get(attribute) or "")),
        None,
    )
    if source:
        alt = element.get("data-alt") or element.get("aria-label") or ""
        for attribute in list(element.attrib):
            del element.attrib[attribute]
        element.tag = "img"
        element.set("src", source)
        element.set("alt", alt)


def _use_noscript_fallback(noscript, page_text: int) -> None:
    """<img data-src=…><noscript><img src=…></noscript>: one image, with the fallback's address
    when the lazy one has none of its own. A <noscript> that holds the story only seems to:
    a browser reads "<noscript><div></noscript>" as text, lxml makes the rest of the page its child."""
    if _holds_story(noscript, page_text):
        noscript.drop_tag()
        return
    fallback = next(noscript.iter("img"), None)
    if fallback is None:
        _drop(noscript)
        return
    previous = noscript.getprevious()
    lazy = previous if previous is not None and previous.tag == "img" else None
    if lazy is None and previous is not None and previous.tag == "picture":
        lazy = next(previous.iter("img"), None)
    if lazy is not None:
        if not _real_source(lazy):
            lazy.set("src", fallback.get("src", ""))
            if not lazy.get("alt") and fallback.get("alt"):
                lazy.set("alt", fallback.get("alt"))
        _drop(noscript)
        return
    fallback.tail = noscript.tail
    noscript.getparent().replace(noscript, fallback)


def _largest_in_srcset(value: str) -> str:
    """The widest (or densest) candidate of a srcset, parsed as browsers do: an address runs to
    the next white space (it may hold commas, "w_800,h_600"), its descriptor to the next comma."""
    best, best_size, position = "", -1.0, 0
    while position < len(value):
        while position < len(value) and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < len(value) and not value[position].isspace():
            position += 1
        url, descriptor = value[start:position], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = value.find(",", position)
            end = len(value) if end < 0 else end
            descriptor, position = value[position:end].strip(), end
        size = re.fullmatch(r"(\d+(?:\.\d+)?)[wxh]", descriptor)
        size_value = float(size.group(1)) if size else 0.0
        if url and size_value > best_size:
            best, best_size = url, size_value
    return best


def _real_source(image) -> str:
    """An image's real address: a lazy-loading attribute, the largest srcset candidate (its
    own or its <picture>'s), else `src` unless it only holds the place."""
    for attribute in _LAZY_SOURCES:
        value = (image.get(attribute) or "").strip()
        if value and not _PLACEHOLDER.search(value) and not value.startswith("{"):
            return value
    sets = [image.get(attribute) for attribute in _LAZY_SOURCE_SETS]
    # lxml's parser knows no void <source>: the <img> may sit inside one, inside the <picture>.
    picture = next(
        (ancestor for _, ancestor in zip(range(3), image.iterancestors(), strict=False) if ancestor.tag == "picture"),
        None,
    )
    if picture is not None:
        sets += [source.get("srcset") or source.get("data-srcset") for source in picture.iter("source")]
    for value in sets:
        if value and (candidate := _largest_in_srcset(value)) and not _PLACEHOLDER.search(candidate):
            return candidate
    src = (image.get("src") or "").strip()
    return src if src and not _PLACEHOLDER.search(src) else ""


def _key_image(image, base: str, page: PreparedPage, caption: str, credit: str) -> None:
    source = _real_source(image)
    url = safe_urls.joined_web_url(base, source) if source else None
    tracking_pixel = image.get("width") in ("0", "1") or image.get("height") in ("0", "1")
    if url is not None and furniture.is_furniture_image(url, image.get("alt") or ""):
        url = None
    too_many = url is not None and len(page.figures) >= MAX_IMAGES
    if url is None or tracking_pixel or too_many:
        if source and len(source) > safe_urls.MAX_URL_LENGTH:
            page.notes.append(f"an image with an address of {len(source):,} characters left out")
        if too_many and not page.images_cut:
            page.images_cut = True
            page.notes.append(f"images after the first {MAX_IMAGES} left out")
        _drop(image)
        return
    number = len(page.figures)
    page.figures[number] = Figure(url=url, alt=plain_text(image.get("alt") or ""), caption=caption, credit=credit)
    tail = image.tail
    for attribute in list(image.attrib):
        del image.attrib[attribute]
    image.set("src", FIGURE_KEY.format(number=number))
    image.set("alt", page.figures[number].alt)
    image.tail = tail


def _caption_and_credit(container, captions: list) -> tuple[str, str]:
    """A figure's caption and its photo credit, apart ("Waves hit the wall." / "Ann Smith/Agency")."""
    credit_elements = [
        element
        for element in container.iter()
        if isinstance(element.tag, str)
        and element is not container
        and (
            any(_CREDIT_NAMES.search(name) for name in furniture.names_of(element))
            or (element.get("itemprop") or "").lower() in _CREDIT_ITEMPROPS
        )
    ]
    credit = " ".join(plain_text(element.text_content()) for element in credit_elements[:1])
    for element in credit_elements:
        _drop(element)
    outermost = [caption for caption in captions if not any(other in captions for other in caption.iterancestors())]
    caption = " ".join(dict.fromkeys(text for element in outermost if (text := plain_text(element.text_content()))))
    if not credit and (match := _TRAILING_CREDIT.search(caption)):
        credit = match.group("labelled") or match.group("bracketed")
        caption = caption[: match.start()].rstrip()
    return caption, clean_credit(credit)


def clean_credit(credit: str) -> str:
    """A photo credit without its label: "Photograph: Ann Smith/AP" -> "Ann Smith/AP"."""
    return _CREDIT_LABEL.sub("", plain_text(credit)).strip(" ()")
