"""`newsdigest bench site`: Lighthouse scores (performance, accessibility, best practices, SEO,
mobile preset) for the front page, a story with an image, a tag page and an edition page of
the sample digest (newsdigest_bench.sample_site), served on 127.0.0.1 and loaded in Debian's
Chromium. Lighthouse comes from the npm registry through npx, pinned here."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from newsdigest.build.run import build
from newsdigest.serve.server import SiteServer
from newsdigest_bench import project_root
from newsdigest_bench.sample_site import write_sample_site

describe = "Lighthouse scores of the front page, a story, a tag and an edition of the sample digest"
PROJECT = project_root()
LIGHTHOUSE = "lighthouse@13.5.0"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--chrome",
        default=shutil.which("chromium") or "/usr/bin/chromium",
        help="the Chromium to drive (default: %(default)s)",
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def _serve(folder: Path) -> SiteServer:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = SiteServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _scores(url: str, chrome: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            [
                "npx",
                "--yes",
                LIGHTHOUSE,
                url,
                "--quiet",
                "--output=json",
                f"--output-path={report}",
                f"--chrome-flags={CHROME_FLAGS}",
                f"--only-categories={','.join(CATEGORIES)}",
            ],
            env={**os.environ, "CHROME_PATH": chrome},
            capture_output=True,
            timeout=600,
            check=True,
        )
        categories = json.loads(report.read_text())["categories"]
    return {name: categories[name]["score"] for name in CATEGORIES}


def pages_to_score(output: Path) -> dict[str, str]:
    """The pages Lighthouse loads: front page, the first story with a lead image, the most
    covered tag, the latest edition (site paths)."""
    story = next(
        page
        for page in sorted(output.glob("20*/*/*/*/index.html"))
        if 'class="lead-figure"' in page.read_text(encoding="utf-8")
    )
    tags = (output / "tags/index.html").read_text(encoding="utf-8")
    top_term = re.search(r'class="top-terms".*?href="[^"]*?/(tags/[^"]+/)"', tags, re.S)
    if top_term is None:
        raise RuntimeError(f"bench: {output / 'tags/index.html'} lists no top terms")
    tag = top_term.group(1)
    edition = sorted(path.name for path in (output / "editions").iterdir() if path.is_dir())[-1]
    return {
        "front page": "/",
        "story": "/" + story.parent.relative_to(output).as_posix() + "/",
        "tag page": "/" + tag,
        "edition": f"/editions/{edition}/",
    }


def run(args) -> int:
    chrome = getattr(args, "chrome", shutil.which("chromium") or "/usr/bin/chromium")
    if not Path(chrome).exists() or shutil.which("npx") is None:
        print("bench site: needs Debian's chromium and npx (npm); skipped")
        return 0
    work = PROJECT / ".cache" / "bench-site"
    shutil.rmtree(work, ignore_errors=True)
    content, output = work / "content", work / "output"
    try:
        write_sample_site(content)
    except FileNotFoundError as error:
        print(f"bench site: {error}; skipped")
        return 0
    output.mkdir(parents=True)
    server = _serve(output)  # serve first: the site is built for the address it is served at
    siteurl = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        build(
            PROJECT / "pelicanconf.py",
            content=content,
            output=output,
            record_addresses=False,
            overrides={"SITEURL": siteurl, "RELATIVE_URLS": False, "CACHE_PATH": str(work / "cache")},
        )
        print(f"bench site: Lighthouse ({LIGHTHOUSE}, mobile) in {chrome}")
        for name, path in pages_to_score(output).items():
            scores = _scores(siteurl + path, chrome)
            print(
                f"  {name:<10} "
                + "   ".join(f"{category} {round(score * 100):>3}" for category, score in scores.items())
            )
    finally:
        server.shutdown()
    return 0
