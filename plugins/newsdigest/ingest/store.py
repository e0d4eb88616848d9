"""The content folder as ingest sees it: which stories are there already, and writing new ones
without ever losing a curator's edit.

Each file ingest writes records `fingerprint` (the story's normalised text),
`ingested_from` (the input it came from) and `ingest_checksum` (a digest of what
ingest wrote). A file whose content no longer matches its checksum has been
edited by the curator and is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from newsdigest.content import frontmatter
from newsdigest.content.slugs import MAX_SLUG_LENGTH
from newsdigest.ingest.reading import read_regular_file
from newsdigest.ingest.story import IngestError

CHECKSUM_KEY = "ingest_checksum"


def checksum(metadata: dict, body: str) -> str:
    """A digest of a story's values and text, blind to how the file was formatted."""
    values = {key: value for key, value in metadata.items() if key != CHECKSUM_KEY}
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str) + "\n" + body.strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass
class Existing:
    path: Path
    metadata: dict
    body: str

    @property
    def edited_by_curator(self) -> bool:
        stored = self.metadata.get(CHECKSUM_KEY)
        return stored is None or stored != checksum(self.metadata, self.body)


@dataclass
class ContentStore:
    root: Path  # the content folder
    by_fingerprint: dict[str, Path] = field(default_factory=dict)
    by_origin: dict[str, Path] = field(default_factory=dict)  # source URL, feed guid or input name -> file
    texts: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the spellings of the sources already there
    ingested: dict[Path, dict] = field(default_factory=dict)  # files ingest wrote -> their front matter

    @classmethod
    def scan(cls, root: Path) -> ContentStore:
        store = cls(root)
        articles = root / "articles"
        if articles.is_dir():
            for path in sorted(articles.rglob("*.md")):
                existing = store.read(path)
                if existing is not None:
                    store.remember(path, existing.metadata, existing.body)
        return store

    def read(self, path: Path) -> Existing | None:
        try:  # a regular file only: a story named like one may be a pipe or a link to /dev/zero
            document = frontmatter.parse(read_regular_file(str(path)).decode("utf-8"))
        except (IngestError, UnicodeDecodeError, frontmatter.FrontMatterError):
            return None
        return Existing(path, document.metadata, document.body)

    def remember(self, path: Path, metadata: dict, body: str) -> None:
        if metadata.get("fingerprint"):
            self.by_fingerprint.setdefault(str(metadata["fingerprint"]), path)
            self.ingested[path] = metadata
        for key in ("source_url", "source_guid", "ingested_from"):
            if metadata.get(key):
                self.by_origin.setdefault(str(metadata[key]), path)
        self.texts.append(f"{metadata.get('title', '')} {body}")
        if isinstance(metadata.get("source"), str) and metadata["source"] not in self.sources:
            self.sources.append(metadata["source"])

    def free_path(self, relative: str, fingerprint: str) -> Path:
        """`relative`, or, when another story holds it, the same name with a suffix from this story's
        text. The name is the story's slug: it stays within a slug's length."""
        path = self.root / relative
        if not path.exists():
            return path
        existing = self.read(path)
        if existing is not None and existing.metadata.get("fingerprint") == fingerprint:
            return path
        suffix = f"-{fingerprint[:6]}"
        return path.with_name(f"{path.stem[: MAX_SLUG_LENGTH - len(suffix)].rstrip('-')}{suffix}{path.suffix}")

    @staticmethod
    def write(path: Path, metadata: dict, body: str) -> None:
        metadata = {**metadata, CHECKSUM_KEY: checksum(metadata, body)}
        write_atomically(path, frontmatter.dump(metadata, body).encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """A temp file beside the target, then a rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
