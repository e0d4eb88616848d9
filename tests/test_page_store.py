"""The page store hands out a stored file only when it is intact, and reads it back to prove
it only when the file's inode says it may have been written since the last good build."""

import os

from newsdigest.build import page_store
from newsdigest.build.page_store import PageStore


def stored_site(tmp_path):
    site = tmp_path / "site"
    (site / "story").mkdir(parents=True)
    (site / "story/index.html").write_text("<p>The story.</p>")
    store = PageStore(tmp_path / "pages", tmp_path / "store.sqlite")
    store.keep({"ab" * 32: ["story/index.html"]}, site, {"ab" * 32})
    store.note_intact()
    return store


def counting_digests(monkeypatch) -> list[str]:
    read = []
    original = page_store.file_digest

    def file_digest(path):
        read.append(os.fspath(path))
        return original(path)

    monkeypatch.setattr(page_store, "file_digest", file_digest)
    return read


def test_a_file_untouched_since_the_last_good_build_is_handed_out_without_being_read(tmp_path, monkeypatch):
    stored_site(tmp_path)
    read = counting_digests(monkeypatch)
    store = PageStore(tmp_path / "pages", tmp_path / "store.sqlite")
    restored = store.restore(["ab" * 32], tmp_path / "new")
    assert restored == {"ab" * 32: ["story/index.html"]}
    assert (tmp_path / "new/story/index.html").read_text() == "<p>The story.</p>"
    assert read == []


def test_a_file_written_in_place_with_its_size_and_mtime_kept_is_read_and_refused(tmp_path, monkeypatch):
    stored_site(tmp_path)
    blob = next((tmp_path / "pages").rglob("*.0"))
    status = blob.stat()
    with open(blob, "r+b") as handle:  # as a stray editor through the site's hard link would
        handle.write(b"<p>Tampered</p>")
    os.utime(blob, ns=(status.st_atime_ns, status.st_mtime_ns))
    read = counting_digests(monkeypatch)
    store = PageStore(tmp_path / "pages", tmp_path / "store.sqlite")
    assert store.restore(["ab" * 32], tmp_path / "new") == {}
    assert read == [str(blob)]
