"""Ingest: clippings, pages and feeds become stories exactly; bad and hostile inputs are
refused or defused one by one while everything else is still written."""

import datetime as dt
import functools
import http.server
import re
import threading
from pathlib import Path

import pytest

from newsdigest import frontmatter
from newsdigest.bench.ingest import aeb_quality
from newsdigest.ingest import Options, ingest

from conftest import AEB, BBC, ROOT, SEED, require_shared, run_cli

SEED_TITLE = "Putin Calls for Fight Against 'Global Terror' as Mali Hunts Suspects in Deadly Hotel Siege"


def options(tmp_path, **changes) -> Options:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "tags.yml").write_text((ROOT / "content/tags.yml").read_text())
    return Options(content=content, site_timezone="UTC", source_timezones={"VICE News": "America/New_York"}, **changes)


def stories(content: Path) -> dict[str, frontmatter.Document]:
    return {str(p.relative_to(content)): frontmatter.parse(p.read_text()) for p in sorted(content.rglob("*.md"))}


def test_the_seed_story_field_by_field(tmp_path):
    require_shared(SEED)
    report = ingest([str(SEED)], options(tmp_path))
    assert report.summary().startswith("1 written")
    [(path, story)] = stories(tmp_path / "content").items()
    meta = story.metadata
    assert path == "articles/2015/11/putin-calls-for-fight-against-global-terror-as-mali-hunts-suspects-in-deadly.md"
    assert meta["title"] == SEED_TITLE
    assert meta["subtitle"] == ("Officials said “more than three suspects” are still at large after the attack on a "
                                "luxury hotel in Mali’s capital that left at least 19 people dead.")
    assert meta["date"] == "2015-11-21T17:01:00-05:00"
    assert meta["source"] == "VICE News"
    assert meta["image_credit"] == "Joe Penney/Reuters"
    assert meta["contributors"] == ["Reuters"]
    assert meta["related"] == ["What the Bamako Hotel Attack Reveals About Islamist Militants in Mali",
                               "Terrorist Groups Are Poaching Elephants In Northern Mali, Warns UN"]
    assert {"Mali", "Bamako", "Vladimir Putin", "Russia"} <= set(meta["tags"]) and len(meta["tags"]) <= 8
    paragraphs = story.body.strip().split("\n\n")
    seed_blocks = [block.strip() for block in SEED.read_text().split("\n\n") if block.strip()]
    expected = seed_blocks[seed_blocks.index(next(b for b in seed_blocks if b.startswith("One day after"))):]
    expected = [b for b in expected if not b.startswith(("Related:", "Follow VICE", "Reuters contributed"))]
    assert paragraphs == expected and len(paragraphs) == 12
    assert paragraphs[-1].startswith('"Mali will not shut down')
    for furniture in ("This story is over", "Photo by", "Related:", "Follow VICE News", "contributed to this report",
                      "November 21, 2015"):
        assert furniture not in story.body


def test_reingesting_reports_unchanged_and_keeps_curator_edits(tmp_path):
    require_shared(SEED)
    clipping = tmp_path / "clip.txt"
    clipping.write_text(SEED.read_text())
    ingest([str(clipping)], options(tmp_path))
    assert ingest([str(clipping)], options(tmp_path)).count("unchanged") == 1
    [path] = (tmp_path / "content").rglob("*.md")
    path.write_text(path.read_text().replace("tags:\n", "note: Why it matters.\ntags:\n"))  # the curator's edit
    edited = path.read_text()
    clipping.write_text(SEED.read_text().replace("Two of the attackers died", "Two of the gunmen died"))
    report = ingest([str(clipping)], options(tmp_path))
    assert report.count("kept") == 1 and path.read_text() == edited


