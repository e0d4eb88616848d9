"""The subscribers file: one file outside the content folder, CSV or YAML, each subscriber an
address, an optional name and optional topics (tags, sections or sources: a subscriber with
topics gets a topic digest). Read and validated whole: every problem is reported at once, each
naming the file and the line.

CSV: a header row naming the columns `address` (or `email`), `name`, `topics` (topics split by
";"); `#` starts a comment line. YAML: a list (or `subscribers:` holding one) of addresses, or
of mappings with `address`, `name` and `topics` (a list, or a string split by ";").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import yaml

from newsdigest.deliver.settings import is_address
from newsdigest.paths import display_path

FIELDS = ("address", "name", "topics")
ALIASES = {"email": "address"}
MAX_SHOWN = 20  # problems listed before "and N more"


@dataclass(frozen=True)
class Subscriber:
    address: str
    name: str = ""
    topics: tuple[str, ...] = ()  # empty: the whole edition
    line: int = 0  # where the file lists it


class SubscribersError(Exception):
    """A subscribers file that cannot be used: `problems` holds one line per problem, each
    naming the file and the line."""

    def __init__(self, problems: list[str]):
        self.problems = problems[:MAX_SHOWN] + (
            [f"… and {len(problems) - MAX_SHOWN} more"] if len(problems) > MAX_SHOWN else []
        )
        super().__init__("\n".join(self.problems))


def _controls(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def _topics(value: str | list[str]) -> list[str]:
    items = value.split(";") if isinstance(value, str) else value
    return [item.strip() for item in items if item.strip()]


class _Collector:
    """Subscribers checked one by one; the problems, each with its place."""

    def __init__(self, path: Path):
        self.shown = display_path(path)
        self.found: list[Subscriber] = []
        self.problems: list[str] = []
        self._lines: dict[str, int] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.shown}:{line}: {message}")

    def add(self, line: int, fields: dict[str, str | list[str]]) -> None:
        unknown = sorted(set(fields) - set(FIELDS))
        if unknown:
            self.problem(line, f"unknown field {unknown[0]!r} (the fields are {', '.join(FIELDS)})")
            return
        address = str(fields.get("address") or "").strip()
        name = str(fields.get("name") or "").strip()
        topics = _topics(fields.get("topics") or [])
        if not address:
            self.problem(line, "no address")
        elif _controls(address) or not is_address(address):
            self.problem(line, f"{address!r} is not an email address")
        elif address.casefold() in self._lines:
            self.problem(line, f"{address} is listed already, on line {self._lines[address.casefold()]}")
        elif _controls(name) or any(_controls(topic) for topic in topics):
            self.problem(line, "a name or topic holds a control character (a line break?)")
        else:
            self._lines[address.casefold()] = line
            self.found.append(Subscriber(address, name, tuple(topics), line))


def _read_csv(text: str, collector: _Collector) -> None:
    lines = [("\n" if line.lstrip().startswith("#") else line) for line in text.splitlines(keepends=True)]
    reader = csv.reader(io.StringIO("".join(lines)))
    header: list[str] | None = None
    start = 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in row]
            if "address" not in header:
                collector.problem(line, "the first row names the columns: address, name, topics")
                return
            continue
        if len(row) > len(header):
            collector.problem(line, f"{len(row)} fields, but the header names {len(header)}")
            continue
        collector.add(line, {name: cell for name, cell in zip(header, row, strict=False) if cell.strip()})


def _scalar(node: yaml.Node, collector: _Collector, what: str) -> str | None:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    collector.problem(node.start_mark.line + 1, f"{what} must be a text")
    return None


def _entry(node: yaml.Node, collector: _Collector) -> None:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        collector.add(line, {"address": str(node.value)})
        return
    if not isinstance(node, yaml.MappingNode):
        collector.problem(line, "a subscriber is an address, or a mapping with address, name and topics")
        return
    fields: dict[str, str | list[str]] = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node, collector, "a field's name")
        if key is None:
            return
        key = ALIASES.get(key, key)
        if key == "topics" and isinstance(value_node, yaml.SequenceNode):
            items = [_scalar(item, collector, "a topic") for item in value_node.value]
            if any(item is None for item in items):
                return
            fields[key] = [item for item in items if item is not None]
            continue
        value = _scalar(value_node, collector, key)
        if value is None:
            return
        fields[key] = value
    collector.add(line, fields)


def _read_yaml(text: str, collector: _Collector) -> None:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        collector.problem(mark.line + 1 if mark else 1, f"not YAML: {getattr(error, 'problem', None) or error}")
        return
    if root is None:
        return
    if isinstance(root, yaml.MappingNode):
        listed = [value for key, value in root.value if isinstance(key, yaml.ScalarNode) and key.value == "subscribers"]
        if len(listed) != 1 or len(root.value) != 1:
            collector.problem(root.start_mark.line + 1, "the file holds a list of subscribers (or subscribers: a list)")
            return
        root = listed[0]
    if not isinstance(root, yaml.SequenceNode):
        collector.problem(root.start_mark.line + 1, "the file holds a list of subscribers (or subscribers: a list)")
        return
    for node in root.value:
        _entry(node, collector)


def load(path: Path) -> list[Subscriber]:
    """The subscribers `path` lists, in its order; raises SubscribersError naming every problem."""
    shown = display_path(path)
    if path.suffix.lower() not in (".csv", ".yml", ".yaml"):
        raise SubscribersError([f"{shown}: a subscribers file is .csv, .yml or .yaml"])
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SubscribersError(
            [f"{shown}: no subscribers file here (NEWSLETTER_SUBSCRIBERS, or --subscribers)"]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SubscribersError([f"{shown}: cannot read it: {error}"]) from error
    collector = _Collector(path)
    (_read_csv if path.suffix.lower() == ".csv" else _read_yaml)(text, collector)
    if collector.problems:
        raise SubscribersError(collector.problems)
    return collector.found


def check_place(path: Path, published: list[Path]) -> str | None:
    """Why the subscribers file must not be where it is (inside a folder a build reads or
    publishes: the content, the output, the theme), or None."""
    resolved = path.resolve()
    for folder in published:
        if resolved.is_relative_to(folder.resolve()):
            return (
                f"{display_path(path)}: the subscribers file is inside {display_path(folder)}, which a build "
                "reads or publishes; keep it outside (the project's folder, or elsewhere)"
            )
    return None
