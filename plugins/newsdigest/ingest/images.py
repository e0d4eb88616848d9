"""`ingest --fetch-images`: a story's lead image kept with the site, so its pages never hotlink
another site (which may block, move or track) and the site knows the image's size.

The image is fetched once (as any input: http(s), at most 10 MB), read with Pillow (a file
that is not an image, or a decompression bomb, is refused), turned upright, stripped of its
metadata (EXIF can hold a camera's location) and saved as a JPEG no wider than MAX_WIDTH under
content/images/, named after the story with a short digest of the address: the same image
is stored once, and a story ingested again finds it there.

A lead image is a picture of the story: an image narrower than MIN_LEAD_WIDTH (as its page
declares it, as its address says, or as the file is) is a thumbnail, an icon or a logo.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from newsdigest.content.slugs import short_hash
from newsdigest.ingest import reading
from newsdigest.ingest.store import write_atomically
from newsdigest.ingest.story import IngestError

IMAGES_FOLDER = "images"
MAX_WIDTH = 1600  # twice the widest column a lead image is shown in
JPEG_QUALITY = 82
MIN_LEAD_WIDTH = 400
# Sizes an image's address gives: "-60x60.jpg", "/60x60/", "?w=60", "&width=60", "/w_60,h_60/".
_SIZE_HINTS = (
    re.compile(r"(?:^|[/_.-])(\d{2,4})x\d{2,4}(?=[/_.,-]|$)"),
    re.compile(r"[?&;](?:w|width|imwidth|resize)=(\d{2,4})(?!\d)"),
    re.compile(r"[/,]w_(\d{2,4})(?=[,/])"),
)
SMALLEST_HINT = 24  # smaller numbers in an address are ratios ("/16x9/"), not sizes


class TooSmall(IngestError):
    """A lead image narrower than MIN_LEAD_WIDTH."""


def width_hint(url: str) -> int | None:
    """The width an image's address names, the smallest when it names several; None when none."""
    widths = [int(found) for pattern in _SIZE_HINTS for found in pattern.findall(url) if int(found) >= SMALLEST_HINT]
    return min(widths) if widths else None


def too_narrow(width: int | None) -> bool:
    return width is not None and width < MIN_LEAD_WIDTH


def store_lead_image(
    address: str,
    content: Path,
    stem: str,
    dry_run: bool = False,
    fetch_seconds: float = reading.FETCH_SECONDS,
    allow_private: bool = False,
) -> str:
    """Store the image at `address` under content/images/, fetched within `fetch_seconds` in all
    (from a public address unless `allow_private`); returns its site path ("/images/<file>").
    Raises IngestError saying why it could not be stored."""
    name = f"{stem}-{short_hash(address)}.jpg"
    target = content / IMAGES_FOLDER / name
    if not target.exists():
        try:
            data = reading.read(address, fetch_seconds, allow_private).data
        except IngestError as error:
            raise IngestError(f"lead image {address}: {error}") from None
        encoded = _resized_jpeg(data, address)
        if not dry_run:
            write_atomically(target, encoded)
    return f"/{IMAGES_FOLDER}/{name}"


def _resized_jpeg(data: bytes, address: str) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError  # only ingests that store images pay for the import

    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise IngestError(f"lead image {address}: not an image that can be read ({type(error).__name__})") from None
    if too_narrow(image.width):
        raise TooSmall(f"lead image {address}: {image.width} px wide, a thumbnail or an icon, not a lead image")
    if image.mode != "RGB":  # transparency lands on white, as on the page
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()
