"""YAML front matter: split a Markdown file into its metadata and body, and write one back.

Plain functions, no Pelican. Dates stay strings here (the content model parses
them with their offsets), and only `true`/`false` are booleans, so a tag called
"no" or "on" stays a word. Aliases (`*name`) are refused: a few hundred bytes of
nested aliases expand to gigabytes, and front matter never needs them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

DELIMITER = "---"


class FrontMatterError(ValueError):
    """A problem in a file's front matter, with the 1-based line it was found on."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


# libyaml's parser and emitter when PyYAML was built with it: ten times faster on a large corpus.
# (The type checker sees the pure-Python classes, which have the same interface.)
if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
    _BaseDumper = yaml.SafeDumper
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    _BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _StrictLoader(_BaseLoader):
    """SafeLoader that keeps timestamps as strings and knows only true/false as booleans."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int):
        super().__init__(key)
        self.key = key
        self.line = line


def _construct_mapping_without_duplicates(
    loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping_without_duplicates)


@dataclass(frozen=True)
class ParsedFile:
    """A parsed file: its metadata, the 1-based line of each key, and the Markdown body."""

    metadata: dict[str, Any]  # YAML's values: text, numbers, booleans, lists, mappings
    key_lines: dict[str, int]
    body: str


def parse(text: str) -> ParsedFile:
    """Split `text` into front matter and body. Line numbers count from the file's first line."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").rstrip() != DELIMITER:
        raise FrontMatterError("no YAML front matter: the file must start with a '---' line", 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() in (DELIMITER, "..."):
            break
    else:
        raise FrontMatterError("front matter is not closed by a '---' line", 1)
    yaml_text = "".join(lines[1:index])
    body = "".join(lines[index + 1 :])
    metadata, key_lines = _load_mapping(yaml_text, first_line=2)
    return ParsedFile(metadata=metadata, key_lines=key_lines, body=body)


def load_mapping(text: str) -> tuple[dict[str, Any], dict[str, int]]:
    """A whole YAML file that must be a mapping (a data file beside the stories), read with the
    rules of front matter; returns it and the 1-based line of each key."""
    return _load_mapping(text.removeprefix("\ufeff"), first_line=1)


def _alias_line(yaml_text: str) -> int | None:
    """The 0-based line of the first alias in `yaml_text`."""
    for event in yaml.parse(yaml_text, Loader=_StrictLoader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return event.start_mark.line
    return None


def _refuse_aliases(root: yaml.Node, yaml_text: str, first_line: int) -> None:
    """An alias makes the composed graph reach one node twice: refuse it before anything expands it."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            line = _alias_line(yaml_text)
            raise FrontMatterError(
                "YAML aliases (*name) are not allowed here; write the value out",
                first_line + (line if line is not None else node.start_mark.line),
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            pending.extend(part for pair in node.value for part in pair)


def _load_mapping(yaml_text: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    """Load a YAML mapping; every line number reported is a line of the whole file."""
    try:
        node = yaml.compose(yaml_text, Loader=_StrictLoader)
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            raise FrontMatterError("the YAML must be a mapping of keys to values", node.start_mark.line + first_line)
        _refuse_aliases(node, yaml_text, first_line)
        loader = _StrictLoader(yaml_text)
        try:
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except _DuplicateKey as error:
        raise FrontMatterError(f"duplicate key {error.key!r}", error.line + first_line) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        problem = error.problem or error.context or "invalid YAML"
        raise FrontMatterError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(f"invalid YAML: {error}", first_line) from None
    key_lines = {str(key_node.value): key_node.start_mark.line + first_line for key_node, _ in node.value}
    return {str(key): value for key, value in data.items()}, key_lines


class _ReadableDumper(_BaseDumper):
    """Dumps multi-line strings as block literals and never sorts keys."""


def _represent_str(dumper: yaml.representer.SafeRepresenter, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReadableDumper.add_representer(str, _represent_str)


def dump_mapping(mapping: Mapping[str, object]) -> str:
    """A mapping as YAML that `load_mapping` reads back identically: keys in the given order,
    one per line, multi-line strings as block literals."""
    return yaml.dump(
        mapping, Dumper=_ReadableDumper, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False
    )


def dump(metadata: Mapping[str, object], body: str) -> str:
    """Render metadata and a Markdown body as a file that `parse` reads back identically."""
    front = dump_mapping(metadata)
    body = body if body.endswith("\n") or not body else body + "\n"
    return f"{DELIMITER}\n{front}{DELIMITER}\n\n{body}"
