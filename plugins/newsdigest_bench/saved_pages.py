"""A saved news page of the corpora in ../shared read as `newsdigest ingest` reads one: what the
benchmarks that ingest real pages (tags, related stories, AEB) share."""

from __future__ import annotations

import gzip
from pathlib import Path

from newsdigest.ingest import html_page, reading
from newsdigest.ingest.story import Story


def story(file: Path, url: str | None = None) -> Story:
    """The page in `file` (gzipped when it ends in .gz) as ingest makes it a story: its bytes
    decoded as ingest decodes a file, `url` its address. Raises IngestError as ingest would."""
    data = file.read_bytes()
    return html_page.parse(reading.decode(gzip.decompress(data) if file.suffix == ".gz" else data), url)
