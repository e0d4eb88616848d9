"""How long `newsdigest serve` takes to put a curator's edit on disk, for `newsdigest bench build`.

A helper, not a benchmark: it defines no `run`. It starts serve on a built site, waits for its
first build, then times each edit twice: until the edited story's page on disk shows it (what
a curator reloading the page sees), and until serve prints the line that says its rebuild is done.
"""

from __future__ import annotations

import contextlib
import queue
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.005
# serve's line for a finished rebuild (a warning that names the file is not one)
_REBUILD_DONE = re.compile(r"\b(rebuilt|build failed)\b")


@dataclass(frozen=True)
class EditLatency:
    on_disk: float  # seconds from the edit saved to the story's page holding it
    reported: float  # seconds from the edit saved to serve's line saying the rebuild is done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServeSession:
    """A running `newsdigest serve`, its printed lines collected with the moment each arrived."""

    def __init__(self, process: subprocess.Popen[str], port: int):
        self.process = process
        self.port = port
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.printed: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def _failure(self, what: str) -> RuntimeError:
        while not self.lines.empty():
            self.printed.append(self.lines.get()[1])
        return RuntimeError(f"newsdigest serve: {what}; it printed:\n" + "\n".join(self.printed[-20:]))

    def wait_until_serving(self, page_address: str, timeout: float) -> None:
        """Until serve answers with the story's page: its first build is done."""
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}{page_address}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise self._failure(f"exited with code {self.process.returncode} before serving")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:  # serve watches from before its first build
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise self._failure(f"did not serve {page_address} within {timeout:.0f} s")

    def time_edit(self, source: Path, text: str, page: Path, marker: str, timeout: float) -> EditLatency:
        """Saves `text` to `source`, then times `marker` reaching `page` and serve's report of it."""
        while not self.lines.empty():  # what serve printed before this edit
            self.printed.append(self.lines.get()[1])
        source.write_text(text, encoding="utf-8")
        saved = time.monotonic()
        deadline = saved + timeout
        on_disk = None
        while on_disk is None:
            with contextlib.suppress(OSError):  # between generations, for an instant, no page
                if marker in page.read_text(encoding="utf-8"):
                    on_disk = time.monotonic() - saved
                    break
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise self._failure(f"{page} did not show the edit to {source.name} within {timeout:.0f} s")
            time.sleep(POLL_SECONDS)
        while True:
            try:
                arrived, line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise self._failure(f"printed no line on the edit to {source.name} within {timeout:.0f} s") from None
            self.printed.append(line)
            done = _REBUILD_DONE.search(line)
            if done and source.name in line:
                if done.group(1) != "rebuilt":
                    raise self._failure(f"the rebuild after the edit to {source.name} failed")
                return EditLatency(on_disk=on_disk, reported=arrived - saved)


@contextlib.contextmanager
def serving(command: list[str], cwd: Path) -> Iterator[ServeSession]:
    """`command` (newsdigest serve without --port) on a free port, stopped on leaving."""
    port = free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield ServeSession(process, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
