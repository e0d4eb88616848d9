"""WebSub: after a deploy, the hub (WEBSUB_HUB) is told of each feed whose bytes changed
(`hub.mode=publish`, one request per feed), so that readers subscribed through it get the new
entries at once. Which feeds changed is known from the record of what the last deploys to the
same target carried (`<cache>/websub.json`: each feed's SHA-256). A feed whose ping fails keeps its
old digest in the record, so the next deploy pings it again; a failure never fails the deploy.
Plain functions; the hub is reached with urllib.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from newsdigest.content import safe_urls
from newsdigest.site.feeds import is_feed_file

RECORD = "websub.json"
TIMEOUT = 10.0  # seconds for each ping
_SHOWN = 120  # characters of a hub's answer shown


@dataclass
class Pinged:
    changed: list[str] = field(default_factory=list)  # feed addresses whose bytes changed
    failed: list[tuple[str, str]] = field(default_factory=list)  # (feed address, why)


def feed_digests(site: Path) -> dict[str, str]:
    """Every feed of the built site at `site`: its path in the site -> the SHA-256 of its bytes."""
    found = {}
    for root, _, names in os.walk(site):
        for name in names:
            relative = os.path.relpath(os.path.join(root, name), site).replace(os.sep, "/")
            if is_feed_file(relative):
                found[relative] = hashlib.sha256(Path(root, name).read_bytes()).hexdigest()
    return found


def _read_record(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _write_record(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def ping(hub: str, feed_url: str, timeout: float = TIMEOUT) -> None:
    """Tells `hub` that `feed_url` changed; raises OSError (urllib's errors) when it does not take it."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": feed_url}).encode("ascii")
    request = urllib.request.Request(
        hub,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "newsdigest"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


def _why(error: OSError) -> str:
    if isinstance(error, urllib.error.HTTPError):
        answer = " ".join(error.read().decode("utf-8", "replace").split())[:_SHOWN]
        return f"HTTP {error.code}{': ' + answer if answer else ''}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error)


def announce(site: Path, site_url: str, hub: str, record_file: Path, target: str) -> Pinged:
    """Pings `hub` for each feed of `site` whose bytes differ from what the last deploy to `target`
    carried; records what the hub now knows. Once the hub cannot be reached, the rest are not tried."""
    result = Pinged()
    if safe_urls.web_url(hub) is None:
        result.failed.append(("", f"WEBSUB_HUB {hub!r} is not an http(s) address"))
        return result
    record = _read_record(record_file)
    stored = record.get(target)
    known: dict[str, str] = stored if isinstance(stored, dict) else {}
    now = feed_digests(site)
    kept = {relative: digest for relative, digest in known.items() if relative in now}
    unreachable = ""
    for relative, digest in sorted(now.items()):
        if known.get(relative) == digest:
            continue
        url = f"{site_url.rstrip('/')}/{relative}"
        result.changed.append(url)
        if unreachable:
            result.failed.append((url, unreachable))
            continue
        try:
            ping(hub, url)
        except OSError as error:
            result.failed.append((url, _why(error)))
            if not isinstance(error, urllib.error.HTTPError):
                unreachable = f"not tried: the hub could not be reached ({_why(error)})"
            continue
        kept[relative] = digest
    record[target] = kept
    _write_record(record_file, record)
    return result
