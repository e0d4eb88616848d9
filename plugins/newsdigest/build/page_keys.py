"""Page keys: a digest of everything that goes into a page, so that a rebuild renders only
the pages whose key is new.

A page's key is made of the site's key (newsdigest's code, the settings, the theme, the
content files that are not stories, and what lists of stories show of every story), the
page's name, template and arguments, and the stories it is about (each one's content key,
place and related stories). A page whose template may show other stories' own-page fields
(an edition shows its stories' notes) has every story's in its key too.

`stable_repr` turns settings, metadata and plugin results into text that is the same from
one run to the next (no memory addresses, no set order); content items (anything with a
`source_path` and a `url`, such as Pelican's articles) stand for themselves by URL, since
their own keys cover the rest. Plain functions: the writer (pelican_plugins/writer.py)
calls them and remembers what it computed once per build.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from newsdigest.content import drafts
from newsdigest.content.model import OWN_PAGE_KEYS
from newsdigest.digests import digest

# Settings that do not shape what is written. Where drafts' pages go is in their own keys (their
# names), and no other page shows a draft: a preview with drafts and a build without them share
# every other page.
SETTINGS_NOT_IN_KEYS = (
    "OUTPUT_PATH",
    "PATH",
    "CACHE_PATH",
    "NEWSDIGEST_WORKERS",
    drafts.SHOW_DRAFTS,
    drafts.PUBLISHING,
    *drafts.DRAFT_ADDRESS_SETTINGS,
)

_MAX_DEPTH = 6
# Pelican's links to files of the content folder in a body: {static}/images/x.jpg, |attach|x.pdf…
_CONTENT_LINK = re.compile(r"[{|](?:static|attach|filename)[}|]([^\"'<>\s)]+)")


def stable_repr(value: object, depth: int = 0) -> str:
    if depth > _MAX_DEPTH:
        return "…"
    found = _plain_repr(value)
    if found is None:
        found = _content_repr(value)
    if found is None:
        found = _collection_repr(value, depth)
    if found is not None:
        return found
    if callable(value):
        return f"<callable {getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__name__)}>"
    state = getattr(value, "__dict__", None)
    if state is not None:
        public = {k: v for k, v in state.items() if not k.startswith("_") and k != "settings"}
        return f"<{type(value).__name__} {stable_repr(public, depth + 1)}>"
    return f"<{type(value).__name__}>"


def _plain_repr(value: object) -> str | None:
    """A value of a plain type (None, a number, a string, a date, a path) as text; None for any other."""
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Path):
        return repr(str(value))
    return None


def _content_repr(value: Any) -> str | None:
    """An object that names itself as text: one that says what identifies it, a Pelican content
    object (by URL), a tag, author or term (by name and URL); None for any other."""
    if hasattr(value, "__digest__"):  # an object that says what identifies it
        return f"<{type(value).__name__} {value.__digest__()}>"
    if hasattr(value, "source_path") and hasattr(value, "url"):  # a Pelican content object
        return f"<{type(value).__name__} {value.url}>"
    if hasattr(value, "slug") and hasattr(value, "name") and hasattr(value, "url"):  # tag, author, term
        return f"<{type(value).__name__} {value.name!s} {value.url}>"
    return None


def _collection_repr(value: object, depth: int) -> str | None:
    """A dict, set or sequence as text, its members in a stable order; None for any other value."""
    if isinstance(value, dict):
        items = sorted((stable_repr(k, depth + 1), stable_repr(v, depth + 1)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(stable_repr(v, depth + 1) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(stable_repr(v, depth + 1) for v in value) + "]"
    return None


def is_content(value: object) -> bool:
    return hasattr(value, "source_path") and hasattr(value, "url")


def listing_key(metadata: Mapping[str, object], *extra: str) -> str:
    """What lists of stories show of a story: its front matter but the fields only its own page
    shows (`extra`: what else lists show of it, such as its reading time)."""
    return digest(stable_repr({key: value for key, value in metadata.items() if key not in OWN_PAGE_KEYS}), *extra)


def own_fields(item: Any) -> str:
    """A story's fields that only its own page shows (note, credits…), with its URL, as text."""
    return f"{item.url}|{stable_repr({key: item.metadata.get(key) for key in OWN_PAGE_KEYS})}"


