"""Whatever a curator edits, in whatever order, the site ends byte-identical to a cold build of
the same content: random sequences of edits (a story added, deleted or renamed; its body, note,
headline, tags, date or image changed; a story made a draft or published again; a template of
the theme; a setting) applied one by one, each followed by a rebuild, through `newsdigest build`
and through `serve` (which puts an edited story's page in place at once, then rebuilds), and
compared with a build from nothing."""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings, strategies as st

from newsdigest.content import drafts, frontmatter
from newsdigest.serve.server import Preview

from conftest import ROOT, Site, tree

pytestmark = pytest.mark.slow  # dozens of builds

HEADLINES = ["Mali hunts suspects", "Ferry adds a sailing", "Bridges over the Rhine", "Élections à Lyon"]
TAGS = [[], ["Mali"], ["Mali", "Bamako"], ["Rhine", "Köln"], ["Lyon"]]
DATES = ["2015-11-20T10:00:00Z", "2015-11-21T08:30:00+01:00", "2015-12-01T18:00:00-05:00"]
BODIES = [
    "Police in Bamako searched for two suspects after the attack on the hotel.",
    "The ferry across the harbour adds an early sailing for commuters.",
    "Floods closed the road along the Rhine in Köln.",
]
SITE_NAMES = ["Digest", "The Morning Digest"]
STORIES = 4  # at the start
EXAMPLES = 6  # random sequences per path: each step is a rebuild, each sequence ends with a cold build


@dataclass(frozen=True)
class Edit:
    kind: str
    story: int  # which of the stories there are (modulo their number)
    value: int  # which value of the kind's list (modulo its length)


KINDS = ["draft", "add", "delete", "rename", "body", "note", "headline", "tags", "date", "image", "theme", "setting"]
edits = st.builds(Edit, st.sampled_from(KINDS), st.integers(0, 7), st.integers(0, 7))
sequences = st.lists(edits, min_size=1, max_size=4)
# Every kind of edit once, one after another, besides the random sequences.
EVERY_KIND = [Edit(kind, number, number + 1) for number, kind in enumerate(KINDS)]
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same sequences on every run: a failure is reproduced by running it again
    database=None,
    # no shrinking: every try is a few builds, and a sequence is at most four edits
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# Each front matter edit: the field it sets, and its value.
FIELD_EDITS = {
    "note": lambda value: ("note", f"Why this matters, take {value}."),
    "headline": lambda value: ("title", f"{HEADLINES[value % len(HEADLINES)]}, retold {value}"),
    "tags": lambda value: ("tags", TAGS[value % len(TAGS)]),
    "date": lambda value: ("date", DATES[value % len(DATES)]),
    "image": lambda value: ("image", f"https://images.example.org/photo-{value}.jpg"),
    "draft": lambda value: ("status", "draft" if value % 2 else "published"),
}