def test_an_unedited_story_is_updated_in_place(tmp_path):
    clipping = tmp_path / "clip.txt"
    clipping.write_text("Storm hits coast\n\nThe storm reached the coast on Monday.\n")
    ingest([str(clipping)], options(tmp_path, date=dt.datetime(2020, 1, 6, 9)))
    clipping.write_text("Storm hits coast\n\nThe storm reached the coast on Monday night.\n")
    report = ingest([str(clipping)], options(tmp_path, date=dt.datetime(2020, 1, 6, 9)))
    assert report.count("updated") == 1
    [story] = stories(tmp_path / "content").values()
    assert "Monday night" in story.body


def test_same_headline_different_stories_get_distinct_stable_slugs(tmp_path):
    for name, text in (("a.txt", "First report."), ("b.txt", "Second, different report.")):
        (tmp_path / name).write_text(f"Morning Briefing\n\n{text}\n")
    ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], options(tmp_path, date=dt.datetime(2020, 1, 6, 9)))
    names = sorted(stories(tmp_path / "content"))
    assert "articles/2020/01/morning-briefing.md" in names
    [other] = [name for name in names if name != "articles/2020/01/morning-briefing.md"]
    assert re.fullmatch(r"articles/2020/01/morning-briefing-[0-9a-f]{6}\.md", other)
    again = tmp_path / "again"
    again.mkdir()
    ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], options(again, date=dt.datetime(2020, 1, 6, 9)))
    assert sorted(stories(again / "content")) == names


@pytest.mark.slow  # a corpus
def test_bbc_corpus_sample_with_duplicates_and_latin1(tmp_path):
    require_shared(BBC)
    sport = sorted((BBC / "sport").glob("*.txt"))
    report = ingest([str(p) for p in sport], options(tmp_path, date=dt.datetime(2005, 1, 1, 12), source="BBC News"))
    assert report.count("failed") == 0
    written = stories(tmp_path / "content")
    # Byte-identical files make one story, the others are named as duplicates.
    distinct = len({p.read_bytes() for p in sport})
    assert report.count("written") == len(written) <= distinct
    assert report.count("duplicate") == len(sport) - len(written) >= len(sport) - distinct > 0
    latin = next(s for s in written.values() if s.metadata.get("ingested_from", "").endswith("sport/199.txt"))
    assert "£" in latin.body and "\ufffd" not in latin.body


