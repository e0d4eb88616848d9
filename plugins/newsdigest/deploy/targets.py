"""Deploying a built site: to a folder on this machine or to a server with rsync, or to the
`gh-pages` branch of the project's git repository with ghp-import (as Pelican's own tasks do).

rsync compares files by checksum, so only what changed moves; it copies what the output link
points to (its trailing slash), with the files' modes, which are the umask's
(newsdigest.build.file_modes). It never writes into the deployed folder: it fills a staging
folder beside it (`<folder>.newsdigest-staging`, every unchanged file a hard link to the
deployed one: rsync's --link-dest), which then takes the folder's place, so the folder is
always the old site or the new one, whole. On this machine the two are exchanged in one step
(Linux renameat2); elsewhere, and on a server (one ssh command after rsync), the old folder is
renamed away and the new one in, leaving an instant between the two renames when the path
names nothing (a real folder cannot be replaced by another in one rename(2) without the
exchange). Plain functions, no Pelican.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsdigest.build import stop_points
from newsdigest.build.generations import exchange as exchange_paths, remove_tree
from newsdigest.workers import dying_with_parent

GH_PAGES = "gh-pages"
# rsync's own rule: a colon before any slash names a remote host ("user@host:path", "host:path").
_REMOTE = re.compile(r"^(?:rsync://|[^/]+:)")
STAGING_MARK = ".newsdigest-staging"  # beside the deployed folder: the new site while it is copied
OLD_MARK = ".newsdigest-old"  # beside it: the old site, while it is renamed away
# Where fault-injection tests stop a deploy (newsdigest.build.stop_points): rsync is copying into
# the staging folder; the new site is staged whole; it has taken the folder's place.
STOP_POINTS = ("deploy-copying", "deploy-staged", "deploy-swapped")
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


def _rsync_command(site: Path, staging: str, link_dest: str | None) -> list[str]:
    return [
        "rsync",
        "--recursive",
        "--links",
        "--perms",
        "--times",
        "--checksum",
        "--delete",
        "--stats",
        *([f"--link-dest={link_dest}"] if link_dest else []),
        f"{site}/",
        f"{staging}/",
    ]


def _run_rsync(command: list[str]) -> dict[str, int]:
    """Run rsync (killed with this process, never left writing), and read its counts."""
    if shutil.which("rsync") is None:
        raise DeployError("rsync is not installed (apt-get install rsync)")
    process = subprocess.Popen(dying_with_parent(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop_points.reached("deploy-copying")
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        lines = (stderr or stdout).strip().splitlines()
        raise DeployError(f"rsync failed (exit {process.returncode}): {lines[-1] if lines else ''}")
    return {name: int(re.sub(r"[,.]", "", value)) for name, value in _STAT.findall(stdout)}


def _file_names(folder: Path) -> set[str]:
    return {os.path.relpath(os.path.join(root, name), folder) for root, _, names in os.walk(folder) for name in names}


def rsync_to_folder(site: Path, folder: Path) -> Deployed:
    """Put a copy of `site` in place of `folder` on this machine: staged beside it, then swapped in."""
    folder = Path(os.path.abspath(folder))
    staging = folder.with_name(folder.name + STAGING_MARK)
    old = folder.with_name(folder.name + OLD_MARK)
    if not folder.exists() and old.is_dir():  # a run killed between its two renames: the last site
        os.rename(old, folder)
    remove_tree(staging)  # a killed run's, partly copied
    remove_tree(old)
    folder.parent.mkdir(parents=True, exist_ok=True)
    counts = _run_rsync(_rsync_command(site, str(staging), str(folder) if folder.is_dir() else None))
    stop_points.reached("deploy-staged")
    deleted = len(_file_names(folder) - _file_names(staging)) if folder.is_dir() else 0
    if not folder.exists():
        os.rename(staging, folder)
    elif exchange_paths(staging, folder):
        os.rename(staging, old)
    else:
        os.rename(folder, old)
        os.rename(staging, folder)
    stop_points.reached("deploy-swapped")
    remove_tree(old)
    return Deployed(counts.get("regular files transferred"), deleted)


def remote_swap_command(path: str) -> str:
    """The shell command, run on the server, that puts `path`'s staging folder in its place."""
    path = path.rstrip("/") or "/"
    staging, old = shlex.quote(path + STAGING_MARK), shlex.quote(path + OLD_MARK)
    folder = shlex.quote(path)
    return (
        f"set -e; if [ ! -e {folder} ] && [ -d {old} ]; then mv -T {old} {folder}; fi; rm -rf {old}; "
        f"if [ -e {folder} ]; then mv -T {folder} {old}; fi; mv -T {staging} {folder}; rm -rf {old}"
    )


def rsync_to_server(site: Path, destination: str) -> Deployed:
    """The same on a server (host:path): rsync into the staging folder beside path (what a killed
    run left there is brought up to date, not copied again), then one ssh command swaps it in."""
    host, _, path = destination.partition(":")
    if destination.startswith("rsync://") or not path.strip("/"):
        raise DeployError(f"{destination}: give a folder over ssh, host:/path/to/site, to deploy into")
    path = path.rstrip("/")
    name = path.rsplit("/", 1)[-1]
    counts = _run_rsync(_rsync_command(site, f"{host}:{path}{STAGING_MARK}", f"../{name}"))
    stop_points.reached("deploy-staged")
    remote_shell = shlex.split(os.environ.get("RSYNC_RSH") or "ssh")
    swap = subprocess.run(
        dying_with_parent([*remote_shell, host, remote_swap_command(path)]), capture_output=True, text=True
    )
    if swap.returncode != 0:
        lines = (swap.stderr or swap.stdout).strip().splitlines()
        raise DeployError(f"the swap on {host} failed (exit {swap.returncode}): {lines[-1] if lines else ''}")
    stop_points.reached("deploy-swapped")
    return Deployed(counts.get("regular files transferred"), None)


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
