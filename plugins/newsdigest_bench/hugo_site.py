"""The bench corpus as a Hugo site, for `newsdigest bench build`'s third column.

A helper, not a benchmark: it defines no `run`. The site has the page kinds a digest has: a page
per story at /YYYY/MM/DD/<slug>/, tag, section and source pages listing 20 stories a page, their
indexes, and an RSS feed (full text, 50 entries, as our feeds) for the site and for each term.
The theme is this module's own few templates. The page size (20) and feed length (50) are
written in the templates, not in settings, whose names differ between Hugo versions.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from newsdigest.content import frontmatter
from newsdigest_bench.corpus import GeneratedArticle

CONFIG = """\
baseURL = "https://bench.example/"
title = "Bench"
languageCode = "en"

[taxonomies]
tag = "tags"
section = "sections"
source = "sources"

[permalinks]
articles = "/:year/:month/:day/:slug/"

[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML", "RSS"]
"""

BASE = """\
<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ .Site.Title }}</title>
{{ with .OutputFormats.Get "RSS" }}
<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">
{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="standfirst">{{ .Summary }}</p>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ range $taxonomy, $_ := .Site.Taxonomies }}
<ul class="{{ $taxonomy }}">
{{ range $.GetTerms $taxonomy }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
</ul>
{{ end }}
{{ .Content }}
</article>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $stories := .Pages }}{{ if .IsHome }}{{ $stories = .Site.RegularPages }}{{ end }}
{{ $pager := .Paginate $stories.ByDate.Reverse 20 }}
<ol>
{{ range $pager.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "January 2, 2006" }}</time>
<p>{{ .Summary }}</p></li>
{{ end }}
</ol>
<nav>
{{ if $pager.HasPrev }}<a rel="prev" href="{{ $pager.Prev.URL }}">Newer</a>{{ end }}
{{ if $pager.HasNext }}<a rel="next" href="{{ $pager.Next.URL }}">Older</a>{{ end }}
</nav>
{{ end }}
"""

TERMS = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
"""

# Hugo's template engine escapes for HTML: the XML declaration and the date are marked safe, and
# printf turns the rendered story into a plain string, which it then escapes as text.
RSS = """\
{{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<rss version="2.0">
<channel>
<title>{{ if not .IsHome }}{{ .Title }} | {{ end }}{{ .Site.Title }}</title>
<link>{{ .Permalink }}</link>
<description>{{ .Site.Title }}</description>
{{ $stories := .Pages }}{{ if .IsHome }}{{ $stories = .Site.RegularPages }}{{ end }}
{{ range first 50 $stories.ByDate.Reverse }}
<item>
<title>{{ .Title }}</title>
<link>{{ .Permalink }}</link>
<guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<description>{{ printf "%s" .Content }}</description>
</item>
{{ end }}
</channel>
</rss>
"""

LAYOUTS = {
    "_default/baseof.html": BASE,
    "_default/single.html": SINGLE,
    "_default/list.html": LIST,
    "_default/terms.html": TERMS,
    "_default/rss.xml": RSS,
}


def hugo_version(executable: str) -> str | None:
    """Hugo's version ("0.111.3"), or None when it does not answer."""
    try:
        answer = subprocess.run([executable, "version"], capture_output=True, text=True, timeout=60).stdout
    except OSError:
        return None
    found = re.search(r"v(\d+\.\d+\.\d+)", answer)
    return found.group(1) if found else None


def front_matter(article: GeneratedArticle) -> dict:
    """Our story's front matter, in the names Hugo reads."""
    meta = article.metadata
    return {
        "title": meta["title"],
        "date": meta["date"],
        "slug": Path(article.relative_path).stem,  # as the plain Pelican corpus: unique, like our addresses
        "summary": meta["subtitle"],
        "tags": list(meta["tags"]),
        "sections": [meta["section"]],
        "sources": [meta["source"]],
    }


def write_site(articles: list[GeneratedArticle], site: Path) -> None:
    """A Hugo site in `site` (which must not exist yet): settings, theme and one file per story."""
    site.mkdir(parents=True)
    (site / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, template in LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template, encoding="utf-8")
    for article in articles:
        path = site / "content" / article.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(frontmatter.dump(front_matter(article), article.body), encoding="utf-8")


def build_command(executable: str, site: Path, output: Path, cache: Path) -> list[str]:
    return [executable, "--quiet", "-s", str(site), "-d", str(output), "--cacheDir", str(cache)]


def clear_build(site: Path, output: Path, cache: Path) -> None:
    """What a Hugo build leaves, so that the next one is cold."""
    for folder in (output, cache, site / "resources"):
        shutil.rmtree(folder, ignore_errors=True)
