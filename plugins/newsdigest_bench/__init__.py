"""Benchmarks behind `newsdigest bench NAME`: each is a module here with
`describe` (one line), `add_arguments(parser)` and `run(args) -> int`.

Speed and memory targets live here, never in timed unit tests; each benchmark
reports ratios measured within one run, since these machines are noisy.
"""

from __future__ import annotations

import importlib
import pkgutil


def available() -> list[str]:
    """Names of the benchmark modules in this package (those defining `run`), sorted."""
    names = (info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    return sorted(name for name in names if hasattr(load(name), "run"))


def load(name: str):
    return importlib.import_module(f"{__name__}.{name}")
