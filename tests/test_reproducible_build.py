"""Same content, same site, byte for byte; and the plain Pelican route builds the same site."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli


def tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(site, tmp_path):
    for number in range(5):
        site.add_article(f"story-{number}", title=f"Story {number}", tags=["Mali", f"t{number}"], date="2015-11-21T10:00:00Z")
    site.build()
    first = tree(site.output)
    site.output.rename(tmp_path / "first")
    # Touch every source so modification times differ; output must not.
    for path in site.content.rglob("*.md"):
        path.write_text(path.read_text())
    site.build()
    assert tree(site.output) == first


@pytest.mark.slow  # the sample site, built twice with search, through two commands
def test_plain_pelican_route_builds_the_same_site(site, tmp_path):
    pelican = Path(sys.executable).parent / "pelican"
    out_plain, out_ours = tmp_path / "plain", tmp_path / "ours"
    # The project's settings with search on, each route with a cache of its own: neither reuses the other's pages.
    settings = site.settings_file(SEARCH_ENABLED=True, CACHE_PATH=str(tmp_path / "cache-plain"))
    subprocess.run([str(pelican), str(ROOT / "content"), "-s", str(settings), "-o", str(out_plain)],
                   cwd=ROOT, check=True, capture_output=True)
    settings = site.settings_file(SEARCH_ENABLED=True, CACHE_PATH=str(tmp_path / "cache-ours"))
    result = run_cli("build", "--settings", str(settings), "--content", str(ROOT / "content"),
                     "--output", str(out_ours))
    assert result.returncode == 0, result.stderr
    assert any(out_ours.glob("pagefind*/**/*")), "the site was built without its search index"
    assert tree(out_plain) == tree(out_ours)


@pytest.mark.slow  # plain Pelican's command line
def test_plain_pelican_route_is_strict_too(site):
    site.write("articles/undated.md", "---\ntitle: No date\n---\n")
    pelican = Path(sys.executable).parent / "pelican"
    result = subprocess.run([str(pelican), str(site.content), "-s", str(site.settings_file()), "-o", str(site.output)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "undated.md" in result.stdout + result.stderr


def test_production_settings_give_absolute_links_everywhere(site):
    site.add_article("story", title="A story", tags=["Mali"], section="World", source="VICE News")
    site.build(SITEURL="https://digest.example.org")
    for page in ("", "2015/11/21/a-story/", "tags/mali/", "editions/2015-11-21/", "feeds/"):
        html = site.page(page)
        relative = [href for href in re.findall(r'(?:href|src)="([^"]+)"', html)
                    if not href.startswith(("https://", "#", "mailto:"))]
        assert relative == [], f"{page or 'front page'}: {relative}"
