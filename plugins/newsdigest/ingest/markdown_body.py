"""The article trafilatura extracted (its XML: p, head, list/item, quote, table/row/cell,
hi, ref, graphic, lb) as Markdown blocks, each with the plain text a reader sees of it.

Text is escaped once, here, so that scraped text stays text: Markdown's marks are
backslashed, and `<` and `&` become `&lt;` and `&amp;` only where they would start a tag
or an entity. The only HTML written is a figure with its caption and credit, and
<sup>/<sub>, which Markdown has no syntax for (story.SAFE_TAGS). Links and images keep
only web addresses (safe_urls). Outsized input is cut, and the cut is named in `notes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsdigest.content import safe_urls
from newsdigest.content.document import MAX_NESTING
from newsdigest.content.model import one_line
from newsdigest.ingest import furniture
from newsdigest.ingest.page_tree import FIGURE_KEY_PATTERN, Figure
from newsdigest.ingest.story import Block, decode_entities, plain_text

MAX_BLOCK_CHARS = 20_000  # a paragraph longer than this is no paragraph of a news story
MAX_TABLE_ROWS = 200
_MARK = re.compile(r"([\\`*_\[\]{}])")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# First characters that would make a paragraph a heading, quote, list item or rule.
_BLOCK_START = re.compile(r"^(?:(#|>|[-+=](?=\s|$|[-=]))|(\d+)([.)])(?=\s|$))")
# Formatting tags a publisher let slip into text, escaped once too often ("19<sup>th</sup>",
# "<u>word</u>"); any other tag-like text ("<script>" in a story about code) stays text.
_LEAKED_TAG = re.compile(
    r"</?(u|b|i|em|strong|span|font|br|p|sup|sub|small|s|strike|mark|ins|del|abbr|cite|q)"
    r"(?:\s[^<>]*)?/?>",
    re.I,
)
_SPACES = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")  # zero-width spaces (joiners mean something in some scripts)
_INLINE_HTML = {"#sup": "sup", "#sub": "sub"}
_EMPHASIS = {"#b": "**", "#i": "*"}
FIGURE_OPENING = '<figure markdown="1">'
HEADING_LEVELS = {"h1": "##", "h2": "##", "h3": "###"}  # "#" is the headline, never repeated
# A block that is one link and nothing else ("**[Ten facts about bridges](…)**"), or a list item that is.
_LINK_ONLY = re.compile(r"^(?:[-+*] |\d+\\?[.)] )?[*_]*\[[^\]]*\]\([^)\s]*\)[*_]*$")


@dataclass
class MarkdownBody:
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def escape(text: str) -> str:
    """Plain text as Markdown that shows exactly that text."""
    text = _MARK.sub(r"\\\1", text)
    text = _ENTITY_START.sub("&amp;", text)
    return _TAG_START.sub("&lt;", text)


def _escape_block_start(markdown: str) -> str:
    return _BLOCK_START.sub(
        lambda match: "\\" + match.group(1) if match.group(1) else match.group(2) + "\\" + match.group(3),
        markdown,
        count=1,
    )


def _text_pieces(text: str) -> tuple[str, str]:
    """(Markdown, plain text) of a text node: white space made single spaces, entities a
    publisher escaped twice decoded, leaked tags removed but <sup>/<sub> kept as marks."""
    text = _SPACES.sub(" ", _INVISIBLE.sub("", decode_entities(text)))
    markdown, plain, position = [], [], 0
    for match in _LEAKED_TAG.finditer(text):
        piece = text[position : match.start()]
        markdown.append(escape(piece))
        plain.append(piece)
        name = match.group(1).lower()
        if name in ("sup", "sub") and not match.group(0).endswith("/>"):
            markdown.append(f"</{name}>" if match.group(0).startswith("</") else f"<{name}>")
        position = match.end()
    markdown.append(escape(text[position:]))
    plain.append(text[position:])
    return "".join(markdown), "".join(plain)


def _block(pieces: list[tuple[str, str]]) -> Block | None:
    """A paragraph (or list item) of inline pieces, None when it shows no text."""
    text = one_line("".join(piece[1] for piece in pieces))
    markdown = one_line("".join(piece[0] for piece in pieces))
    return Block(_escape_block_start(markdown), text) if text or markdown.startswith("![") else None


def _markdown_url(url: str) -> str:
    """A web address as a Markdown link target: parentheses and angle brackets encoded."""
    return url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def _image(figure: Figure) -> str:
    return f"![{escape(figure.alt)}]({_markdown_url(figure.url)})"


class _Writer:
    def __init__(self, figures: dict[int, Figure], notes: list[str], quotes: int = 0):
        self.figures = figures
        self.notes = notes
        self.quotes = quotes  # how many quotes this writer's blocks sit in
        self.blocks: list[Block] = []

    def _flattened(self, what: str) -> None:
        note = f"{what} nested over {MAX_NESTING} levels deep flattened"
        if note not in self.notes:
            self.notes.append(note)

    def add(self, block: Block | None) -> None:
        if block is not None and block.markdown.strip():
            self.blocks.append(block)

    def text(self, raw: str | None) -> tuple[str, str]:
        """A text node as (Markdown, plain text); an outsized one cut at a word, and named."""
        if not raw:
            return "", ""
        if len(raw) > MAX_BLOCK_CHARS:
            cut = raw[:MAX_BLOCK_CHARS].rsplit(" ", 1)[0]
            self.notes.append(f"a paragraph of {len(raw):,} characters cut to {len(cut):,}")
            raw = cut + " …"
        return _text_pieces(raw)

    # Blocks -----------------------------------------------------------------------------

    def container(self, element) -> None:
        """The blocks of a container (the body, a div, a quote); loose text makes paragraphs."""
        loose: list[tuple[str, str]] = [self.text(element.text)]
        for child in element:
            if child.tag in ("hi", "ref", "del", "code"):
                loose.append(self.inline(child))
            elif child.tag == "lb":
                self.add(_block(loose))
                loose = []
            else:
                self.add(_block(loose))
                loose = []
                self.block(child)
            loose.append(self.text(child.tail))
        self.add(_block(loose))

    def block(self, element) -> None:
        tag = element.tag
        if tag == "p":
            self.paragraph(element)
        elif tag == "head":
            self.heading(element)
        elif tag == "list":
            self.add(self.list_block(element, 0))
        elif tag == "quote":
            self.quote(element)
        elif tag == "table":
            self.table(element)
        elif tag == "graphic":
            self.add(self.figure(element))
        else:
            self.container(element)

    def paragraph(self, element) -> None:
        """A paragraph; its line breaks make paragraphs of their own, its images figures."""
        pieces = [self.text(element.text)]
        for child in element:
            figure = self.figure(child) if child.tag == "graphic" else None
            if child.tag == "lb" or figure is not None:
                self.add(_block(pieces))
                pieces = []
                self.add(figure)
            else:
                pieces.append(self.inline(child))
            pieces.append(self.text(child.tail))
        self.add(_block(pieces))

    def heading(self, element) -> None:
        markdown, text = self.inline(element)
        if text.strip():
            level = HEADING_LEVELS.get(element.get("rend", ""), "####")
            self.add(Block(f"{level} {one_line(markdown)}", one_line(text)))

    def list_block(self, element, depth: int) -> Block | None:
        """A list, item by item, nested lists indented under their item."""
        ordered = element.get("rend") == "ol"
        lines: list[str] = []
        texts: list[str] = []
        for item in element.iterchildren("item"):
            pieces, nested = [self.text(item.text)], []
            for child in item:
                if child.tag == "list":
                    if (block := self.list_block(child, depth + 1)) is not None:
                        nested.append(block)
                elif child.tag == "lb":
                    pieces.append((" ", " "))
                else:
                    pieces.append(self.inline(child))
                pieces.append(self.text(child.tail))
            line = _block(pieces)
            if line is None and not nested:
                continue
            marker = f"{len(lines) + 1}. " if ordered else "- "
            # The build refuses a story nested deeper than MAX_NESTING: deeper items stay at the last level.
            indent = min(depth, max(MAX_NESTING - 2 - self.quotes, 0))
            if indent < depth:
                self._flattened("lists")
            lines.append(f"{'    ' * indent}{marker}{line.markdown if line else ''}".rstrip())
            texts.append(line.text if line else "")
            for block in nested:
                lines[-1] += "\n" + block.markdown
                texts.append(block.text)
        return Block("\n".join(lines), one_line(" ".join(texts))) if lines else None

    def quote(self, element) -> None:
        if self.quotes >= MAX_NESTING - 2:  # the build refuses deeper nesting: the quote's text stays, unquoted
            self._flattened("quotes")
            self.container(element)
            return
        inner = _Writer(self.figures, self.notes, self.quotes + 1)
        if any(child.tag in ("p", "list", "quote", "table", "head") for child in element):
            inner.container(element)
        else:
            inner.add(_block([inner.inline(element)]))
        if inner.blocks:
            markdown = "\n>\n".join(
                "\n".join(f"> {line}" for line in block.markdown.split("\n")) for block in inner.blocks
            )
            self.add(Block(markdown, one_line(" ".join(block.text for block in inner.blocks))))

    def table(self, element) -> None:
        rows = list(element.iter("row"))
        if len(rows) > MAX_TABLE_ROWS:
            self.notes.append(f"a table of {len(rows):,} rows cut to {MAX_TABLE_ROWS}")
            rows = rows[:MAX_TABLE_ROWS]
        cells = [[self.inline(cell) for cell in row.iterchildren("cell")] for row in rows]
        cells = [row for row in cells if any(text.strip() for _, text in row)]
        if not cells:
            return
        width = max(len(row) for row in cells)
        lines, texts = [], []
        for index, row in enumerate(cells):
            padded = row + [("", "")] * (width - len(row))
            lines.append("| " + " | ".join(one_line(markdown).replace("|", "\\|") for markdown, _ in padded) + " |")
            texts.append(" ".join(one_line(text) for _, text in padded if text.strip()))
            if index == 0:
                lines.append("|" + " --- |" * width)
        self.add(Block("\n".join(lines), " ".join(texts)))

    def figure(self, element) -> Block | None:
        """An image alone, or a figure with its caption and credit (never a heading or a bullet)."""
        figure = self._figure_of(element)
        if figure is None:
            return None
        if not figure.caption and not figure.credit:
            return Block(_image(figure), "")
        caption = escape(figure.caption)
        if figure.credit:
            caption = f"{caption} <small>Photo: {escape(figure.credit)}</small>".strip()
        text = " ".join(part for part in (figure.caption, figure.credit and f"Photo: {figure.credit}") if part)
        return Block(
            f'{FIGURE_OPENING}\n{_image(figure)}\n<figcaption markdown="span">{caption}</figcaption>\n</figure>', text
        )

    def _figure_of(self, element) -> Figure | None:
        source = element.get("src") or ""
        if match := FIGURE_KEY_PATTERN.fullmatch(source):
            return self.figures.get(int(match.group(1)))
        url = safe_urls.web_url(source)
        return Figure(url=url, alt=plain_text(element.get("alt") or "")) if url else None

    # Inline -----------------------------------------------------------------------------

    def inline(self, element) -> tuple[str, str]:
        """(Markdown, text) of an element's content (not its tail), marks and links included."""
        markdown, text = self.text(element.text)
        for child in element:
            if child.tag == "graphic":
                figure = self._figure_of(child)
                piece = (_image(figure), "") if figure else ("", "")
            elif child.tag == "lb":
                piece = (" ", " ")
            else:
                piece = self.inline(child)
            tail = self.text(child.tail)
            markdown, text = markdown + piece[0] + tail[0], text + piece[1] + tail[1]
        return _mark(element, markdown, text), text


