"""The published site: every page type valid HTML, with the metadata search engines and
social cards read, sitemaps, robots.txt, archives, a 404 page, and a story's age."""

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from newsdigest.site import presentation
from newsdigest_bench.sample_site import illustration

from conftest import ROOT, require

SITEURL = "https://digest.example.org"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}


RICH_BODY = """Para *one* about [Bamako](https://news.example/bamako).

<img src=x onerror=alert(2)>

## What happened

> "We are looking for more than three people," a commander said.

- First, the hotel was stormed.
- Then the hostages were freed.

1. One
2. Two

| a | b |
|---|---|
| 1 | 2 |

<figure><img src="/images/lead.jpg" alt="The hotel at night"><figcaption>The hotel, after the siege.</figcaption></figure>
"""  # noqa: E501 - the figure is one line of the story's Markdown


def fixture_site(site, **overrides):
    """A small site with every page type, and hostile text in the places it can reach."""
    illustration(site.content / "images/lead.jpg", "lead")
    site.add_article(
        "lead",
        title="Mali hunts suspects </script><script>alert(1)</script>",
        tags=["Mali", "Bamako"],
        section="World",
        source="VICE News",
        source_url="https://news.example/mali",
        featured=True,
        subtitle="Officials said </script> more suspects are at large.",
        note="Why it matters.",
        contributors=["Reuters"],
        image_credit="Joe Penney/Reuters",
        authors=["Jane Doe"],
        image="/images/lead.jpg",
        image_alt="Soldiers outside the hotel </script>",
        image_caption="Malian troops outside the Radisson Blu.",
        related=["Bamako curfew", "A story nobody wrote"],
        date="2015-11-21T17:01:00-05:00",
        modified="2015-11-22T09:00:00-05:00",
        body=RICH_BODY,
    )
    site.add_article(
        "paris",
        title="La grève continue à Paris",
        lang="fr",
        tags=["Mali"],
        section="Monde",
        source="Le Courrier",
        date="2015-11-21T09:00:00+01:00",
        body="Les syndicats appellent à une nouvelle journée.",
    )
    site.add_article(
        "curfew",
        title="Bamako curfew",
        tags=["Mali"],
        section="World",
        source="Reuters",
        date="2015-11-22T10:00:00Z",
        body="A curfew in Bamako, Mali.",
    )
    site.add_article(
        "older", title="Older business story", section="Business", date="2015-10-02T10:00:00Z", body="Markets moved."
    )
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout us.\n")
    site.write("editions/2015-11-21.md", "---\ntitle: Saturday\n---\nThe day in brief.\n")
    return site.build(SITEURL=SITEURL, **overrides)


@pytest.mark.slow  # the W3C checker starts a Java VM
def test_every_page_type_passes_the_w3c_checker(site):
    require(
        VNU.is_file() and shutil.which("java") is not None,
        "the W3C checker needs node_modules/vnu-jar (npm ci, run by make test) and java",
    )
    fixture_site(
        site, SEARCH_ENABLED=True, TAXONOMY_KINDS=["tags", "sections", "sources", "authors"], DEFAULT_PAGINATION=1
    )
    pages = sorted(str(p) for p in site.output.rglob("*.html"))
    kinds = {re.sub(r"/[^/]+/index\.html$", "/*", p.replace(str(site.output), "")) for p in pages}
    assert len(pages) >= 20 and len(kinds) >= 8
    for page_type in (
        "/index.html",
        "/tags/index.html",
        "/authors/jane-doe/index.html",
        "/search/index.html",
        "/feeds/index.html",
        "/archives/2015/10/index.html",
        "/editions/2015-11-21/index.html",
        "/editions/index.html",
        "/about/index.html",
        "/404.html",
        "/tags/mali/page/2/index.html",
        "/2015/11/21/la-greve-continue-a-paris/index.html",
        "/2015/11/22/bamako-curfew/index.html",
    ):
        assert str(site.output) + page_type in pages
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *pages], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr.replace(str(site.output), "")


