"""What the benchmarks stand on: the checkout they read (project_root) and the bench extra's packages."""

import subprocess
import sys

from newsdigest.cli.bench import MISSING_EXTRA

from conftest import ROOT


def python(code: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_project_root_is_the_current_checkout_else_the_one_beside_the_package(tmp_path):
    where = "import newsdigest_bench; print(newsdigest_bench.project_root())"
    assert python(where, tmp_path).stdout.strip() == str(ROOT)

    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "content").mkdir()
    assert python(where, tmp_path).stdout.strip() == str(tmp_path.resolve())


def test_bench_without_the_bench_extra_says_how_to_install_it_in_one_line():
    for words in (["bench"], ["bench", "build", "--articles", "3"]):
        # None in sys.modules makes `import psutil` fail as if it were not installed.
        result = python(
            f"import sys; sys.modules['psutil'] = None; from newsdigest.cli import main; sys.exit(main({words!r}))",
            ROOT,
        )
        assert result.returncode == 1
        assert result.stderr == MISSING_EXTRA + "\n"
        assert result.stdout == ""


def test_commands_but_bench_never_load_the_benchmarks():
    """`newsdigest --version`, `--help` or `build` answer at once: the benchmarks (half the
    project and the bench extra, seconds to import) load for `newsdigest bench` alone."""
    check = (
        "import sys; from newsdigest.cli import main; main({words!r}); "
        "print(sorted(name for name in sys.modules if name.startswith('newsdigest_bench')))"
    )
    for words in (["--version"], ["--help"], ["build", "--help"], []):
        assert python(check.format(words=words), ROOT).stdout.splitlines()[-1] == "[]", words
    assert "'newsdigest_bench.related'" in python(check.format(words=["bench", "--help"]), ROOT).stdout
