"""`newsdigest bench build`: our full build (A) against plain Pelican 4.12 (B), and Hugo (C)
where it is installed, on one corpus.

Runs alternate A, B, C, A, B, C … in one invocation so all see the same machine load,
and reports medians, the A/B and A/C ratios, peak memory of each whole process tree, A's
time into an empty output folder with the cache kept, A's rebuild time after one
article's body is edited, and after a note is added to another's front matter, and how
long `newsdigest serve` takes to put a body edit and a note edit on disk.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from newsdigest.build import generations
from newsdigest.content import frontmatter, site_addresses
from newsdigest.site.addresses import record as addresses
from newsdigest_bench import corpus, hugo_site, project_root, serve_latency

describe = "time a full newsdigest build against plain Pelican on a synthetic corpus"
PROJECT = project_root()
BIN = Path(sys.executable).parent
DEFAULT_WORK = PROJECT / ".cache" / "bench-build"
RUN_MARK = "ours.py"  # the settings every run writes first: what tells an earlier run's folder
SERVE_BODY_EDIT = "A sentence added while serving."
SERVE_NOTE = "A note added while serving."


def add_arguments(parser) -> None:
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs of each build (default: %(default)s)")
    parser.add_argument("--skip-pelican", action="store_true", help="time only our build (and Hugo's)")
    parser.add_argument("--skip-hugo", action="store_true", help="leave Hugo out even where it is installed")
    parser.add_argument(
        "--growth", action="store_true", help="also time one cold build of twice as many articles (how A's time grows)"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=DEFAULT_WORK,
        help="folder for the corpus, builds and caches: a new or empty one, or an earlier "
        "run's, which is emptied first (default: %(default)s)",
    )


def _proportional_memory(process: psutil.Process) -> int:
    """PSS: pages forked workers share with their parent count once, not once per process.
    Read from smaps_rollup, which is cheap; psutil's full smaps walk would itself slow the build."""
    try:
        with open(f"/proc/{process.pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return process.memory_info().rss


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_bytes: int


def measure(command: list[str], cwd: Path) -> Run:
    """Wall time and peak memory (proportional set size) of `command` and all its child processes."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        root = psutil.Process(process.pid)
        while not done.is_set():
            try:
                members = [root, *root.children(recursive=True)]
                peak = max(peak, sum(_proportional_memory(member) for member in members))
            except psutil.Error:
                pass
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({process.returncode}): {stderr.decode(errors='replace')[-2000:]}")
    return Run(elapsed, peak)


def _write_settings(work: Path) -> tuple[Path, Path]:
    ours = work / "ours.py"
    # The site as it is built for a web server (publishconf: absolute links, as B and Hugo make
    # them), not the preview for file:// that rewrites every link of every page.
    ours.write_text(
        textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(PROJECT)!r})
        from publishconf import *
        THEME = {str(PROJECT / "theme")!r}
        CACHE_PATH = {str(work / "cache" / "pelican")!r}
        SITEURL = "https://bench.example"
        """)
    )
    plain = work / "plain.py"
    plain.write_text(
        textwrap.dedent("""\
        SITENAME = "Bench"
        SITEURL = "https://bench.example"
        TIMEZONE = "UTC"
        FEED_DOMAIN = SITEURL
        """)
    )
    return ours, plain


def _report(name: str, runs: list[Run]) -> tuple[float, float]:
    seconds = statistics.median(run.seconds for run in runs)
    peak = statistics.median(run.peak_bytes for run in runs)
    print(
        f"  {name:<34} median {seconds:8.2f} s   peak {peak / 2**20:8.0f} MiB   "
        f"(runs: {', '.join(f'{run.seconds:.2f}' for run in runs)})"
    )
    return seconds, peak


def _project_commit() -> str:
    """The commit the figures were measured at, "-dirty" when the checkout has changes."""
    try:
        answer = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=PROJECT, capture_output=True, text=True, timeout=60
        )
    except OSError:
        return "unknown"
    return answer.stdout.strip() or "unknown"


def _story_page(content: Path, output: Path, article: corpus.GeneratedArticle) -> tuple[str, Path]:
    """The story's address and its page's file, from the record of addresses the build kept."""
    record = addresses.read_record((content / "addresses.yml").read_text(encoding="utf-8"))
    address = next(address for address, story in record.items() if story == article.relative_path)
    return address, output / site_addresses.save_as(address)


