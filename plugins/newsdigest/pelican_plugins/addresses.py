"""Addresses that never break (newsdigest.site.addresses.record): reads the record of published addresses
(ADDRESSES_FILE in the content folder), writes a redirect page at every old address of a story
(meta refresh and rel=canonical, like Hugo's aliases), and the server files of
newsdigest.site.addresses.server_rules (`_redirects`, nginx's maps and site rules, with the 410s of stories
marked `status: gone`).

The updated record is only handed to the build (the Build record's `address_record`), which saves it with
the site when the build succeeds (newsdigest.build.run): a failed build changes nothing in the
content folder, and one whose record did not change writes nothing there.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from pelican import signals
from pelican.contents import Article
from pelican.generators import Generator

from newsdigest.build import record as build_state
from newsdigest.content import model, site_addresses
from newsdigest.paths import display_path
from newsdigest.site.addresses import record as addresses, server_rules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingRecord:
    """The record as this build leaves it, and the bytes it replaces (None: there was none)."""

    path: Path
    text: str
    previous: bytes | None

    def save(self) -> None:
        _write_atomically(self.path, self.text.encode("utf-8"))

    def undo(self) -> None:
        if self.previous is None:
            self.path.unlink(missing_ok=True)
        else:
            _write_atomically(self.path, self.previous)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a hidden file beside it (which no build reads) and a rename;
    a new file gets the umask's mode, like any file the curator makes."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def record_path(settings) -> Path | None:
    name = build_state.current().settings.addresses.record_file
    return Path(settings["PATH"]) / name if name else None


class AddressesGenerator(Generator):
    def generate_context(self):
        self.plan = addresses.Plan(record={})
        self.stories: dict[str, Article] = {}  # file -> article
        path = record_path(self.settings)
        if path is None:
            return
        previous = path.read_bytes() if path.is_file() else None
        try:
            record = addresses.read_record(previous.decode("utf-8")) if previous is not None else {}
        except addresses.AddressError as error:
            logger.error("%s%s: %s", display_path(path), f":{error.line}" if error.line else "", error.message)
            return
        except UnicodeDecodeError as error:
            logger.error("%s: not UTF-8 text (%s at byte %d)", display_path(path), error.reason, error.start)
            return
        stories = [
            self._story(article, published=True)
            for article in [*self.context.get("articles", []), *self.context.get("hidden_articles", [])]
        ]
        stories += [self._story(article, published=False) for article in self.context.get("drafts", [])]
        self.plan = addresses.plan(record, stories)
        for story, problem in self.plan.problems:
            logger.error("%s: %s", display_path(self.stories[story.file].source_path), problem)
        for old, identity in self.plan.lost.items():
            logger.warning(
                "%s: %s was published for %s, which no story is now: add it to a story's `aliases:`, "
                "or write %r as its value",
                display_path(path),
                old,
                identity,
                addresses.GONE,
            )
        # Claimed with the rest of the site's files once every generator has read (output claims).
        build_state.current().redirect_pages = {
            site_addresses.save_as(old): (
                self._redirect_claimant(old, story, path),
                self.stories[story.file].source_path,
            )
            for old, story in self.plan.redirects.items()
        }
        text = addresses.write_record(self.plan.record)
        if previous is None or text.encode("utf-8") != previous:
            build_state.current().address_record = PendingRecord(path, text, previous)

    def _story(self, article, published: bool) -> addresses.Story:
        file = Path(os.path.relpath(article.source_path, self.path)).as_posix()
        self.stories[file] = article
        url = article.url if published else self.settings["ARTICLE_URL"].format(**article.url_format)
        return addresses.Story(
            identity=str(article.metadata.get("guid") or file),
            file=file,
            address="/" + url,
            published=published,
            gone=article.metadata.get(model.GONE) is True,
            aliases=tuple(article.metadata.get("aliases") or ()),
        )

    def _redirect_claimant(self, old: str, story: addresses.Story, record: Path) -> str:
        source = display_path(self.stories[story.file].source_path)
        return (
            f"{source} (aliases: {old})"
            if old in story.aliases
            else f"{source} (old address {old} in {display_path(record)})"
        )

    def generate_output(self, writer):
        template = self.get_template("redirect") if self.plan.redirects else None  # a theme may not have it
        targets = {}
        for old, story in self.plan.redirects.items():
            article = self.stories[story.file]
            targets[old] = "/" + article.url
            writer.write_file(
                site_addresses.save_as(old), template, self.context, url=old.lstrip("/"), redirect_to=article
            )
        gone = list(self.plan.gone)

        def server_files() -> dict[str, bytes]:
            return {
                server_rules.REDIRECTS_FILE: server_rules.redirects_file(targets, gone).encode("utf-8"),
                server_rules.NGINX_MAPS_FILE: server_rules.nginx_maps(targets, gone).encode("utf-8"),
                server_rules.NGINX_SITE_FILE: server_rules.nginx_site().encode("utf-8"),
            }

        writer.write_keyed("server rules", self.context, [sorted(targets.items()), gone], server_files)


def addresses_generator(pelican):
    return AddressesGenerator


def register():
    signals.get_generators.connect(addresses_generator)
