"""The published site: every page type valid HTML, with the metadata search engines and
social cards read, sitemaps, robots.txt, archives, a 404 page, and a story's age."""

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import ROOT

SITEURL = "https://digest.example.org"
VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}


def fixture_site(site, **overrides):
    """A small site with every page type, and hostile text in the places it can reach."""
    site.add_article("lead", title="Mali hunts suspects </script><script>alert(1)</script>", tags=["Mali", "Bamako"],
                     section="World", source="VICE News", source_url="https://news.example/mali", featured=True,
                     subtitle="Officials said </script> more suspects are at large.", note="Why it matters.",
                     contributors=["Reuters"], image_credit="Joe Penney/Reuters", authors=["Jane Doe"],
                     related=["Bamako curfew", "A story nobody wrote"], date="2015-11-21T17:01:00-05:00",
                     modified="2015-11-22T09:00:00-05:00",
                     body="Para *one* about Bamako.\n\n<img src=x onerror=alert(2)>\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    site.add_article("curfew", title="Bamako curfew", tags=["Mali"], section="World", source="Reuters",
                     date="2015-11-22T10:00:00Z", body="A curfew in Bamako, Mali.")
    site.add_article("older", title="Older business story", section="Business", date="2015-10-02T10:00:00Z",
                     body="Markets moved.")
    site.write("pages/about.md", "---\ntitle: About\n---\nAbout us.\n")
    site.write("editions/2015-11-21.md", "---\ntitle: Saturday\n---\nThe day in brief.\n")
    return site.build(SITEURL=SITEURL, **overrides)


@pytest.mark.skipif(not VNU.is_file() or shutil.which("java") is None,
                    reason="the W3C checker needs node_modules/vnu-jar (npm ci, run by make test) and java")
def test_every_page_type_passes_the_w3c_checker(site):
    fixture_site(site)
    pages = sorted(str(p) for p in site.output.rglob("*.html"))
    kinds = {re.sub(r"/[^/]+/index\.html$", "/*", p.replace(str(site.output), "")) for p in pages}
    assert len(pages) >= 20 and len(kinds) >= 8
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", *pages], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr.replace(str(site.output), "")


def test_head_metadata_and_json_ld(site):
    fixture_site(site)
    page = site.page("2015/11/21/mali-hunts-suspects-script-script-alert-1-script/")
    head = page.split("</head>")[0]
    url = f"{SITEURL}/2015/11/21/mali-hunts-suspects-script-script-alert-1-script/"
    assert f'<link rel="canonical" href="{url}">' in head
    assert f'<meta property="og:url" content="{url}">' in head
    assert '<meta property="og:type" content="article">' in head and 'name="twitter:card"' in head
    assert 'rel="icon"' in head and "feeds/all.rss.xml" in head
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(scripts) == 1 and page.count("<script") == 1  # the hostile headline opened no script
    data = json.loads(scripts[0])
    assert data["@type"] == "NewsArticle" and data["headline"].endswith("</script><script>alert(1)</script>")
    assert data["description"] == "Officials said </script> more suspects are at large."
    assert data["datePublished"] == "2015-11-21T17:01:00-05:00" and data["dateModified"] == "2015-11-22T09:00:00-05:00"
    assert data["author"] == [{"@type": "Person", "name": "Jane Doe"}] and data["isBasedOn"] == "https://news.example/mali"
    assert data["url"] == url and data["publisher"]["name"] == "The Daily Digest"


def test_story_page_details(site):
    fixture_site(site)
    page = site.page("2015/11/21/mali-hunts-suspects-script-script-alert-1-script/")
    assert 'datetime="2015-11-21T17:01:00-05:00"' in page and "Updated" in page and "min read" in page
    assert "Photo: Joe Penney/Reuters" in page and "Reuters contributed to this report." in page
    assert 'class="curator-note"' in page and 'rel="next" href="/2015/11/22/bamako-curfew/"' in page.replace(SITEURL, "")
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
    assert urls[f"{SITEURL}/2015/11/21/mali-hunts-suspects-script-script-alert-1-script/"] == "2015-11-22T09:00:00-05:00"
    assert f"{SITEURL}/tags/mali/page/2/" in urls and f"{SITEURL}/archives/2015/10/" in urls
    news = ElementTree.parse(site.output / "news-sitemap.xml").getroot()
    titles = [e.findtext("n:news/n:title", namespaces=NS) for e in news]
    assert titles == ["Bamako curfew", "Mali hunts suspects </script><script>alert(1)</script>"]  # not October's
    robots = (site.output / "robots.txt").read_text()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def test_archives_and_404(site):
    fixture_site(site)
    archive = site.page("archives/")
    assert archive.index("November 2015") < archive.index("October 2015")
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
        site.add_article(f"story-{month}-{day}", title=f"Story of {day}.{month}.",
                         date=f"2015-{month:02d}-{day:02d}T10:00:00Z")
    site.build()
    november = site.page("archives/2015/11/")
    shown = re.findall(r"Story of (\d+\.\d+)\.", november)
    assert list(dict.fromkeys(shown)) == ["30.11", "15.11", "1.11"]
    assert list(dict.fromkeys(re.findall(r"Story of (\d+\.\d+)\.", site.page("archives/2015/10/")))) == ["28.10", "3.10"]


def test_a_story_in_another_language_is_published_like_any_other(site):
    site.add_article("paris", title="La grève continue à Paris", lang="fr", tags=["Paris"], section="Monde",
                     date="2015-11-21T09:00:00+01:00", body="Les syndicats appellent à une nouvelle journée.")
    site.add_article("london", title="London strike goes on", tags=["Paris"], date="2015-11-21T10:00:00Z")
    site.build(SEARCH_ENABLED=False)
    story = site.page("2015/11/21/la-greve-continue-a-paris/")
    assert "Les syndicats appellent" in story
    assert "la-greve-continue-a-paris" in site.page("tags/paris/")
    assert "la-greve-continue-a-paris" in (site.output / "feeds/all.atom.xml").read_text(encoding="utf-8")