@pytest.mark.slow  # a corpus
def test_aeb_body_quality_and_structure():
    """The whole benchmark: body F1 stays at least 0.96, and stories keep their links and images."""
    require_shared(AEB)
    f1, precision, recall, pages, structure = aeb_quality(AEB)
    assert f1 >= 0.96, (f1, pages[:5])
    assert structure.pages == len(pages) == 181
    assert structure.with_link >= 0.7 * structure.pages and structure.with_image >= 0.5 * structure.pages
    assert structure.no_raw_tag == structure.no_entity == structure.pages, structure.problems


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Wire Service</title><link>https://wire.example/</link><description>d</description>
<item><title>Curfew in Bamako</title><link>https://wire.example/curfew</link><guid>wire-1</guid>
<pubDate>Sat, 21 Nov 2015 22:00:00 +0000</pubDate><description>&lt;p&gt;A curfew was declared in Bamako.&lt;/p&gt;
&lt;p&gt;Streets were empty.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description><category>Mali</category></item>
<item><title>Hotel reopens</title><link>https://wire.example/hotel</link><guid>wire-2</guid>
<pubDate>Sun, 22 Nov 2015 10:00:00 +0000</pubDate><description>The hotel reopened.</description></item>
</channel></rss>"""


def test_feed_entries_become_stories_once(tmp_path):
    feed = tmp_path / "wire.xml"
    feed.write_text(RSS)
    report = ingest([str(feed)], options(tmp_path))
    assert report.count("written") == 2
    by_title = {s.metadata["title"]: s for s in stories(tmp_path / "content").values()}
    curfew = by_title["Curfew in Bamako"]
    assert curfew.metadata["source"] == "Wire Service" and curfew.metadata["source_url"] == "https://wire.example/curfew"
    assert curfew.metadata["date"] == "2015-11-21T22:00:00+00:00" and "Mali" in curfew.metadata["tags"]
    assert "A curfew was declared in Bamako." in curfew.body and "alert" not in curfew.body
    again = ingest([str(feed)], options(tmp_path))
    assert again.count("skipped") == 2 and again.count("written") == 0


def test_urls_of_pages_are_fetched(tmp_path):
    pages = tmp_path / "served"
    pages.mkdir()
    (pages / "story.html").write_text(
        '<html><head><title>x</title><meta property="og:title" content="Local page story">'
        '<meta property="article:published_time" content="2015-11-21T17:01:00-05:00">'
        '<meta property="og:site_name" content="Local Times"></head><body><article><h1>Local page story</h1>'
        + "".join(f"<p>Paragraph {i} of the local story, long enough to count as article text for extraction.</p>"
                  for i in range(6)) + "</article></body></html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(pages))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/story.html"
        report = ingest([url], options(tmp_path))
    finally:
        server.shutdown()
    assert report.count("written") == 1, report.outcomes
    [story] = stories(tmp_path / "content").values()
    assert story.metadata["title"] == "Local page story" and story.metadata["source"] == "Local Times"
    assert story.metadata["date"] == "2015-11-21T17:01:00-05:00"


def test_bad_inputs_fail_one_by_one(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "empty.txt").write_text("")
    (inputs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00" * 50)
    with open(inputs / "huge.txt", "wb") as handle:
        handle.truncate(50 * 2**20)
    (inputs / "undecodable.txt").write_bytes(b"Headline\n\nBody \x81\x8d\x90 bytes\n")
    (inputs / "no-article.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (inputs / "undated.txt").write_text("A story without a date\n\nIt happened at some point.\n")
    (inputs / "good.txt").write_text("A good story\n\nNovember 21, 2015, 5:01pm\n\nIt happened on time.\n")
    result = run_cli("ingest", "--content", str(tmp_path / "content"), str(inputs))
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert errors, result.stderr
    reasons = {line.split(": ", 2)[1].rsplit("/", 1)[-1]: line.split(": ", 2)[2] for line in errors}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"] == "binary file, not text"
    assert reasons["huge.txt"].startswith("too large")
    assert reasons["undecodable.txt"].startswith("undecodable bytes")
    assert reasons["no-article.html"].startswith(("no article text", "no headline"))
    assert "no date" in reasons["undated.txt"]
    assert len(errors) == 6
    assert "good-story.md" in result.stdout and "1 written" in result.stdout and "6 failed" in result.stdout


def test_usage_errors_exit_2(tmp_path):
    assert run_cli("ingest", "--date", "someday", str(tmp_path)).returncode == 2
    assert run_cli("ingest", "--timezone", "Mars/Olympus", str(tmp_path)).returncode == 2
    assert run_cli("ingest").returncode == 2


def test_hostile_html_is_defused(tmp_path):
    page = tmp_path / "hostile.html"
    page.write_text(
        '<html><head><meta property="og:title" content="Title: with \'quotes\' --- and # hash">'
        '<meta property="article:published_time" content="2015-11-21T17:01:00Z"></head><body><article>'
        '<h1>Title</h1><script>alert(1)</script><iframe src="https://evil.example"></iframe>'
        '<style>body{display:none}</style>'
        + "".join(f'<p onclick="alert({i})">Paragraph {i}: the &lt;script&gt;alert(2)&lt;/script&gt; text stays '
                  f'text, and <a href="javascript:alert(3)">this link</a> loses its address.</p>' for i in range(5))
        + "</article></body></html>")
    ingest([str(page)], options(tmp_path))
    [path] = (tmp_path / "content").rglob("*.md")
    text = path.read_text()
    for active in ("<script", "<iframe", "<style", "onclick", "javascript:"):
        assert active not in text
    story = frontmatter.parse(text)
    assert story.metadata["title"] == "Title: with 'quotes' --- and # hash"
    assert re.fullmatch(r"[a-z0-9-]{1,80}\.md", path.name)


def test_hostile_titles_round_trip_and_slugs_stay_inside(tmp_path):
    for number, title in enumerate(["Colon: here", 'Quote "this"', "---", "# heading", "../../etc/passwd", "🔥"]):
        (tmp_path / f"{number}.txt").write_text(f"{title}\n\nBody of story {number}.\n")
    ingest([str(p) for p in sorted(tmp_path.glob("*.txt"))], options(tmp_path, date=dt.datetime(2020, 1, 6)))
    titles = {s.metadata["title"] for s in stories(tmp_path / "content").values()}
    assert titles == {"Colon: here", 'Quote "this"', "---", "# heading", "../../etc/passwd", "🔥"}
    for path in (tmp_path / "content").rglob("*.md"):
        assert (tmp_path / "content/articles") in path.parents and re.fullmatch(r"[a-z0-9-]{1,80}\.md", path.name)


def test_dry_run_writes_nothing(tmp_path):
    require_shared(SEED)
    result = run_cli("ingest", "--dry-run", "--content", str(tmp_path / "content"), str(SEED))
    assert result.returncode == 0 and "dry run: 1 written" in result.stdout
    assert not list(tmp_path.rglob("*.md"))


def test_ingested_stories_build(site):
    require_shared(SEED)
    ingest([str(SEED)], Options(content=site.content, site_timezone="UTC",
                                source_timezones={"VICE News": "America/New_York"}))
    site.build()
    page = site.page("2015/11/21/putin-calls-for-fight-against-global-terror-as-mali-hunts-suspects-in-deadly/")
    assert "Reuters contributed to this report." in page and 'href="/tags/bamako/"' in page


@pytest.mark.slow  # an image server, Pillow and the command line
def test_fetch_images_keeps_lead_images_with_the_site(site, tmp_path):
    from PIL import Image

    served = tmp_path / "served"
    served.mkdir()
    photo = Image.new("RGBA", (2400, 1600), (200, 120, 40, 255))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # EXIF the stored copy must not carry
    photo.save(served / "photo.png", exif=exif)
    (served / "notes.txt").write_text("not an image")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for name, image in (("with-photo", "photo.png"), ("missing", "gone.jpg"), ("not-an-image", "notes.txt")):
        (served / f"{name}.html").write_text(
            f'<html><head><meta property="og:title" content="Story {name}">'
            f'<meta property="og:image" content="{base}/{image}">'
            '<meta property="article:published_time" content="2015-11-21T17:01:00-05:00"></head><body><article>'
            + "".join(f"<p>Paragraph {i} of the story {name}, long enough to count as article text.</p>"
                      for i in range(6)) + "</article></body></html>")
    try:
        result = run_cli("ingest", "--content", str(site.content), "--fetch-images",
                         *(f"{base}/{name}.html" for name in ("with-photo", "missing", "not-an-image")))
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING:")]
    assert len(warnings) == 2 and f"{base}/missing.html: lead image {base}/gone.jpg" in warnings[0]
    assert "not an image" in warnings[1]
    written = {doc.metadata["title"]: doc.metadata for doc in stories(site.content).values() if "title" in doc.metadata}
    stored = written["Story with-photo"]
    assert stored["image_original"] == f"{base}/photo.png" and stored["image"].startswith("/images/story-with-photo-")
    assert written["Story missing"]["image"] == f"{base}/gone.jpg"  # left as it was, nothing lost
    with Image.open(site.content / stored["image"].lstrip("/")) as copy:
        assert (copy.format, copy.size, copy.mode) == ("JPEG", (1600, 1067), "RGB") and not copy.getexif()
    site.build()
    page = site.page("2015/11/21/story-with-photo/")
    assert f'<img src="{stored["image"]}" alt="" width="1600" height="1067"' in page
