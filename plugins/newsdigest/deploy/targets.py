"""Deploying a built site: to a folder on this machine or to a server with rsync, or to the
`gh-pages` branch of the project's git repository with ghp-import (as Pelican's own tasks do).

rsync compares files by checksum and deletes what the site no longer has, so only what changed
moves; it copies what the output link points to (its trailing slash), with the files' modes,
which are the umask's (newsdigest.build.file_modes). Plain functions, no Pelican.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

GH_PAGES = "gh-pages"
# rsync's own rule: a colon before any slash names a remote host ("user@host:path", "host:path").
_REMOTE = re.compile(r"^(?:rsync://|[^/]+:)")
_STAT = re.compile(r"^Number of (regular files transferred|deleted files): ([\d,.]+)", re.MULTILINE)


class DeployError(Exception):
    """A deploy that cannot be done; the message says why, in one line."""


@dataclass(frozen=True)
class Target:
    kind: str  # "folder", "server" or "gh-pages"
    where: str

    def __str__(self) -> str:
        return self.where


@dataclass(frozen=True)
class Deployed:
    sent: int | None  # files sent, when the tool says
    deleted: int | None
    detail: str = ""


def target(text: str) -> Target:
    if text == GH_PAGES:
        return Target(GH_PAGES, GH_PAGES)
    if _REMOTE.match(text):
        return Target("server", text)
    return Target("folder", text)


def check_folder(folder: Path, project: Path, own: list[Path]) -> None:
    """Refuse a local folder that rsync --delete must not empty: the project or a folder above it,
    one of the project's own folders (`own`: content, output, cache) or a folder in them, or a
    folder that holds anything but a site."""
    resolved = folder.resolve()
    for kept in [project, *own]:
        kept = kept.resolve()
        if kept.is_relative_to(resolved) or (kept != project.resolve() and resolved.is_relative_to(kept)):
            raise DeployError(f"{folder}: is, holds or is inside {kept}; deploy to a folder of its own")
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / "index.html").is_file():
        raise DeployError(f"{folder}: holds files but no site (no index.html); rsync --delete would remove them")


def rsync(site: Path, destination: str) -> Deployed:
    """Mirror `site` to `destination` (a folder, or host:path) with rsync."""
    if shutil.which("rsync") is None:
        raise DeployError("rsync is not installed (apt-get install rsync)")
    command = [
        "rsync",
        "--recursive",
        "--links",
        "--perms",
        "--times",
        "--checksum",
        "--delete",
        "--stats",
        f"{site}/",
        destination if destination.endswith("/") else destination + "/",
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise DeployError(f"rsync failed (exit {result.returncode}): {lines[-1] if lines else ''}")
    counts = {name: int(re.sub(r"[,.]", "", value)) for name, value in _STAT.findall(result.stdout)}
    return Deployed(counts.get("regular files transferred"), counts.get("deleted files"))


def _git(*args: str, repository: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repository), *args], capture_output=True, text=True)


def gh_pages(site: Path, siteurl: str, repository: Path, push: bool, message: str) -> Deployed:
    """Commit `site` as the whole of the gh-pages branch of `repository` (with .nojekyll, and
    CNAME for an address of its own), and push it to `origin` when asked and there is one."""
    from ghp_import import GhpError, ghp_import

    if shutil.which("git") is None:
        raise DeployError("git is not installed (apt-get install git)")
    if _git("rev-parse", "--git-dir", repository=repository).returncode != 0:
        raise DeployError(f"{repository}: not a git repository; gh-pages deploys into the project's repository")
    before = _git("rev-parse", "--verify", "--quiet", f"refs/heads/{GH_PAGES}", repository=repository).stdout.strip()
    pushing = push and _git("remote", "get-url", "origin", repository=repository).returncode == 0
    host = urlsplit(siteurl).hostname or ""
    working = os.getcwd()
    os.chdir(repository)  # ghp-import runs git in the working folder
    try:
        ghp_import(
            str(site),
            mesg=message,
            branch=GH_PAGES,
            nojekyll=True,
            push=pushing,
            cname=None if host.endswith(".github.io") else host,
        )
    except (GhpError, subprocess.CalledProcessError) as error:
        raise DeployError(f"ghp-import failed: {error}") from error
    finally:
        os.chdir(working)
    after = _git("rev-parse", "--verify", "--quiet", f"refs/heads/{GH_PAGES}", repository=repository).stdout.strip()
    if not after or after == before:
        raise DeployError(f"ghp-import made no commit on {GH_PAGES} (see git's message above)")
    where = "pushed to origin" if pushing else "not pushed (no origin)" if push else "not pushed"
    return Deployed(None, None, f"commit {after[:12]} on {GH_PAGES}, {where}")
