"""A damaged cache costs time, never a build, a wrong page or the blame on a story."""

import logging
import os
import sqlite3

import pytest

from conftest import Site, run_cli, tree


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


DATABASE = ".cache/newsdigest.sqlite"
# A setting every page shows: a build with it renders every page again, from the cached
# documents and ranking (as a theme edit does).
EVERY_PAGE_AGAIN = {"SITENAME": "Another Digest"}


def cold_tree(tmp_path, **overrides) -> dict:
    """The site small_site makes, built with `overrides` into a new folder with no cache."""
    cold = Site(tmp_path / "cold")
    small_site(cold)
    cold.build(**overrides)
    return tree(cold.output)


def damaged_warnings(caplog, namespace: str) -> list[str]:
    return [
        line
        for line in warnings_of(caplog)
        if line.startswith("damaged cache entry in ") and f"newsdigest.sqlite ({namespace}): computed again" in line
    ]


def flip_one_byte(value: str | bytes) -> str | bytes:
    """`value` with one letter or digit past its middle changed to another of its kind."""
    data = bytearray(value.encode() if isinstance(value, str) else value)
    at = next(i for i in range(len(data) // 2, len(data)) if chr(data[i]).isalnum())
    data[at] = ord("0") + (data[at] - ord("0") + 1) % 10 if chr(data[at]).isdigit() else data[at] ^ 0x01
    return data.decode() if isinstance(value, str) else bytes(data)


def rewrite_entry(site: Site, namespace: str, change) -> None:
    """One entry of `namespace` rewritten in place by `change`, its stored digest left as it was."""
    with sqlite3.connect(site.root / DATABASE) as database:
        rows = database.execute(
            "SELECT key, value FROM entries WHERE namespace = ? ORDER BY key LIMIT 1", [namespace]
        ).fetchall()
        assert rows
        for key, value in rows:
            database.execute(
                "UPDATE entries SET value = ? WHERE namespace = ? AND key = ?", [change(value), namespace, key]
            )
    database.close()


# Every kind of entry BuildCache holds, and what the next build must do to read it.
KINDS = ["document", "related-ranking", "related-words", "page-store", "page-store-checked", "stories-shown"]
READ_ONLY_WHEN_EVERY_PAGE_RENDERS = {"document", "related-ranking", "related-words"}


def rebuild_reading(site: Site, namespace: str):
    if namespace == "related-words":  # read only when the ranking is computed again
        with sqlite3.connect(site.root / DATABASE) as database:
            database.execute("DELETE FROM entries WHERE namespace = 'related-ranking'")
        database.close()
    return site.build(**(EVERY_PAGE_AGAIN if namespace in READ_ONLY_WHEN_EVERY_PAGE_RENDERS else {}))


def test_a_byte_flipped_in_a_cached_document_never_reaches_the_site(site, tmp_path, caplog):
    """The probe: one byte of the database file changed under a converted story."""
    small_site(site)
    database = site.root / DATABASE
    data = bytearray(database.read_bytes())
    at = data.find(b"<p>All about apples")
    assert at >= 0 and data.find(b"<p>All about apples", at + 1) < 0
    data[at + len("<p>All about a")] ^= 0x01  # apples -> aqples
    database.write_bytes(bytes(data))
    caplog.clear()
    site.build(**EVERY_PAGE_AGAIN)
    assert tree(site.output) == cold_tree(tmp_path, **EVERY_PAGE_AGAIN)
    assert "aqples" not in site.page("2015/11/10/story-0/")
    assert len(damaged_warnings(caplog, "document")) == 1


@pytest.mark.parametrize("namespace", KINDS)
def test_a_byte_flipped_in_any_cache_entry_is_computed_again_not_published(site, tmp_path, caplog, namespace):
    small_site(site)
    rewrite_entry(site, namespace, flip_one_byte)
    caplog.clear()
    rebuild_reading(site, namespace)
    overrides = EVERY_PAGE_AGAIN if namespace in READ_ONLY_WHEN_EVERY_PAGE_RENDERS else {}
    assert tree(site.output) == cold_tree(tmp_path, **overrides)
    assert len(damaged_warnings(caplog, namespace)) == 1
    caplog.clear()
    rebuild_reading(site, namespace)  # the entry was stored again, whole
    assert not damaged_warnings(caplog, namespace)


@pytest.mark.parametrize("namespace", ["document", "related-words", "page-store"])
def test_a_truncated_cache_entry_is_computed_again(site, tmp_path, caplog, namespace):
    small_site(site)
    rewrite_entry(site, namespace, lambda value: value[: len(value) // 2])
    caplog.clear()
    rebuild_reading(site, namespace)
    overrides = EVERY_PAGE_AGAIN if namespace in READ_ONLY_WHEN_EVERY_PAGE_RENDERS else {}
    assert tree(site.output) == cold_tree(tmp_path, **overrides)
    assert len(damaged_warnings(caplog, namespace)) == 1


def test_a_cache_of_the_layout_before_digests_is_simply_missed(site, tmp_path, caplog):
    small_site(site)
    with sqlite3.connect(site.root / DATABASE) as database:
        database.execute("DROP TABLE entries")
        database.execute("CREATE TABLE entries (namespace TEXT, key TEXT, value TEXT, PRIMARY KEY (namespace, key))")
        database.execute("INSERT INTO entries VALUES ('document', 'k', '{}')")
        database.execute("PRAGMA user_version = 0")
    database.close()
    caplog.clear()
    site.build(**EVERY_PAGE_AGAIN)
    assert tree(site.output) == cold_tree(tmp_path, **EVERY_PAGE_AGAIN)
    assert not warnings_of(caplog)


def test_a_folder_in_place_of_the_cache_file_is_one_warning_and_a_build_without_it(site):
    built = small_site(site)
    for suffix in ("", "-wal", "-shm"):
        (site.root / f"{DATABASE}{suffix}").unlink(missing_ok=True)
    (site.root / DATABASE).mkdir()
    result = run_cli(
        "build",
        "--settings",
        str(site.settings_file(RELATIVE_URLS=False)),
        "--content",
        str(site.content),
        "--output",
        str(site.output),
    )
    assert result.returncode == 0, result.stderr
    assert tree(site.output) == built
    cache_lines = [line for line in result.stderr.splitlines() if "newsdigest.sqlite" in line]
    folder = "is a folder (remove it, or the whole .cache/)"
    assert cache_lines == [
        f"WARNING: {site.root / DATABASE}: cannot use the build cache: {folder}; building without it"
    ]
    assert "Traceback" not in result.stderr
    assert (site.root / DATABASE).is_dir()  # left for its owner to remove


def test_a_full_disk_under_the_cache_is_one_warning_and_a_build_without_it(site, tmp_path, caplog, monkeypatch):
    """SQLite's page limit stands in for a full disk: the file cannot grow by one page."""
    small_site(site)
    site.add_article("story-3", title="Story 3", tags=["Mali"], date="2015-11-13T10:00:00Z", body="About deserts.")
    connect = sqlite3.connect

    def connect_to_a_full_disk(*args, **kwargs):
        connection = connect(*args, **kwargs)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect_to_a_full_disk)
    caplog.clear()
    site.build()
    monkeypatch.undo()
    cold = Site(tmp_path / "cold")
    small_site(cold)
    cold.add_article("story-3", title="Story 3", tags=["Mali"], date="2015-11-13T10:00:00Z", body="About deserts.")
    cold.build()
    assert tree(site.output) == tree(cold.output)
    full = [line for line in warnings_of(caplog) if "cannot use the build cache" in line]
    assert full == [
        f"{site.root / DATABASE}: cannot use the build cache: database or disk is full; building without it"
    ]
    caplog.clear()
    site.build()  # room again: the cache is used and filled
    assert tree(site.output) == tree(cold.output)
    assert not warnings_of(caplog)
    assert site.build().rendered == 0


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
