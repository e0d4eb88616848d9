"""Images a reader cannot see without their text alternative: one line per story, saying what to add.

Only the curator's own images count. A story ingest wrote (`ingested_from`) carries the source
page's images with the source's alt text, empty where the source gave none: the curator did not
write it and has nothing to fix. The theme's images are the theme's. Plain functions, no Pelican.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SRC = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SHOWN = 3  # addresses named in the line; the rest are counted


def body_images_without_alt(body_html: str) -> list[str]:
    """The addresses of the body's images with no alt text (missing or blank), once each, in order."""
    found: dict[str, None] = {}
    for tag in _IMAGE.findall(body_html or ""):
        alt = _ALT.search(tag)
        if alt is None or not "".join(alt.groups("")).strip():
            src = _SRC.search(tag)
            found["".join(src.groups("")) if src else "(no address)"] = None
    return list(found)


def missing_alt_text(metadata: Mapping[str, object], body_html: str) -> str | None:
    """What a story the curator wrote lacks in alt text, as one line saying what to add; None
    when nothing (or when ingest wrote the story: its images are the source's)."""
    if metadata.get("ingested_from"):
        return None
    lead = bool(metadata.get("image")) and not str(metadata.get("image_alt") or "").strip()
    body = body_images_without_alt(body_html)
    if not lead and not body:
        return None
    what = []
    if lead:
        what.append("add `image_alt:` (what the lead image shows) to the front matter")
    if body:
        named = ", ".join(body[:_SHOWN]) + (f" and {len(body) - _SHOWN} more" if len(body) > _SHOWN else "")
        image = "image" if len(body) == 1 else "images"
        what.append(f"describe the body's {image} {named} between the brackets of ![…](…)")
    return "no alt text for readers who cannot see the images: " + "; ".join(what)
