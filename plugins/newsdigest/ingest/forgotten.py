"""Stories the curator took out of the content folder, which ingest never writes again.

`content/.ingest-ignore` lists them: under a comment naming the story's file, one
`kind value` line for each thing that recognises the story in an input — its address
(`url`), its feed entry's id (`guid`), its text (`fingerprint`), or, for a clipping that
has neither address nor id, the input it came from (`input`). A story gets there through
`newsdigest ingest --forget FILE`, or when ingest notices that a file it wrote is gone:
`content/.ingest-ledger` remembers the files ingest wrote (one JSON object a line), so a
story deleted by hand is noticed at the next run. The curator may add or delete lines.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from newsdigest.ingest.store import write_atomically

_log = logging.getLogger(__name__)
IGNORE_FILE = ".ingest-ignore"
LEDGER_FILE = ".ingest-ledger"
KINDS = ("url", "guid", "fingerprint", "input")
_HEADER = """\
# Stories `newsdigest ingest` never writes again: forgotten with --forget, or deleted since
# ingest wrote them. One "kind value" line per way to recognise a story (kinds: url, guid,
# fingerprint, input). Delete a story's lines to let it be ingested again.
"""


class IgnoreFileError(Exception):
    """content/.ingest-ignore cannot be read: ingest stops rather than bring forgotten stories back."""


def _normal(value) -> str:
    """A value as one line, the same whether it is written to the list or looked up in it."""
    return " ".join(value.split()) if isinstance(value, str) else ""


@dataclass(frozen=True)
class Origins:
    """What recognises one story file (its path relative to the content folder) in an input."""

    path: str
    url: str = ""
    guid: str = ""
    fingerprint: str = ""
    input: str = ""  # only for a story with no address or id of its own

    @classmethod
    def of(cls, path: str, metadata: dict) -> Origins:
        url, guid = _normal(metadata.get("source_url")), _normal(metadata.get("source_guid"))
        return cls(
            path,
            url,
            guid,
            _normal(metadata.get("fingerprint")),
            "" if url or guid else _normal(metadata.get("ingested_from")),
        )

    def keys(self) -> list[tuple[str, str]]:
        return [(kind, value) for kind in KINDS if (value := getattr(self, kind))]


@dataclass
class Tombstones:
    content: Path
    keys: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def load(cls, content: Path) -> Tombstones:
        path = content / IGNORE_FILE
        tombstones = cls(content)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return tombstones
        except (OSError, UnicodeDecodeError) as error:
            raise IgnoreFileError(f"{path}: cannot read ({error})") from None
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            kind, _, value = line.strip().partition(" ")
            if kind not in KINDS or not value.strip():
                raise IgnoreFileError(
                    f"{path}:{number}: expected 'kind value' with a kind among "
                    f"{', '.join(KINDS)}, found {line.strip()[:60]!r}"
                )
            tombstones.keys.add((kind, _normal(value)))
        return tombstones

    def forgets(self, **values: str) -> bool:
        """Whether any of `values` (url=…, guid=…, fingerprint=…, input=…) names a forgotten story."""
        return any((kind, _normal(value)) in self.keys for kind, value in values.items() if value)

    def bury(self, stories: Iterable[Origins]) -> None:
        """Add stories to the list, each under a comment naming its file."""
        path = self.content / IGNORE_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = _HEADER
        for story in stories:
            text += f"\n# {_normal(story.path)}\n" + "".join(f"{kind} {value}\n" for kind, value in story.keys())
            self.keys.update(story.keys())
        write_atomically(path, text.encode("utf-8"))


def load_ledger(content: Path) -> dict[str, Origins]:
    """The files ingest wrote, by path. A damaged line is skipped: at worst a deletion goes unnoticed."""
    try:
        lines = (content / LEDGER_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    ledger = {}
    for number, line in enumerate(lines, 1):
        try:
            story = Origins(**{key: _normal(value) for key, value in json.loads(line).items()})
        except (ValueError, TypeError, AttributeError):
            _log.warning("%s:%d: not a ledger entry; skipped (rewritten by this run)", content / LEDGER_FILE, number)
            continue
        ledger[story.path] = story
    return ledger


def save_ledger(content: Path, stories: Iterable[Origins]) -> None:
    """The ledger, sorted by path; the file is left alone when nothing in it changed."""
    path = content / LEDGER_FILE
    text = "".join(
        json.dumps({key: value for key, value in asdict(story).items() if value}, ensure_ascii=False) + "\n"
        for story in sorted(stories, key=lambda story: story.path)
    )
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except FileNotFoundError:
        if not text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    write_atomically(path, text.encode("utf-8"))


def vanished(ledger: dict[str, Origins], present: dict[str, Origins], tombstones: Tombstones) -> list[Origins]:
    """Stories ingest wrote that are no longer in the content folder: neither at their path nor
    moved elsewhere (another file carrying their address, id or text), nor already forgotten."""
    carried = {key for story in present.values() for key in story.keys()}
    return [
        story
        for path, story in sorted(ledger.items())
        if path not in present
        and story.keys()
        and not any(key in carried or key in tombstones.keys for key in story.keys())
    ]
