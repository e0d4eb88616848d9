"""`newsdigest serve`: build, serve the output folder on this machine, rebuild when sources change.

It answers as the site's web server will (newsdigest.site.addresses.server_rules): each file with its content
type, a missing address (or a folder without a page) with the site's 404.html and status 404,
an old address of a story with a 301 to its new one, and one of a story gone with 410.
A request whose path no file can have (a control character, bytes that are not UTF-8, a `..`
step, an over-long path) is answered 400. It listens on 127.0.0.1 unless told otherwise
(`--bind`); idle clients cannot starve it (SiteServer). Each rebuild prints one line: when,
what changed, how long it took, what it did, and how many problems it logged above.

A rebuild that fails, whatever the reason, is reported and the last good site stays
served; the watcher goes on. Changes to files the build ignores (IGNORE_FILES: an
editor's lock or swap file) start no rebuild. Rebuilds take the build lock like any
build, so one started by hand meanwhile is waited for. They do not update the record of
published addresses: a headline typed on the way was never published.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import http.server
import io
import logging
import os
import queue
import selectors
import socket
import threading
import time
import urllib.parse
from pathlib import Path

from watchfiles import DefaultFilter, watch

from newsdigest.build.errors import BuildFailed
from newsdigest.build.ignored_files import has_ignored_part
from newsdigest.build.run import BuildResult, build, load_settings
from newsdigest.content import drafts
from newsdigest.paths import display_path
from newsdigest.serve import edits as serve_edits
from newsdigest.site.addresses import server_rules

WATCH_TICK_MS = 200
WATCH_START_SECONDS = 10
# A connection's request line and headers must arrive within this from when it connects (and
# again from its first byte); a response must be taken within SEND_SECONDS for each piece of it.
REQUEST_SECONDS = 5.0
SEND_SECONDS = 30.0
HANDLER_THREADS = 16
MAX_WAITING_CONNECTIONS = 1024


class _ProblemCounter(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.warnings = self.errors = 0

    def emit(self, record):
        if record.levelno >= logging.ERROR:
            self.errors += 1
        else:
            self.warnings += 1


@contextlib.contextmanager
def _counting_problems():
    counter = _ProblemCounter()
    logging.getLogger().addHandler(counter)
    try:
        yield counter
    finally:
        logging.getLogger().removeHandler(counter)


def _what_changed(paths: list[str]) -> str:
    shown = sorted({display_path(path) for path in paths})
    if not shown:
        return "start"
    if len(shown) == 1:
        return shown[0]
    return f"{len(shown)} files ({', '.join(shown[:3])}{', …' if len(shown) > 3 else ''})"


class _EditsShownAtOnce:
    """Each edited story's own page, put in place before the rebuild (newsdigest.serve.edits)."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.pages: dict[str, serve_edits.StoryPage] = {}

    def update(self, result: BuildResult | None) -> None:
        """The pages of the site a rebuild put live (none after a failed one, until the next), by
        the real path of their story. The content folder is resolved once, not every story file in
        it (0.6 s at 10,000 stories, which the next edit would wait for); a story reached through a
        link inside the folder waits for the rebuild instead."""
        found = serve_edits.story_pages(result.record) if result is not None and result.record is not None else {}
        content = os.path.join(os.path.abspath(self.settings["PATH"]), "")
        real_content = os.path.join(os.path.realpath(content), "")
        self.pages = {
            real_content + path[len(content) :] if path.startswith(content) else os.path.realpath(path): page
            for path, page in found.items()
        }
        # The build kept for the next edit is hundreds of thousands of objects: out of the
        # collector's full passes, which would otherwise walk them all, for a second at 10,000
        # stories, at any moment while serving.
        gc.freeze()

    def forget(self) -> None:
        """Let the last build's pages go before the next build makes its own: one site in memory."""
        gc.unfreeze()
        self.pages = {}

    def show(self, changed: list[str]) -> None:
        for path in sorted({os.path.realpath(path) for path in changed}):
            page = self.pages.get(path)
            if page is None:
                continue
            started = time.monotonic()
            try:
                shown = serve_edits.show_edit(path, page, self.settings)
            except Exception:  # noqa: BLE001 - the rebuild that follows reports whatever went wrong
                shown = None
            if shown:
                print(
                    f"{time.strftime('%H:%M:%S')} {display_path(path)}: its page shows the edit "
                    f"({time.monotonic() - started:.2f} s); rebuilding the rest",
                    flush=True,
                )