def test_head_metadata_and_json_ld(site):
    fixture_site(site)
    page = site.page("2015/11/21/mali-hunts-suspects-script-script-alert-1-script/")
    head = page.split("</head>")[0]
    url = f"{SITEURL}/2015/11/21/mali-hunts-suspects-script-script-alert-1-script/"
    assert f'<link rel="canonical" href="{url}">' in head
    assert f'<meta property="og:url" content="{url}">' in head
    assert '<meta property="og:type" content="article">' in head
    assert 'rel="icon"' in head and "feeds/all.rss.xml" in head
    # The headline alone is the card's title; the site's name is og:site_name.
    assert (
        '<meta property="og:title" content="Mali hunts suspects &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        in head
    )
    assert '<meta property="og:site_name" content="The Daily Digest">' in head
    assert f'<meta property="og:image" content="{SITEURL}/images/lead.jpg">' in head
    assert '<meta property="og:image:width" content="1200">' in head
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(scripts) == 1 and page.count("<script") == 1  # the hostile headline opened no script
    data = json.loads(scripts[0])
    assert data["@type"] == "NewsArticle" and data["headline"].endswith("</script><script>alert(1)</script>")
    assert data["description"] == "Officials said </script> more suspects are at large."
    assert data["datePublished"] == "2015-11-21T17:01:00-05:00" and data["dateModified"] == "2015-11-22T09:00:00-05:00"
    jane = [{"@type": "Person", "name": "Jane Doe"}]
    assert data["author"] == jane and data["image"] == [f"{SITEURL}/images/lead.jpg"]
    assert data["isBasedOn"] == {
        "@type": "NewsArticle",
        "url": "https://news.example/mali",
        "author": jane,
        "publisher": {"@type": "Organization", "name": "VICE News"},
    }
    assert data["url"] == url and data["publisher"]["name"] == "The Daily Digest"

    curfew = site.page("2015/11/22/bamako-curfew/")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', curfew).group(1))
    assert data["author"] == {"@type": "Organization", "name": "Reuters"} and "image" not in data
    assert '<meta name="twitter:card" content="summary">' in curfew and "og:image" not in curfew
    assert '<meta property="og:title" content="Bamako curfew">' in curfew
    for path in ("tags/mali/", "editions/2015-11-21/", "sections/", "archives/2015/11/", "about/"):
        assert f'<link rel="canonical" href="{SITEURL}/{path}">' in site.page(path)
    assert f'<link rel="canonical" href="{SITEURL}/">' in site.page("")
    # the navigation marks where the reader is
    assert f'href="{SITEURL}/tags/" aria-current="page"' in site.page("tags/")
    assert f'href="{SITEURL}/tags/" aria-current="true"' in site.page("tags/mali/")
    assert "aria-current" not in site.page("")


def test_story_page_details(site):
    fixture_site(site)
    page = site.page("2015/11/21/mali-hunts-suspects-script-script-alert-1-script/")
    assert 'datetime="2015-11-21T17:01:00-05:00"' in page and "Updated" in page and "min read" in page
    assert "Photo: Joe Penney/Reuters" in page and "Reuters contributed to this report." in page
    assert "Malian troops outside the Radisson Blu." in page
    assert 'class="curator-note"' in page and 'rel="next" href="/2015/11/22/bamako-curfew/"' in page.replace(
        SITEURL, ""
    )
    assert 'rel="prev"' in page


