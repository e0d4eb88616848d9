"""A curator's first hour: the sample content builds without a warning, warnings name the
curator's own files (once each, saying what to do), and a file no page shows renders nothing."""

import logging
import re
import shutil

import pytest
from PIL import Image

from newsdigest.build.run import build

from conftest import ROOT


@pytest.fixture
def warnings(caplog):
    def collected() -> list[str]:
        return [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]

    caplog.set_level(logging.INFO)
    return collected


def picture(path, size=(40, 30)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (120, 140, 160)).save(path)


def test_the_sample_content_builds_without_a_warning(tmp_path, warnings):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)  # as a fresh clone has it
    build(
        ROOT / "pelicanconf.py",
        content=content,
        output=tmp_path / "output",
        overrides={"CACHE_PATH": str(tmp_path / ".cache")},
    )
    assert warnings() == []
    story = next((tmp_path / "output/2015/11/21").glob("putin-*/index.html")).read_text(encoding="utf-8")
    # the source's related headlines are shown as text, not as links to pages that do not exist
    assert "What the Bamako Hotel Attack Reveals About Islamist Militants in Mali" in story
    assert 'href="What' not in story


def test_an_image_no_page_shows_renders_no_page_and_is_copied(site):
    picture(site.content / "images/lead.png", (40, 30))
    site.add_article("one", title="One", image="/images/lead.png", image_alt="A grey field")
    site.add_article("two", title="Two", body="![A grey field](/images/lead.png)")
    first = site.build()
    assert first.rendered > 10
    for number in range(4):
        picture(site.content / f"images/unused-{number}.png")
    again = site.build()
    assert again.rendered == 0 and again.reused == first.rendered
    assert sorted(p.name for p in (site.output / "images").iterdir()) == [
        "lead.png",
        *(f"unused-{number}.png" for number in range(4)),
    ]


def test_a_lead_image_of_another_size_renders_the_pages_that_show_it_again(site):
    picture(site.content / "images/lead.png", (40, 30))
    site.add_article("one", title="One", image="/images/lead.png", image_alt="A grey field")
    site.build()
    picture(site.content / "images/lead.png", (80, 60))
    again = site.build()
    assert again.rendered > 0
    assert 'width="80" height="60"' in site.page("2015/11/21/one/")


def test_a_related_headline_close_to_a_story_s_is_one_warning_naming_the_file(site, warnings):
    site.add_article("mali", title="What the Bamako Hotel Attack Reveals About Islamist Militants in Mali")
    site.add_article(
        "seed",
        title="Putin Calls for Fight Against Global Terror",
        related=[
            "What the Bamako Attack Reveals About Militants in Mali",  # a slip: not close enough to match
            "What the Bamako Hotel Atack Reveals About Islamist Militants in Mali",  # a typo that still matches
            "Terrorist Groups Are Poaching Elephants In Northern Mali, Warns UN",  # another site's story
            "Mali Declares a State of Emergency",  # and another
        ],
    )
    site.build(SEARCH_ENABLED=False)
    [line] = [line for line in warnings() if line.startswith(str(site.content))]
    assert line.startswith(f"{site.content / 'articles/seed.md'}: related: ")
    assert "did you mean 'What the Bamako Hotel Attack Reveals About Islamist Militants in Mali'?" in line
    assert "Elephants" not in line and "Emergency" not in line
    page = site.page("2015/11/21/putin-calls-for-fight-against-global-terror/")
    block = re.search(r'<section class="related".*?</section>', page, re.S).group(0)
    assert block.count('href="/2015/11/21/what-the-bamako-hotel-attack') == 1
    assert "Terrorist Groups Are Poaching Elephants" in block and "Elephants</a>" not in block  # text, no link


def test_images_without_alt_text_are_one_warning_per_story_the_curator_wrote(site, warnings):
    picture(site.content / "images/map.png")
    body = "![](/images/map.png) A map, ![](/images/map.png) again, and ![](https://example.org/b.jpg)."
    site.add_article("mine", title="Mine", image="/images/map.png", body=body)
    site.add_article("described", title="Described", body="![A map of Bamako](/images/map.png)")
    site.add_article(  # ingest wrote it: its images and their (empty) alt text are the source's
        "ingested", title="Ingested", ingested_from="page.html", image="https://example.org/a.jpg", body=body
    )
    site.build(SEARCH_ENABLED=False)
    [line] = [line for line in warnings() if line.startswith(str(site.content))]
    assert line.startswith(f"{site.content / 'articles/mine.md'}: no alt text")
    assert not [line for line in warnings() if "Empty alt attribute" in line]  # Pelican's, one per image
    assert "add `image_alt:`" in line and "images /images/map.png, https://example.org/b.jpg between" in line