def _serve_latencies(
    command: list[str], content: Path, output: Path, article: corpus.GeneratedArticle
) -> dict[str, serve_latency.EditLatency]:
    """serve's latency for a body edit, then a note added, to `article` (on an up-to-date site)."""
    address, page = _story_page(content, output, article)
    source = content / article.relative_path
    body = f"{article.body}\n\n{SERVE_BODY_EDIT}\n"
    with serve_latency.serving(command, PROJECT) as session:
        session.wait_until_serving(address, timeout=3600)
        return {
            "body edit": session.time_edit(
                source, frontmatter.dump(article.metadata, body), page, SERVE_BODY_EDIT, timeout=600
            ),
            "note added": session.time_edit(
                source, frontmatter.dump({**article.metadata, "note": SERVE_NOTE}, body), page, SERVE_NOTE, timeout=600
            ),
        }


@dataclass(frozen=True)
class _Commands:
    """The builds one bench run times, in its work folder: ours (A), plain Pelican's (B), and
    Hugo's (C) when `hugo`, the program, told its version."""

    work: Path
    ours_settings: Path
    plain_settings: Path
    hugo: str | None

    @property
    def hugo_paths(self) -> tuple[Path, Path, Path]:
        return (self.work / "hugo-site", self.work / "out-hugo", self.work / "cache" / "hugo")

    def ours(self, content: str = "content-ours", output: str = "out-ours", command: str = "build") -> list[str]:
        return [
            str(BIN / "newsdigest"),
            command,
            "--settings",
            str(self.ours_settings),
            "--content",
            str(self.work / content),
            "--output",
            str(self.work / output),
        ]

    def plain(self) -> list[str]:
        return [
            str(BIN / "pelican"),
            str(self.work / "content-plain"),
            "-s",
            str(self.plain_settings),
            "-o",
            str(self.work / "out-plain"),
            "-q",
        ]


@dataclass(frozen=True)
class _Figures:
    """What one bench run measured: the cold runs of each build, then ours again."""

    ours: list[Run]
    plain: list[Run]  # none with --skip-pelican
    hugo: list[Run]  # none without Hugo
    warm: Run  # into an empty output folder, the cache kept
    unchanged: Run  # again, nothing changed
    rebuild: Run  # after one story's body is edited
    rebuild_note: Run  # after a note is added to another's front matter
    serve_edits: dict[str, serve_latency.EditLatency]
    doubled: Run | None  # cold, twice as many articles (--growth)


