"""`newsdigest serve`: build, serve the output folder on localhost, rebuild when sources change.

A rebuild that fails, whatever the reason, is reported and the last good site stays
served; the watcher goes on. Changes to files the build ignores (IGNORE_FILES: an
editor's lock or swap file) start no rebuild. Rebuilds take the build lock like any
build, so one started by hand meanwhile is waited for.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

from watchfiles import DefaultFilter, watch

from newsdigest.build import build, load_settings
from newsdigest.ignored_files import has_ignored_part
from newsdigest.pelican_plugins.strict import BuildFailed


def _rebuild(settings_file, content, output) -> None:
    try:
        result = build(settings_file, content=content, output=output)
        print(f"rebuilt: {result.rendered} pages rendered, {result.changed_files} files changed", flush=True)
    except BuildFailed as failure:
        print(f"build failed: {len(failure.problems)} problems; still serving the last good site", flush=True)
    except Exception as error:  # a watcher that stopped would leave a stale site served, silently
        print(f"build failed: {type(error).__name__}: {error}; still serving the last good site", flush=True)


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


def serve(settings_file, content=None, output=None, host="127.0.0.1", port=8000) -> int:
    settings = load_settings(settings_file, content, output)
    output_path = Path(settings["OUTPUT_PATH"])
    watched = [settings["PATH"], settings["THEME"], os.path.abspath(settings_file)]
    source_filter = _SourceFilter(watched[:2], list(settings.get("IGNORE_FILES", [])))
    _rebuild(settings_file, content, output)

    def watch_and_rebuild():
        for _changes in watch(*watched, watch_filter=source_filter):
            _rebuild(settings_file, content, output)

    threading.Thread(target=watch_and_rebuild, daemon=True).start()
    # The handler resolves the output path on every request, so it follows the atomic switch.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output_path))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"serving {output_path} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
        server.serve_forever()
    return 0