def _rebuild(settings_file, content, output, changed: list[str]) -> BuildResult | None:
    started = time.monotonic()
    reason = _what_changed(changed)
    result = None
    with _counting_problems() as counter:
        try:
            result = build(
                settings_file,
                content=content,
                output=output,
                overrides={drafts.SHOW_DRAFTS: True},  # a curator previews drafts too, each under /drafts/
                record_addresses=False,
            )
            outcome = f"rebuilt: {result.rendered} pages rendered, {result.changed_files} files changed"
        except BuildFailed as failure:
            count = len(failure.problems)
            outcome = f"build failed: {count} problem{'s' if count != 1 else ''}; still serving the last good site"
        except Exception as error:  # noqa: BLE001 - a watcher that stopped would leave a stale site served, silently
            outcome = f"build failed: {type(error).__name__}: {error}; still serving the last good site"
    problems = [
        f"{count} {name}{'s' if count != 1 else ''}"
        for count, name in ((counter.errors, "error"), (counter.warnings, "warning"))
        if count
    ]
    print(
        f"{time.strftime('%H:%M:%S')} {reason}: {outcome} in {time.monotonic() - started:.1f} s"
        + (f" ({', '.join(problems)} above)" if problems else ""),
        flush=True,
    )
    return result


class OldAddressesOfSite:
    """The old addresses of the live site (its `_redirects` file), read again when a build
    replaces the file."""

    def __init__(self, output_path: Path):
        self.file = output_path / server_rules.REDIRECTS_FILE
        self._read: tuple[tuple[int, int, int], server_rules.OldAddresses] | None = None

    def answer(self, path: str) -> tuple[int, str | None] | None:
        try:
            status = self.file.stat()
            identity = (status.st_ino, status.st_mtime_ns, status.st_size)
            read = self._read
            if read is None or read[0] != identity:
                text = self.file.read_text(encoding="utf-8")
                read = self._read = (identity, server_rules.OldAddresses.from_redirects_file(text))
        except (OSError, UnicodeDecodeError):  # no site yet, or a build without old addresses
            return None
        return read[1].answer(path)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as its web server will: content types, the site's 404 page, and its old
    addresses: 301 to where a story moved, 410 for a story gone."""

    def __init__(self, *args, old_addresses: OldAddressesOfSite | None = None, **kwargs):
        self.old_addresses = old_addresses
        super().__init__(*args, **kwargs)

    def setup(self):
        super().setup()
        self.rfile.close()  # the request is read through its deadline instead
        self.rfile = io.BufferedReader(_ReadBefore(self.connection, time.monotonic() + REQUEST_SECONDS))

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        problem = server_rules.request_path_problem(self.requestline, self.path)
        if problem is not None:
            self.send_error(400, problem.capitalize())
            return False
        self.connection.settimeout(SEND_SECONDS)
        return True

    def send_head(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        found = self.old_addresses.answer(path) if self.old_addresses is not None else None
        if found is None:
            return super().send_head()
        status, new = found
        if status == 301 and new is not None:
            self.send_response(301)
            self.send_header("Location", new)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(status)
        return None

    def guess_type(self, path):
        return server_rules.content_type(str(path))

    def list_directory(self, path):  # a web server lists no folders either
        self.send_error(404)
        return None

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / server_rules.NOT_FOUND_PAGE
        if code not in (404, 410) or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", server_rules.content_type(server_rules.NOT_FOUND_PAGE))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name; the terminal shows one line per rebuild, not per request
        pass


class _ReadBefore(io.RawIOBase):
    """A connection's bytes, each read waiting no later than `deadline` (time.monotonic()):
    a client that sends its request slowly, a byte at a time, is cut off all the same."""

    def __init__(self, connection: socket.socket, deadline: float):
        self.connection, self.deadline = connection, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request did not arrive in time")
        self.connection.settimeout(remaining)
        return self.connection.recv_into(buffer)


class SiteServer(http.server.HTTPServer):
    """A fixed pool of HANDLER_THREADS threads, each answering one request at a time, and no
    thread for a connection that has sent nothing: those wait in one selector, up to
    MAX_WAITING_CONNECTIONS (past that the one waiting longest is closed), and one that sends
    nothing within REQUEST_SECONDS is closed. A connection reaches a thread with its first byte,
    and must then send its whole request within REQUEST_SECONDS; each answers one request
    (HTTP/1.0, as http.server does), so none idles between requests. The listen queue is longer
    than socketserver's 5: the search page fetches many index files at once, and a connection
    the kernel drops waits seconds for its retry."""

    request_queue_size = 128

    def __init__(self, address, handler):
        super().__init__(address, handler)
        self._ready: queue.SimpleQueue[tuple[socket.socket, object] | None] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        for number in range(HANDLER_THREADS):
            threading.Thread(target=self._answer_ready, name=f"serve-handler-{number}", daemon=True).start()

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        waiting: dict[socket.socket, tuple[float, object]] = {}  # connection -> (deadline, address)
        self._stopped.clear()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.socket, selectors.EVENT_READ)
                while not self._stopping.is_set():
                    now = time.monotonic()
                    soonest = min((deadline for deadline, _ in waiting.values()), default=now + poll_interval)
                    for key, _ in selector.select(max(0.0, min(soonest - now, poll_interval))):
                        if key.fileobj is self.socket:
                            self._accept(selector, waiting)
                        else:  # its first byte (or its end) arrived: a thread reads the rest
                            connection: socket.socket = key.data
                            selector.unregister(connection)
                            self._ready.put((connection, waiting.pop(connection)[1]))
                    now = time.monotonic()
                    for connection in [conn for conn, (deadline, _) in waiting.items() if deadline <= now]:
                        self._drop(selector, waiting, connection)
                for connection in list(waiting):
                    self._drop(selector, waiting, connection)
        finally:
            self._stopped.set()

    def _accept(self, selector: selectors.BaseSelector, waiting: dict) -> None:
        try:
            connection, address = self.socket.accept()
        except OSError:  # the client gave up already, or no file descriptor is left for now
            return
        if len(waiting) >= MAX_WAITING_CONNECTIONS:
            self._drop(selector, waiting, min(waiting, key=lambda conn: waiting[conn][0]))
        waiting[connection] = (time.monotonic() + REQUEST_SECONDS, address)
        selector.register(connection, selectors.EVENT_READ, connection)

    def _drop(self, selector: selectors.BaseSelector, waiting: dict, connection: socket.socket) -> None:
        selector.unregister(connection)
        del waiting[connection]
        self.shutdown_request(connection)

    def _answer_ready(self) -> None:
        while (ready := self._ready.get()) is not None:
            connection, address = ready
            try:
                self.finish_request(connection, address)
            except Exception:  # noqa: BLE001 - socketserver's own rule: report it, serve the next
                self.handle_error(connection, address)
            finally:
                self.shutdown_request(connection)

    def shutdown(self) -> None:
        self._stopping.set()
        self._stopped.wait()

    def server_close(self) -> None:
        super().server_close()
        for _ in range(HANDLER_THREADS):
            self._ready.put(None)


class _SourceFilter(DefaultFilter):
    """watchfiles' default filter, and Pelican's IGNORE_FILES below the watched folders."""

    def __init__(self, roots: list[str], patterns: list[str]):
        super().__init__()
        self.roots = [os.path.abspath(root) for root in roots]
        self.patterns = patterns

    def __call__(self, change, path: str) -> bool:
        if not super().__call__(change, path):
            return False
        for root in self.roots:
            if path == root or path.startswith(root + os.sep):
                return not has_ignored_part(os.path.relpath(path, root), self.patterns)
        return True


class Preview:
    """What serve does with the site: a first build, then for each batch of changed files the
    edited stories' own pages at once (newsdigest.serve.edits), then a rebuild of the rest. Each
    rebuild prints its one line; one that fails leaves the last good site in place."""

    def __init__(self, settings_file, content=None, output=None):
        self.settings_file, self.content, self.output = settings_file, content, output
        self.settings = load_settings(settings_file, content, output)
        self._edits = _EditsShownAtOnce(self.settings)

    def start(self) -> BuildResult | None:
        result = _rebuild(self.settings_file, self.content, self.output, [])
        self._edits.update(result)
        return result

    def changed(self, paths: list[str]) -> BuildResult | None:
        self._edits.show(paths)
        self._edits.forget()
        result = _rebuild(self.settings_file, self.content, self.output, paths)
        self._edits.update(result)
        return result


def serve(settings_file, content=None, output=None, host="127.0.0.1", port=8000) -> int:
    preview = Preview(settings_file, content, output)
    settings = preview.settings
    output_path = Path(settings["OUTPUT_PATH"])
    watched = [settings["PATH"], settings["THEME"], os.path.abspath(settings_file)]
    ignored = list(settings.get("IGNORE_FILES", []))
    source_filter = _SourceFilter(watched[:2], ignored)
    watching, first_build_done = threading.Event(), threading.Event()

    def watch_and_rebuild():
        # Empty sets come every WATCH_TICK_MS without changes: the first says the watch is on.
        for changes in watch(*watched, watch_filter=source_filter, yield_on_timeout=True, rust_timeout=WATCH_TICK_MS):
            watching.set()
            if not changes:
                continue
            first_build_done.wait()  # an edit made during the first build is built after it
            preview.changed([path for _, path in changes])

    # Watching starts before the first build, so that no edit made from now on goes unseen.
    threading.Thread(target=watch_and_rebuild, daemon=True).start()
    watching.wait(timeout=WATCH_START_SECONDS)
    preview.start()
    first_build_done.set()
    # The handler resolves the output path on every request, so it follows the atomic switch.
    handler = functools.partial(SiteHandler, directory=str(output_path), old_addresses=OldAddressesOfSite(output_path))
    with SiteServer((host, port), handler) as server:
        print(f"serving {output_path} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
        server.serve_forever()
    return 0
