"""What a build derives from a template's source, kept for the life of the process: its
compiled code, and which other stories' fields it may show (newsdigest.build.template_reads).

Pelican makes a Jinja2 environment for each generator of each build, and each parsed and
compiled the theme's templates again: half of a small build's time (a `serve` rebuild, a test).
Both are pure functions of the source, the template's name and the environment's options that
shape the result, which are the key here, so reusing them changes no byte of output. A new
process (`newsdigest build`) starts empty.
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from types import CodeType
from typing import Any, TypeVar

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

MAX_ENTRIES = 2048  # of each kind: far more than a theme has templates

_T = TypeVar("_T")


def _callable_name(value: object) -> str:
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"


def compile_options(environment: Environment, name: str | None) -> tuple[Hashable, ...]:
    """What in `environment` shapes the code template `name` compiles to, or its syntax tree."""
    autoescape = environment.autoescape
    return (
        type(environment).__qualname__,
        environment.code_generator_class.__qualname__,
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        tuple(sorted(environment.extensions)),
        environment.optimized,
        environment.is_async,
        bool(autoescape(name) if callable(autoescape) else autoescape),
        _callable_name(environment.finalize) if environment.finalize else None,
        # a filter or test a template names must exist when it compiles
        tuple(sorted(environment.filters)),
        tuple(sorted(environment.tests)),
    )


class TemplateMemo(BytecodeCache):
    """Jinja2's bytecode cache, in memory (code objects, never written to disk), plus any other
    value derived from a template's source (`derived`)."""

    def __init__(self, capacity: int = MAX_ENTRIES):
        self.capacity = capacity
        self._code: OrderedDict[Hashable, tuple[str, CodeType]] = OrderedDict()
        self._derived: OrderedDict[Hashable, object] = OrderedDict()

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = repr((compile_options(environment, name), name, filename))
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        found = self._code.get(key)
        if found is not None and found[0] == bucket.checksum:
            self._code.move_to_end(key)
            bucket.code = found[1]
        return bucket

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._keep(self._code, bucket.key, (bucket.checksum, bucket.code))

    def load_bytecode(self, bucket: Bucket) -> None:  # get_bucket fills buckets itself
        pass

    def derived(self, key: Hashable, source: str, compute: Callable[[], _T]) -> _T:
        """`compute()`, once per `key` and `source` for the life of the memo."""
        full_key = (key, hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest())
        if full_key in self._derived:
            self._derived.move_to_end(full_key)
            return self._derived[full_key]  # type: ignore[return-value]
        value = compute()
        self._keep(self._derived, full_key, value)
        return value

    def _keep(self, entries: OrderedDict[Hashable, Any], key: Hashable, value: Any) -> None:
        entries[key] = value
        while len(entries) > self.capacity:
            entries.popitem(last=False)


@functools.cache
def process_memo() -> TemplateMemo:
    """The memo every build in this process shares."""
    return TemplateMemo()


def install(environment: Environment) -> None:
    """Compile `environment`'s templates through the process's memo (unless it has a cache of its own)."""
    if environment.bytecode_cache is None:
        environment.bytecode_cache = process_memo()