def site_key(
    *,
    code: str,
    settings: Mapping[str, object],
    build_moment: object,
    theme: str,
    side_files: str,
    listings: Iterable[str],
) -> str:
    """What every page depends on: the code, the settings (but SETTINGS_NOT_IN_KEYS), the build
    moment (it moves every story's age), the theme's and the side files' tree digests, and the
    listings (`listing(url, listing key)` of every item, in order)."""
    shaping = {key: value for key, value in settings.items() if key not in SETTINGS_NOT_IN_KEYS}
    return digest(code, stable_repr(shaping), stable_repr(build_moment), theme, side_files, *listings)


def static_files_shown(content_root: Path, items: Iterable[Any]) -> str:
    """What pages take from the content folder's static files (content/images/…), as text: the
    size of each story's local lead image, and whether each file a body links to ({static}…) is
    there. The files themselves are copied, not rendered: one that no page shows changes nothing."""
    images: set[tuple[str, int | None, int | None]] = set()
    links: set[tuple[str, bool]] = set()
    for item in items:
        image = getattr(item, "lead_image", None)
        if image is not None and image.local:
            images.add((image.src, image.width, image.height))
        folder = Path(item.source_path).parent
        for target in _CONTENT_LINK.findall(getattr(item, "_content", None) or ""):
            path = content_root / target.lstrip("/") if target.startswith("/") else folder / target
            links.add((target, path.exists()))
    return stable_repr([sorted(images, key=str), sorted(links)])


def listing(url: str, source: str, key: str) -> str:
    """An item as lists show it: its address, its file in the content folder (feeds name their
    entries by it), what lists show of it."""
    return f"{url}|{source}|{key}"


def story_key(story: Any, source: str, content_key: str, inputs: Mapping[str, object]) -> str:
    """A story as a page shows it: its content (`content_key`: its file's key, or its metadata
    as text), its place (its address, and its file in the content folder, which feeds name their
    entries by: a file renamed with nothing else changed is a new entry) and `inputs` computed
    from other stories (its related stories)."""
    return digest(content_key, story.url, source, stable_repr(inputs))


def value_text(value: object, story_key_of: Callable[[object], str]) -> str:
    """A page argument as text for its key: stories by `story_key_of`, lists of stories by kind
    and count (which stories a list holds, and in what order, follows from front matter and
    settings, which the site key covers: no need to walk 10,000 stories per page)."""
    if isinstance(value, dict):  # e.g. Pelican's `paginated`: a name -> list of stories
        return (
            "{"
            + ", ".join(
                f"{stable_repr(name)}: {value_text(part, story_key_of)}"
                for name, part in sorted(value.items(), key=lambda item: str(item[0]))
            )
            + "}"
        )
    if isinstance(value, (list, tuple)) and value and hasattr(value[0], "source_path"):
        return f"[{len(value)} {type(value[0]).__name__}]"
    if is_content(value):
        return story_key_of(value)
    return stable_repr(value)


def arguments_parts(arguments: Mapping[str, object], story_key_of: Callable[[object], str]) -> list[str]:
    """A page's keyword arguments, in a stable order, as parts of its key."""
    return [f"{name}={value_text(value, story_key_of)}" for name, value in sorted(arguments.items())]


def page_key(site: str, name: str, template: str, args: tuple[object, ...], parts: Iterable[str]) -> str:
    """A page rendered from `template` into `name`: the site key, its arguments (`parts`, see
    `arguments_parts`; with `every_story_own_fields` when its template shows them)."""
    return digest(site, name, template, stable_repr(args), *parts)


def every_story_own_fields(items: Iterable[object]) -> str:
    return digest(*(own_fields(item) for item in items))


def with_own_fields(key: str, stories: Iterable[object] = (), every: str | None = None) -> str:
    """A page's key with the own-page fields it may show: those of `stories` (the ones its last
    rendering read), or `every` story's (`every_story_own_fields`) when that is not known."""
    if every is not None:
        return digest(key, "every story", every)
    return digest(key, "stories", *(own_fields(story) for story in stories))


def produced_key(site: str, name: str, parts: Iterable[str]) -> str:
    """Files produced without a template (feeds) under `name`, from `parts` (see `value_text`)."""
    return digest(site, name, *parts)
