"""Benchmarks behind `newsdigest bench NAME`: each is a module here with
`describe` (one line), `add_arguments(parser)` and `run(args) -> int`.

Speed and memory targets live here, never in timed unit tests; each benchmark
reports ratios measured within one run, since these machines are noisy.

They read the project's checkout (tests/fixtures, content/, theme/, ../shared) and work in its
.cache/: `project_root()` says where it is, for all of them.

Not part of the installed newsdigest package: its packages are the `bench` extra. May import
every newsdigest package; nothing in newsdigest imports it but `newsdigest.cli.bench`.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path


def project_root() -> Path:
    """The newsdigest checkout the benchmarks read and work in: the current folder when it is one
    (it holds pyproject.toml and content/), else the folder above plugins/, where this package lies."""
    here = Path.cwd()
    if (here / "pyproject.toml").is_file() and (here / "content").is_dir():
        return here
    return Path(__file__).resolve().parents[2]


def available() -> list[str]:
    """Names of the benchmark modules in this package (those defining `run`), sorted."""
    names = (info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    return sorted(name for name in names if hasattr(load(name), "run"))


def load(name: str):
    return importlib.import_module(f"{__name__}.{name}")
