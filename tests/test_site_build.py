"""End to end: the sample content builds into a site whose front page links the seed story."""

from newsdigest.build.run import build

from conftest import ROOT


def test_sample_site_front_page_links_the_seed_story(tmp_path):
    build(
        ROOT / "pelicanconf.py",
        content=ROOT / "content",
        output=tmp_path / "out",
        overrides={"CACHE_PATH": str(tmp_path / "cache")},
        record_addresses=False,
    )  # the checkout stays as it is
    front = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    seed_url = "/2015/11/21/putin-calls-for-fight-against-global-terror-as-mali-hunts-suspects-in-deadly/"
    assert f'href=".{seed_url}index.html"' in front  # a development build: it opens from the disk
    story = (tmp_path / "out" / seed_url.strip("/") / "index.html").read_text(encoding="utf-8")
    assert "Putin Calls for Fight Against &#39;Global Terror&#39;" in story
    assert "Mali will not shut down because of this attack" in story