def run(args) -> int:
    count = getattr(args, "articles", 10_000)
    repeat = getattr(args, "repeat", 3)
    work = Path(getattr(args, "work", DEFAULT_WORK)).resolve()
    if work.is_dir() and any(work.iterdir()) and not (work / RUN_MARK).is_file():
        print(
            f"bench build: {work} holds files this benchmark did not make; give a new or empty folder", file=sys.stderr
        )
        return 2
    skip_hugo = getattr(args, "skip_hugo", False)
    hugo = None if skip_hugo else shutil.which("hugo")
    hugo_version = hugo_site.hugo_version(hugo) if hugo else None
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    commands = _Commands(work, *_write_settings(work), hugo=hugo if hugo_version else None)
    print(
        f"bench build: {count} articles, {repeat} cold run(s) each, alternating; "
        f"newsdigest at {_project_commit()}; {_hugo_column(hugo, hugo_version, skip_hugo)}"
    )
    stories = corpus.read_bbc()
    tagger = corpus.ingest_tagger(stories)
    articles = corpus.generate(count, stories, tagger=tagger)
    corpus.write_front_matter_corpus(articles, work / "content-ours")
    corpus.write_pelican_corpus(articles, work / "content-plain")
    if commands.hugo:
        hugo_site.write_site(articles, commands.hugo_paths[0])

    ours_runs, plain_runs, hugo_runs = _cold_runs(commands, repeat, getattr(args, "skip_pelican", False))
    warm, unchanged, rebuild, rebuild_note = _rebuilds(commands, articles, count)
    serve_edits = _serve_latencies(
        commands.ours(command="serve"), work / "content-ours", work / "out-ours", articles[count // 5]
    )

    doubled = None
    if getattr(args, "growth", False):
        corpus.write_front_matter_corpus(corpus.generate(2 * count, stories, tagger=tagger), work / "content-double")
        shutil.rmtree(work / "cache", ignore_errors=True)
        doubled = measure(commands.ours("content-double", "out-double"), PROJECT)

    figures = _Figures(ours_runs, plain_runs, hugo_runs, warm, unchanged, rebuild, rebuild_note, serve_edits, doubled)
    _print_figures(figures, count, hugo_version)
    return 0


def _hugo_column(hugo: str | None, hugo_version: str | None, skip_hugo: bool) -> str:
    """What the report says of Hugo's column."""
    if hugo_version:
        return f"Hugo {hugo_version}"
    if skip_hugo:
        return "no Hugo column (--skip-hugo)"
    return f"no Hugo column ({f'{hugo} did not tell its version' if hugo else 'hugo is not installed'})"


def _cold_runs(commands: _Commands, repeat: int, skip_pelican: bool) -> tuple[list[Run], list[Run], list[Run]]:
    """`repeat` cold runs of each build, alternating, without the cache and output of the last."""
    ours_runs, plain_runs, hugo_runs = [], [], []
    for _ in range(repeat):
        shutil.rmtree(commands.work / "cache", ignore_errors=True)
        generations.remove_site(commands.work / "out-ours")
        ours_runs.append(measure(commands.ours(), PROJECT))
        if not skip_pelican:
            shutil.rmtree(commands.work / "out-plain", ignore_errors=True)
            plain_runs.append(measure(commands.plain(), PROJECT))
        if commands.hugo:
            hugo_site.clear_build(*commands.hugo_paths)
            hugo_runs.append(measure(hugo_site.build_command(commands.hugo, *commands.hugo_paths), PROJECT))
    return ours_runs, plain_runs, hugo_runs


def _rebuilds(commands: _Commands, articles: list[corpus.GeneratedArticle], count: int) -> tuple[Run, Run, Run, Run]:
    """Our build into an empty output folder with the cache kept, then again with nothing
    changed, then after a story's body is edited, then after a note is added to another's
    front matter."""
    work = commands.work
    generations.remove_site(work / "out-ours")  # a fresh clone or CI job that kept .cache/ from the last build
    warm = measure(commands.ours(), PROJECT)
    unchanged = measure(commands.ours(), PROJECT)

    edited = work / "content-ours" / articles[count // 2].relative_path
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nOne more sentence, added by the benchmark.\n", encoding="utf-8"
    )
    rebuild = measure(commands.ours(), PROJECT)

    # A curator's usual edit is to front matter (a note, a tag), which lists of stories may show.
    annotated = articles[count // 3]
    (work / "content-ours" / annotated.relative_path).write_text(
        frontmatter.dump({**annotated.metadata, "note": "Added by the benchmark."}, annotated.body), encoding="utf-8"
    )
    return warm, unchanged, rebuild, measure(commands.ours(), PROJECT)


def _print_figures(figures: _Figures, count: int, hugo_version: str | None) -> None:
    a_seconds, a_peak = _report("A: newsdigest, cold", figures.ours)
    warm, rebuild, rebuild_note, doubled = figures.warm, figures.rebuild, figures.rebuild_note, figures.doubled
    print(
        f"  {'A: empty output, warm .cache':<34}        {warm.seconds:8.2f} s   peak {warm.peak_bytes / 2**20:8.0f} MiB"
    )
    print(
        f"  {'A: build again, nothing changed':<34}        {figures.unchanged.seconds:8.2f} s   "
        f"peak {figures.unchanged.peak_bytes / 2**20:8.0f} MiB"
    )
    print(
        f"  {'A: rebuild after one edit':<34}        {rebuild.seconds:8.2f} s   "
        f"peak {rebuild.peak_bytes / 2**20:8.0f} MiB"
    )
    print(
        f"  {'A: rebuild after a note is added':<34}        {rebuild_note.seconds:8.2f} s   "
        f"peak {rebuild_note.peak_bytes / 2**20:8.0f} MiB"
    )
    for edit, latency in figures.serve_edits.items():
        print(
            f"  {f'A: serve, {edit}, page on disk':<34}        {latency.on_disk:8.2f} s   "
            f"serve reported done {latency.reported:.2f} s"
        )
    if figures.plain:
        b_seconds, _ = _report("B: plain Pelican 4.12, cold", figures.plain)
        print(
            f"  A/B cold ratio: {a_seconds / b_seconds:.3f}   empty output, warm .cache / B: "
            f"{warm.seconds / b_seconds:.3f}   rebuild / B cold: {rebuild.seconds / b_seconds:.4f}   "
            f"note rebuild / B cold: {rebuild_note.seconds / b_seconds:.4f}"
        )
    if figures.hugo:
        c_seconds, _ = _report(f"C: Hugo {hugo_version}, cold", figures.hugo)
        print(f"  A/C (Hugo) cold ratio: {a_seconds / c_seconds:.3f}")
    if doubled is not None:
        print(
            f"  {f'A: cold, {2 * count} articles':<34}        {doubled.seconds:8.2f} s   "
            f"peak {doubled.peak_bytes / 2**20:8.0f} MiB   growth x2: {doubled.seconds / a_seconds:.2f}"
        )
    print(f"  A peak memory: {a_peak / 2**30:.2f} GiB ({a_peak / 1e9:.2f} GB)")
