"""`newsdigest bench build`: our full build (A) against plain Pelican 4.12 (B) on one corpus.

Runs alternate A, B, A, B … in one invocation so both see the same machine load,
and reports medians, the A/B ratio, peak memory of each whole process tree, A's
time into an empty output folder with the cache kept, and A's rebuild time after
one article's body is edited, and after a note is added to another's front matter.
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

from newsdigest import frontmatter, publish
from newsdigest.bench import corpus

describe = "time a full newsdigest build against plain Pelican on a synthetic corpus"
PROJECT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
DEFAULT_WORK = PROJECT / ".cache" / "bench-build"
RUN_MARK = "ours.py"  # the settings every run writes first: what tells an earlier run's folder


def add_arguments(parser) -> None:
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs of each build (default: %(default)s)")
    parser.add_argument("--skip-pelican", action="store_true", help="time only our build")
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
    ours.write_text(
        textwrap.dedent(f"""\
        import sys
        sys.path.insert(0, {str(PROJECT)!r})
        from pelicanconf import *
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


def run(args) -> int:
    count = getattr(args, "articles", 10_000)
    repeat = getattr(args, "repeat", 3)
    skip_pelican = getattr(args, "skip_pelican", False)
    growth = getattr(args, "growth", False)
    work = Path(getattr(args, "work", DEFAULT_WORK)).resolve()
    if work.is_dir() and any(work.iterdir()) and not (work / RUN_MARK).is_file():
        print(
            f"bench build: {work} holds files this benchmark did not make; give a new or empty folder", file=sys.stderr
        )
        return 2
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ours_settings, plain_settings = _write_settings(work)
    print(f"bench build: {count} articles, {repeat} cold run(s) each, alternating")
    stories = corpus.read_bbc()
    tagger = corpus.ingest_tagger(stories)
    articles = corpus.generate(count, stories, tagger=tagger)
    corpus.write_front_matter_corpus(articles, work / "content-ours")
    corpus.write_pelican_corpus(articles, work / "content-plain")

    def ours_command(content: str = "content-ours", output: str = "out-ours") -> list[str]:
        return [
            str(BIN / "newsdigest"),
            "build",
            "--settings",
            str(ours_settings),
            "--content",
            str(work / content),
            "--output",
            str(work / output),
        ]

    plain_command = [
        str(BIN / "pelican"),
        str(work / "content-plain"),
        "-s",
        str(plain_settings),
        "-o",
        str(work / "out-plain"),
        "-q",
    ]

    ours_runs, plain_runs = [], []
    for _ in range(repeat):
        shutil.rmtree(work / "cache", ignore_errors=True)
        publish.remove_site(work / "out-ours")
        ours_runs.append(measure(ours_command(), PROJECT))
        if not skip_pelican:
            shutil.rmtree(work / "out-plain", ignore_errors=True)
            plain_runs.append(measure(plain_command, PROJECT))

    publish.remove_site(work / "out-ours")  # a fresh clone or CI job that kept .cache/ from the last build
    warm = measure(ours_command(), PROJECT)

    edited = work / "content-ours" / articles[count // 2].relative_path
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nOne more sentence, added by the benchmark.\n", encoding="utf-8"
    )
    rebuild = measure(ours_command(), PROJECT)

    # A curator's usual edit is to front matter (a note, a tag), which lists of stories may show.
    annotated = articles[count // 3]
    (work / "content-ours" / annotated.relative_path).write_text(
        frontmatter.dump({**annotated.metadata, "note": "Added by the benchmark."}, annotated.body), encoding="utf-8"
    )
    rebuild_note = measure(ours_command(), PROJECT)

    doubled = None
    if growth:
        corpus.write_front_matter_corpus(corpus.generate(2 * count, stories, tagger=tagger), work / "content-double")
        shutil.rmtree(work / "cache", ignore_errors=True)
        doubled = measure(ours_command("content-double", "out-double"), PROJECT)

    a_seconds, a_peak = _report("A: newsdigest, cold", ours_runs)
    print(
        f"  {'A: empty output, warm .cache':<34}        {warm.seconds:8.2f} s   peak {warm.peak_bytes / 2**20:8.0f} MiB"
    )
    print(
        f"  {'A: rebuild after one edit':<34}        {rebuild.seconds:8.2f} s   "
        f"peak {rebuild.peak_bytes / 2**20:8.0f} MiB"
    )
    print(
        f"  {'A: rebuild after a note is added':<34}        {rebuild_note.seconds:8.2f} s   "
        f"peak {rebuild_note.peak_bytes / 2**20:8.0f} MiB"
    )
    if plain_runs:
        b_seconds, _ = _report("B: plain Pelican 4.12, cold", plain_runs)
        print(
            f"  A/B cold ratio: {a_seconds / b_seconds:.3f}   empty output, warm .cache / B: "
            f"{warm.seconds / b_seconds:.3f}   rebuild / B cold: {rebuild.seconds / b_seconds:.4f}   "
            f"note rebuild / B cold: {rebuild_note.seconds / b_seconds:.4f}"
        )
    if doubled is not None:
        print(
            f"  {f'A: cold, {2 * count} articles':<34}        {doubled.seconds:8.2f} s   "
            f"peak {doubled.peak_bytes / 2**20:8.0f} MiB   growth x2: {doubled.seconds / a_seconds:.2f}"
        )
    print(f"  A peak memory: {a_peak / 2**30:.2f} GiB ({a_peak / 1e9:.2f} GB)")
    return 0