def test_age_notice_follows_the_build_date(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # November 2023
    fixture_site(site)
    assert "This story is over 8 years old." in site.page("2015/10/02/older-business-story/")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    site.remove_output()
    fixture_site(site)  # no epoch: against the newest story, so no notice on recent stories
    assert "years old" not in site.page("2015/10/02/older-business-story/")


def test_sitemaps_and_robots(site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1448236800")  # 2015-11-23T00:00Z
    fixture_site(site, DEFAULT_PAGINATION=1)
    tree = ElementTree.parse(site.output / "sitemap.xml")
    urls = {e.findtext("s:loc", namespaces=NS): e.findtext("s:lastmod", namespaces=NS) for e in tree.getroot()}
    html_pages = [p for p in site.output.rglob("*.html") if p.name not in ("404.html", "email.html")]
    assert len(urls) == len(html_pages)
    assert (
        urls[f"{SITEURL}/2015/11/21/mali-hunts-suspects-script-script-alert-1-script/"] == "2015-11-22T09:00:00-05:00"
    )
    assert f"{SITEURL}/tags/mali/page/2/" in urls and f"{SITEURL}/archives/2015/10/" in urls
    news = ElementTree.parse(site.output / "news-sitemap.xml").getroot()
    titles = [e.findtext("n:news/n:title", namespaces=NS) for e in news]
    assert titles == [
        "Bamako curfew",
        "Mali hunts suspects </script><script>alert(1)</script>",
        "La grève continue à Paris",
    ]  # not October's
    languages = [e.findtext("n:news/n:publication/n:language", namespaces=NS) for e in news]
    assert languages == ["en", "en", "fr"]
    robots = (site.output / "robots.txt").read_text()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def test_archives_and_404(site):
    fixture_site(site)
    archive = site.page("archives/")
    assert archive.index('archives/2015/11/"') < archive.index('archives/2015/10/"')
    assert "Older business story" in site.page("archives/2015/10/")
    assert "Page not found" in (site.output / "404.html").read_text()


def test_every_internal_link_resolves(site):
    fixture_site(site, DEFAULT_PAGINATION=1)
    broken = []
    for page in site.output.rglob("*.html"):
        for target in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text()):
            if not target.startswith(SITEURL):
                continue
            path = site.output / target.removeprefix(SITEURL).lstrip("/")
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{page.relative_to(site.output)} -> {target}")
    assert broken == []


def test_a_month_archive_lists_exactly_its_stories_newest_first(site):
    for day, month in ((3, 10), (28, 10), (1, 11), (15, 11), (30, 11), (1, 12)):
        site.add_article(
            f"story-{month}-{day}", title=f"Story of {day}.{month}.", date=f"2015-{month:02d}-{day:02d}T10:00:00Z"
        )
    site.build()
    november = site.page("archives/2015/11/")
    shown = re.findall(r"Story of (\d+\.\d+)\.", november)
    assert list(dict.fromkeys(shown)) == ["30.11", "15.11", "1.11"]
    assert list(dict.fromkeys(re.findall(r"Story of (\d+\.\d+)\.", site.page("archives/2015/10/")))) == [
        "28.10",
        "3.10",
    ]


def test_a_story_in_another_language_is_published_like_any_other(site):
    site.add_article(
        "paris",
        title="La grève continue à Paris",
        lang="fr",
        tags=["Paris"],
        section="Monde",
        date="2015-11-21T09:00:00+01:00",
        body="Les syndicats appellent à une nouvelle journée.",
    )
    site.add_article("london", title="London strike goes on", tags=["Paris"], date="2015-11-21T10:00:00Z")
    site.build()
    story = site.page("2015/11/21/la-greve-continue-a-paris/")
    assert "Les syndicats appellent" in story
    assert "la-greve-continue-a-paris" in site.page("tags/paris/")
    assert "la-greve-continue-a-paris" in (site.output / "feeds/all.atom.xml").read_text(encoding="utf-8")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_no_story_is_bylined_to_the_digest_unless_its_front_matter_says_so(site):
    site.add_article("sourced", title="Sourced", source="Reuters", date="2015-11-20T10:00:00Z")
    site.add_article("bare", title="Bare", date="2015-11-20T11:00:00Z")
    site.add_article(
        "authored", title="Authored", authors=["Jane Doe"], source="VICE News", date="2015-11-21T10:00:00Z"
    )
    site.add_article("own", title="Our own", authors=["The Daily Digest"], date="2015-11-21T11:00:00Z")
    site.build(AUTHOR="The Digest Desk")  # Pelican gives every story without authors this one
    bylines = {}
    for page in site.output.glob("2015/11/*/*/index.html"):
        html = page.read_text(encoding="utf-8")
        found = re.search(r'<p class="byline">(.*?)</p>', html, re.S)
        bylines[page.parent.name] = _text(found.group(1)).strip() if found else None
        assert "By The Digest Desk" not in _text(html) and "Digest Desk" not in html, page
        assert ("By The Daily Digest" in _text(html)) == (page.parent.name == "our-own"), page
    assert bylines == {
        "sourced": "Reuters",
        "bare": None,
        "authored": "By Jane Doe · VICE News",
        "our-own": "By The Daily Digest",
    }


def test_a_story_speaks_its_own_language_on_its_page_in_lists_and_feeds(site):
    fixture_site(site)
    story = site.page("2015/11/21/la-greve-continue-a-paris/")
    assert story.startswith('<!DOCTYPE html>\n<html lang="fr" dir="ltr">')
    assert re.search(r'<article class="story" lang="fr"', story)
    assert '<header class="site-header" lang="en">' in story and '<footer class="site-footer" lang="en">' in story
    # inside the French story, the site's own words ("min read", "Tags") stay English
    assert '<p class="meta" lang="en" data-pagefind-ignore>' in story
    assert '<footer class="story-footer" lang="en"' in story
    assert site.page("2015/11/22/bamako-curfew/").split("</head>")[1].count('lang="en"') == 1  # its <article>
    tag = site.page("tags/mali/")
    assert re.search(r'<h2 class="card-title" lang="fr"><a [^>]*>La grève continue à Paris</a>', tag)
    assert '<html lang="en" dir="ltr">' in tag
    atom = ElementTree.parse(site.output / "feeds/all.atom.xml").getroot()
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    languages = {
        entry.findtext("{http://www.w3.org/2005/Atom}title"): entry.get(xml_lang)
        for entry in atom.iter("{http://www.w3.org/2005/Atom}entry")
    }
    assert languages["La grève continue à Paris"] == "fr" and languages["Bamako curfew"] is None
    items = json.loads((site.output / "feeds/all.json").read_text(encoding="utf-8"))["items"]
    assert [item.get("language") for item in items if "Paris" in item["title"]] == ["fr"]
    rss = (site.output / "feeds/all.rss.xml").read_text(encoding="utf-8")
    assert rss.count("<dc:language>fr</dc:language>") == 1


def test_front_page_is_the_latest_edition_and_shows_no_story_twice(site):
    for day, count in ((19, 2), (20, 3), (21, 4)):
        for number in range(count):
            site.add_article(
                f"d{day}-{number}",
                title=f"Story {day}-{number}",
                section=("World", "Business")[number % 2],
                note=f"Note {day}-{number}.",
                date=f"2015-11-{day}T{10 + number}:00:00Z",
                featured=(number == 2),
            )
    site.write("editions/2015-11-21.md", "---\ntitle: Saturday's picks\n---\nThe day in brief.\n")
    site.build(TIMEZONE="UTC")
    front = site.page("")
    cards = re.findall(r'class="card-title"[^>]*><a href="/2015/11/(\d\d)/story-([\d-]+)/"', front)
    assert sorted(cards) == [("21", f"21-{n}") for n in range(4)]  # every pick of the day, each once
    assert "card-lead" in front and front.index("Story 21-2") < front.index("Story 21-3")  # the featured one leads
    assert "Note 21-0." in front and "The day in brief." in front and "Saturday&#39;s picks" in front
    assert front.index(">Business</h") < front.index(">World</h")
    earlier = front[front.index('id="earlier-editions"') :]
    assert earlier.index("/editions/2015-11-20/") < earlier.index("/editions/2015-11-19/")
    assert not (site.output / "page").exists()  # the front page is one edition, not a paginated list


def test_images_keep_their_shape_load_lazily_below_the_fold_and_always_have_alt_text(site):
    fixture_site(site)
    story = site.page("2015/11/21/mali-hunts-suspects-script-script-alert-1-script/")
    lead = re.search(r'<figure class="lead-figure">.*?</figure>', story, re.S).group(0)
    assert re.search(
        r'<img src="[^"]+/images/lead.jpg" alt="Soldiers outside the hotel &lt;/script&gt;" '
        r'width="1200" height="800" decoding="async" fetchpriority="high"',
        lead,
    )
    assert "loading=" not in lead and "Photo: Joe Penney/Reuters" in lead
    edition = site.page("editions/2015-11-21/")
    images = re.findall(r"<img [^>]+>", edition)
    assert images and 'fetchpriority="high"' in images[0] and "loading" not in images[0]
    for page in site.output.rglob("*.html"):
        for image in re.findall(r"<img [^>]+>", page.read_text(encoding="utf-8")):
            assert " alt=" in image, (page, image)
    remote = presentation.lead_image({"image": "https://news.example/a.jpg", "image_alt": "A"}, site.content)
    assert remote == (presentation.LeadImage("https://news.example/a.jpg", False, alt="A"), None)
    missing, problem = presentation.lead_image({"image": "/images/gone.jpg"}, site.content)
    assert missing.src == "images/gone.jpg" and missing.width is None and "no such file" in problem


def test_pages_read_without_script_and_the_stylesheet_stays_small(site):
    fixture_site(site)
    for page in site.output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script([^>]*)>", html)
        allowed = (
            ['type="application/json" id="search-config"', 'type="module"']
            if page.parent.name == "search"
            else [' type="application/ld+json"']
        )
        assert all(any(kind.strip() in found for kind in allowed) for found in scripts), page
    assert (ROOT / "theme/static/css/site.css").stat().st_size < 20_000
    story = site.page("2015/11/21/mali-hunts-suspects-script-script-alert-1-script/")
    body = re.search(r'<div class="prose">(.*?)</div>\n', story, re.S).group(1)
    assert len(story.encode()) - len(body.encode()) < 30_000  # the page around the story's text


def test_the_note_label_is_a_setting(site):
    site.add_article("a", title="A", note="Because.", date="2015-11-21T10:00:00Z")
    site.build(NOTE_LABEL="Our take")
    for path in ("", "2015/11/21/a/", "editions/2015-11-21/"):
        assert "Our take:</strong> Because." in site.page(path)
    assert "Our take: Because." in (site.output / "editions/2015-11-21/email.txt").read_text()