class Project:
    """A small site, its own copy of the theme and its settings, and the edits made to them."""

    def __init__(self, root: Path):
        self.site = Site(root)
        self.theme = root / "theme"
        shutil.copytree(ROOT / "theme", self.theme)
        self.site_name = SITE_NAMES[0]
        self.added = 0
        for number in range(STORIES):
            self.site.add_article(
                f"story-{number}",
                BODIES[number % len(BODIES)],
                title=f"{HEADLINES[number % len(HEADLINES)]} {number}",
                date=DATES[number % len(DATES)],
                tags=TAGS[number % len(TAGS)],
            )

    def overrides(self) -> dict:
        return {"THEME": str(self.theme), "SITENAME": self.site_name}

    def stories(self) -> list[Path]:
        return sorted((self.site.content / "articles").glob("*.md"))

    def apply(self, edit: Edit) -> list[Path]:
        """Make the edit; the files it changed (a deleted or renamed story's old path among them)."""
        if edit.kind in ("theme", "setting"):
            return self._edit_site(edit.kind)
        stories = self.stories()
        if edit.kind == "add" or not stories:
            return [self._add(edit.value)]
        story = stories[edit.story % len(stories)]
        if edit.kind == "delete":
            story.unlink()
            return [story]
        if edit.kind == "rename":
            renamed = story.with_name(f"renamed-{edit.value}-{story.name}")
            story.rename(renamed)
            return [story, renamed]
        loaded = frontmatter.parse(story.read_text(encoding="utf-8"))
        metadata, body = dict(loaded.metadata), loaded.body
        if edit.kind == "body":
            body = f"{body}\n\n{BODIES[edit.value % len(BODIES)]}\n"
        else:
            key, value = FIELD_EDITS[edit.kind](edit.value)
            metadata[key] = value
        story.write_text(frontmatter.dump(metadata, body), encoding="utf-8")
        return [story]

    def _add(self, value: int) -> Path:
        self.added += 1
        return self.site.add_article(
            f"added-{self.added}",
            BODIES[value % len(BODIES)],
            title=f"{HEADLINES[value % len(HEADLINES)]} added {self.added}",
            date=DATES[value % len(DATES)],
        )

    def _edit_site(self, kind: str) -> list[Path]:
        if kind == "setting":
            self.site_name = SITE_NAMES[(SITE_NAMES.index(self.site_name) + 1) % len(SITE_NAMES)]
            return []
        template = self.theme / "templates/article.html"
        text = template.read_text(encoding="utf-8")
        template.write_text(text.replace("<h1>", '<h1 class="headline">', 1), encoding="utf-8")
        return [template]

    def cold_build(self, root: Path, **extra) -> dict:
        """The same content, theme and settings (and `extra` ones) built from nothing, in another folder."""
        cold = Site(root / "cold")
        shutil.rmtree(cold.content)
        shutil.copytree(self.site.content, cold.content)
        cold.build(**self.overrides(), **extra)
        return tree(cold.output)


def over_edit_sequences(test):
    """`test` run on random sequences of edits, on every kind of edit in turn, and on a rename
    alone (feeds name their entries by the story's file: they change with it)."""
    test = example(sequence=[Edit("rename", 0, 0)])(test)
    test = example(sequence=EVERY_KIND)(test)
    return PROPERTY(given(sequence=sequences)(test))


def _describe(sequence: list[Edit]) -> str:
    return ", ".join(f"{edit.kind} {edit.story}/{edit.value}" for edit in sequence)


@over_edit_sequences
def test_any_sequence_of_edits_built_one_by_one_ends_as_a_cold_build(sequence):
    with tempfile.TemporaryDirectory(prefix="edits-") as folder:
        project = Project(Path(folder) / "site")
        project.site.build(**project.overrides())
        for edit in sequence:
            project.apply(edit)
            project.site.build(**project.overrides())
        assert tree(project.site.output) == project.cold_build(Path(folder)), _describe(sequence)


@over_edit_sequences
def test_any_sequence_of_edits_served_one_by_one_ends_as_a_cold_build(sequence):
    with tempfile.TemporaryDirectory(prefix="served-edits-") as folder:
        project = Project(Path(folder) / "site")
        site = project.site
        settings_file = site.settings_file(RELATIVE_URLS=False, **project.overrides())
        preview = Preview(str(settings_file), site.content, site.output)
        assert preview.start() is not None
        for edit in sequence:
            changed = project.apply(edit)
            if edit.kind == "setting":  # serve watches its settings file too
                settings_file = site.settings_file(RELATIVE_URLS=False, **project.overrides())
                changed = [settings_file]
            assert preview.changed([str(path) for path in changed]) is not None, _describe(sequence)
        # serve shows drafts too, each under /drafts/: so does the cold build it is held to
        cold = project.cold_build(Path(folder), **{drafts.SHOW_DRAFTS: True})
        assert tree(site.output) == cold, _describe(sequence)
