"""`newsdigest serve`: build, serve the output folder on localhost, rebuild when sources change."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

from watchfiles import watch

from newsdigest.build import build, load_settings
from newsdigest.pelican_plugins.strict import BuildFailed


def _rebuild(settings_file, content, output) -> None:
    try:
        result = build(settings_file, content=content, output=output)
        print(f"rebuilt: {result.rendered} pages rendered, {result.changed_files} files changed", flush=True)
    except BuildFailed as failure:
        print(f"build failed: {len(failure.problems)} problems; still serving the last good site", flush=True)


def serve(settings_file, content=None, output=None, host="127.0.0.1", port=8000) -> int:
    settings = load_settings(settings_file, content, output)
    output_path = Path(settings["OUTPUT_PATH"])
    watched = [settings["PATH"], settings["THEME"], os.path.abspath(settings_file)]
    _rebuild(settings_file, content, output)

    def watch_and_rebuild():
        for _changes in watch(*watched):
            _rebuild(settings_file, content, output)

    threading.Thread(target=watch_and_rebuild, daemon=True).start()
    # The handler resolves the folder on every request, so it follows the atomic swap.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output_path))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"serving {output_path} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
        server.serve_forever()
    return 0
