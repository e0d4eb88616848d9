"""A damaged cache costs time, never a build, a wrong page or the blame on a story."""

import logging
import os
import sqlite3

import pytest

from conftest import Site, tree


def small_site(site: Site) -> dict:
    for number, subject in enumerate(["apples orchards", "bridges rivers", "comets telescopes"]):
        site.add_article(
            f"story-{number}",
            title=f"Story {number}",
            tags=["Mali"],
            date=f"2015-11-{10 + number}T10:00:00Z",
            body=f"All about {subject}.",
        )
    site.build()
    return tree(site.output)


def warnings_of(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]


def test_a_cache_file_that_is_not_a_database_is_started_again(site, caplog):
    built = small_site(site)
    database = site.root / ".cache/newsdigest.sqlite"
    database.write_bytes(b"this is no SQLite database " * 100)
    for suffix in ("-wal", "-shm"):
        (site.root / f".cache/newsdigest.sqlite{suffix}").unlink(missing_ok=True)
    site.build()
    assert tree(site.output) == built
    assert any("newsdigest.sqlite" in line and "starting an empty cache" in line for line in warnings_of(caplog))
    assert site.build().rendered == 0  # the new cache serves the next build


@pytest.mark.parametrize("namespace", ["document", "related-ranking", "page-store"])
def test_an_unreadable_cache_entry_is_dropped_and_computed_again(site, caplog, namespace):
    built = small_site(site)
    with sqlite3.connect(site.root / ".cache/newsdigest.sqlite") as database:
        changed = database.execute("UPDATE entries SET value = '[{\"broken' WHERE namespace = ?", [namespace]).rowcount
    assert changed
    caplog.clear()
    site.build()
    assert tree(site.output) == built
    assert any(f"unreadable {namespace} entr" in line for line in warnings_of(caplog))
    assert not any("Could not process" in record.getMessage() for record in caplog.records)


def test_a_stored_page_damaged_in_place_is_rendered_again_not_published(site, caplog):
    """The store and the live site share the page's inode: same size, same time, other bytes."""
    built = small_site(site)
    page = site.output / "2015/11/11/story-1/index.html"
    original, status = page.read_bytes(), page.stat()
    with open(page, "r+b") as handle:
        handle.write(b"<!-- damaged -->")
    os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert page.stat().st_size == status.st_size and page.stat().st_mtime_ns == status.st_mtime_ns
    caplog.clear()
    result = site.build()
    assert page.read_bytes() == original and tree(site.output) == built
    assert result.rendered == 1
    assert any("2015/11/11/story-1/index.html" in line and "changed" in line for line in warnings_of(caplog))
