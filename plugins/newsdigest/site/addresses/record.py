"""Addresses that never break: the record of every story address a site has published, and
what each old address answers now.

The record (`content/addresses.yml`, kept by the build and committed with the content) maps
each address to the story behind it: its `guid` when it has one, else its file in the content
folder, or `gone`. When a story's address changes (its slug, date or headline is edited, or its
file moves and pins its `guid`), its old address is still in the record and redirects to the
new one; a story marked `status: gone` makes its addresses answer 410. A curator may also give
a story old addresses by hand (`aliases:`). Plain functions, no Pelican.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsdigest.content import frontmatter
from newsdigest.content.site_addresses import AddressError, address
from newsdigest.settings import SettingsGroup, setting

GONE = "gone"


@dataclass(frozen=True)
class Settings(SettingsGroup):
    """The address record's settings, with their defaults (docs/configuration.md)."""

    record_file: str | None = setting("ADDRESSES_FILE", "addresses.yml")  # in the content folder; None: no record


HEADER = """\
# Every story address this site has published, and the story behind it: its guid, or its file
# in this folder; "gone" for a story deleted on purpose (it answers 410). Kept by newsdigest's
# build: commit it with your stories. An address whose story has moved redirects to it.
"""


@dataclass(frozen=True)
class Story:
    """What the record needs to know of a story."""

    identity: str  # its guid, else its file relative to the content folder
    file: str
    address: str
    published: bool  # False for drafts and stories gone
    gone: bool = False
    aliases: tuple[str, ...] = ()


@dataclass
class Plan:
    record: dict[str, str]  # the record, updated with this build's addresses
    redirects: dict[str, Story] = field(default_factory=dict)  # old address -> the story it now is
    gone: list[str] = field(default_factory=list)  # addresses that answer 410
    lost: dict[str, str] = field(default_factory=dict)  # address -> the story no longer found
    problems: list[tuple[Story, str]] = field(default_factory=list)  # (story, why one of its aliases cannot be used)


def read_record(text: str) -> dict[str, str]:
    """The record from the text of addresses.yml; raises AddressError naming the line."""
    try:
        mapping, lines = frontmatter.load_mapping(text)
    except frontmatter.FrontMatterError as error:
        raise AddressError(error.message, error.line) from None
    record = {}
    for key, value in mapping.items():
        found = address(key)
        if found is None or found != key:
            raise AddressError(f"{key!r} is not a site address (like /2015/11/21/slug/)", lines.get(key))
        if not isinstance(value, str) or not value.strip():
            raise AddressError(f"{key}: expected the story's file, its guid or {GONE!r}", lines.get(key))
        record[key] = value.strip()
    return record


def write_record(record: dict[str, str]) -> str:
    """The text of addresses.yml: the header, then one line per address, in order."""
    if not record:
        return HEADER + "{}\n"
    return HEADER + frontmatter.dump_mapping(dict(sorted(record.items())))


def plan(record: dict[str, str], stories: list[Story]) -> Plan:
    """What every address answers in this build, and the record updated with it."""
    updated = dict(record)
    published = {story.address: story for story in stories if story.published}
    result = Plan(record=updated)
    for story in stories:
        if story.published:
            updated[story.address] = story.identity
    for story in stories:
        if story.gone and story.address not in published and story.address not in result.gone:
            updated[story.address] = GONE
            result.gone.append(story.address)
    _follow_old_addresses(result, record, published, _by_identity(stories))
    _take_aliases(result, stories, published)
    result.gone.sort()
    result.redirects = dict(sorted(result.redirects.items()))
    return result


def _by_identity(stories: list[Story]) -> dict[str, Story]:
    """Each story by its identity, and by its file: a story that was recorded by file before it had a guid."""
    found: dict[str, Story] = {}
    for story in stories:
        found.setdefault(story.identity, story)
        found.setdefault(story.file, story)
    return found


def _follow_old_addresses(
    result: Plan, record: dict[str, str], published: dict[str, Story], by_identity: dict[str, Story]
) -> None:
    """What each recorded address no story holds now answers: 410 for a story gone, a redirect
    to where its story is now, or nothing (`lost`) when its story is no longer found."""
    for old, identity in sorted(record.items()):
        if old in published or old in result.gone:
            continue
        holder = None if identity == GONE else by_identity.get(identity)
        if identity == GONE or (holder is not None and holder.gone):
            result.record[old] = GONE
            result.gone.append(old)
        elif holder is None:
            result.lost[old] = identity
        elif holder.published:
            result.redirects[old] = holder


def _take_aliases(result: Plan, stories: list[Story], published: dict[str, Story]) -> None:
    """The old addresses curators give stories (`aliases:`) redirect to them, or answer 410 for a
    story gone; an alias that is a story's address, or another story's alias, is a problem."""
    owners: dict[str, Story] = {}
    for story in stories:
        for alias in story.aliases:
            if alias in published:
                result.problems.append((story, f"aliases: {alias} is the address of {published[alias].file}"))
            elif alias in owners and owners[alias] is not story:
                result.problems.append((story, f"aliases: {alias} is also an alias of {owners[alias].file}"))
            else:
                owners[alias] = story
                _alias(result, alias, story)


def _alias(result: Plan, alias: str, story: Story) -> None:
    """`alias` answers for `story`: a redirect to it, or 410 when it is gone."""
    result.lost.pop(alias, None)
    if story.gone:
        result.redirects.pop(alias, None)
        if alias not in result.gone:
            result.gone.append(alias)
    elif story.published:
        result.redirects[alias] = story
        if alias in result.gone:
            result.gone.remove(alias)
