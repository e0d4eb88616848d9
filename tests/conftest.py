"""Shared fixtures: a throwaway site (content folder + real Pelican build) and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsdigest.build import generations as publish
from newsdigest.build.run import build
from newsdigest.content import frontmatter

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "seed-article.txt"
BBC = SHARED / "corpora" / "bbc"
AEB = SHARED / "corpora" / "aeb"
NEWSDIGEST = Path(sys.executable).parent / "newsdigest"
CHECKOUT_CACHE = ROOT / ".cache"
# Pagefind costs a fraction of a second per build: fixture builds index for search only
# when a test asks for it (SEARCH_ENABLED=True).
FIXTURE_SETTINGS = {"SEARCH_ENABLED": False}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (a built site): its relative path -> its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def require_shared(path: Path) -> Path:
    """Skip the test, saying why, when the shared data beside the checkout is absent."""
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data folder (../shared) is not beside this checkout")
    return path


class Site:
    """A content folder in a temp dir, built with the project's real settings and plugins."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"
        (self.content / "articles").mkdir(parents=True)
        (self.content / "pages").mkdir()

    def write(self, relative: str, text: str) -> Path:
        path = self.content / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def add_article(self, name: str, body: str = "Body text.", **metadata) -> Path:
        """Write content/articles/<name>.md with `metadata` as front matter."""
        metadata.setdefault("title", name.replace("-", " ").title())
        metadata.setdefault("date", "2015-11-21T12:00:00-05:00")
        return self.write(f"articles/{name}.md", frontmatter.dump(metadata, body))

    def build(self, **overrides):
        """Build as for a web server (links from the site's root); a preview build for the disk,
        the project's default, is asked for with RELATIVE_URLS=True."""
        settings = {"CACHE_PATH": str(self.root / ".cache"), "RELATIVE_URLS": False, **FIXTURE_SETTINGS, **overrides}
        return build(ROOT / "pelicanconf.py", content=self.content, output=self.output, overrides=settings)

    def settings_file(self, **overrides) -> Path:
        """A settings file for the command line: the project's settings, this site's cache."""
        lines = [
            "import sys",
            f"sys.path.insert(0, {str(ROOT)!r})",
            "from pelicanconf import *",
            f"THEME = {str(ROOT / 'theme')!r}",
            f"CACHE_PATH = {str(self.root / '.cache')!r}",
        ]
        lines += [f"{key} = {value!r}" for key, value in {**FIXTURE_SETTINGS, **overrides}.items()]
        path = self.root / "settings.py"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def generations(self) -> list[str]:
        """The names of the folders beside the output path: the live generation and any leftovers."""
        return sorted(p.name for p in self.root.iterdir() if p.name.startswith(self.output.name + "."))

    def leftovers(self) -> list[str]:
        """Folders and links beside the output path but the live site and one spare (the
        folders of the old generation, kept without files for the next build)."""
        live = self.output.resolve().name if self.output.is_symlink() else None
        found = [name for name in self.generations() if name != live]
        spares = [
            name
            for name in found
            if ".spare-" in name
            and not (self.root / name).is_symlink()
            and not any(path.is_file() for path in (self.root / name).rglob("*"))
        ]
        return [name for name in found if name not in spares[:1]]

    def remove_output(self) -> None:
        """The site is gone (a fresh clone), the cache stays."""
        publish.remove_site(self.output)

    def page(self, url_path: str) -> str:
        """The HTML written for a site path like '2015/11/21/slug/'."""
        target = self.output / url_path
        if url_path.endswith("/") or target.is_dir():
            target = target / "index.html"
        return target.read_text(encoding="utf-8")


def _cache_state(folder: Path) -> dict[str, int]:
    """Modification times of `folder`, its entries and theirs: a file made, removed or renamed
    moves its folder's time (the page store's files are two levels down), a write in place
    its own (the SQLite cache, the build lock). Cheap enough to take after every test."""
    state = {}
    for path in [folder, *_entries(folder), *(sub for entry in _entries(folder) for sub in _entries(entry))]:
        try:
            state[str(path)] = path.lstat().st_mtime_ns
        except FileNotFoundError:
            pass
    return state


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []
    except OSError:
        return []


@pytest.fixture(scope="session")
def checkout_cache_state() -> dict:
    return {"state": _cache_state(CHECKOUT_CACHE)}


@pytest.fixture(autouse=True)
def checkout_cache_untouched(request, checkout_cache_state):
    """No test may write into the checkout's own .cache/ (a developer's caches): tests build
    with a cache in their temp folder, and a test that does not fails here."""
    yield
    before, after = checkout_cache_state["state"], _cache_state(CHECKOUT_CACHE)
    checkout_cache_state["state"] = after
    changed = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    assert not changed, f"{request.node.nodeid} wrote into the checkout's {CHECKOUT_CACHE}: {changed[:5]}"


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(tmp_path)


def run_cli(*args: str, cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the installed `newsdigest` command as a user would."""
    return subprocess.run([str(NEWSDIGEST), *args], cwd=cwd or ROOT, capture_output=True, text=True, check=check)