def _mark(element, markdown: str, text: str) -> str:
    """Inline content in its mark: emphasis, <sup>/<sub>, code or a link."""
    stripped = markdown.strip()
    if not stripped:
        return markdown
    lead = markdown[: len(markdown) - len(markdown.lstrip())]
    trail = markdown[len(markdown.rstrip()) :]
    rend = element.get("rend", "")
    if element.tag == "hi" and rend in _EMPHASIS and text.strip():
        return f"{lead}{_EMPHASIS[rend]}{stripped}{_EMPHASIS[rend]}{trail}"
    if element.tag == "hi" and rend in _INLINE_HTML and text.strip():
        return f"{lead}<{_INLINE_HTML[rend]}>{stripped}</{_INLINE_HTML[rend]}>{trail}"
    if (element.tag == "code" or rend == "#t") and text.strip():
        return f"{lead}`{one_line(text).replace('`', '')}`{trail}"
    if element.tag == "ref" and (url := safe_urls.web_url(element.get("target") or "")):
        return f"{lead}[{stripped}]({_markdown_url(url)}){trail}"
    return markdown


def _after_the_end(block: Block) -> bool:
    """A block that cannot end an article: a heading, a lone link, a list of links, furniture."""
    markdown = block.markdown.strip()
    if markdown.startswith("#"):
        return True
    lines = [line.strip() for line in markdown.split("\n") if line.strip()]
    return all(_LINK_ONLY.match(line) for line in lines) or furniture.is_furniture_line(block.text)


def trim_article_end(blocks: list[Block]) -> list[Block]:
    """The blocks without what follows the article's last paragraph: the heading and links of a
    "more on this" rail, trailing date lines. Nothing is trimmed from a body that is nothing else."""
    end = position = len(blocks)
    while position > 0:
        block = blocks[position - 1]
        if block.markdown.startswith("![") and not block.text:
            position -= 1  # a teaser's picture goes with its teaser, but the article may end in a picture
        elif _after_the_end(block):
            position -= 1
            end = position
        else:
            break
    return blocks[:end] if end else blocks


def markdown_blocks(body, figures: dict[int, Figure]) -> MarkdownBody:
    """The blocks of trafilatura's article tree (None: no blocks)."""
    result = MarkdownBody()
    writer = _Writer(figures, result.notes)
    if body is not None:
        writer.container(body)
    result.blocks = writer.blocks
    return result
