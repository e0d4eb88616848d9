"""Page keys (newsdigest.build.page_keys) as plain functions: what changes a page's key and what does not."""

import datetime as dt
from types import SimpleNamespace

from newsdigest.build import page_keys


def story(url="2015/11/21/story/", **metadata):
    return SimpleNamespace(source_path=f"/content/{url}.md", url=url, metadata=metadata)


def site(settings=None, listings=("a|1",), moment=None):
    return page_keys.site_key(
        code="code",
        settings=settings or {"SITENAME": "Digest"},
        build_moment=moment,
        theme="theme",
        side_files="side",
        listings=listings,
    )


def test_stable_text_does_not_depend_on_order_or_memory():
    assert page_keys.stable_repr({"b": {2, 1}, "a": [object]}) == page_keys.stable_repr({"a": [object], "b": {1, 2}})
    assert page_keys.stable_repr(story()) == "<SimpleNamespace 2015/11/21/story/>"
    assert page_keys.stable_repr(dt.date(2015, 11, 21)) == "2015-11-21"


def test_every_setting_takes_part_in_the_site_key_but_paths_and_workers():
    base = {"SITENAME": "Digest", "OUTPUT_PATH": "/a", "CACHE_PATH": "/c", "NEWSDIGEST_WORKERS": 2}
    same = {**base, "OUTPUT_PATH": "/b", "CACHE_PATH": "/d", "NEWSDIGEST_WORKERS": 8}
    assert site(base) == site(same)
    assert site(base) != site({**base, "NEWSDIGEST_BANNER": "New"})
    assert site(base) != site({**base, "SITENAME": "Other"})


def test_the_site_key_follows_what_lists_show_and_the_build_moment():
    assert site(listings=["a|1"]) != site(listings=["a|2"])
    assert site(moment=dt.datetime(2020, 1, 1)) != site(moment=dt.datetime(2021, 1, 1))


def test_what_lists_show_leaves_out_the_fields_only_a_storys_own_page_shows():
    listed = page_keys.listing_key({"title": "Story", "note": "First note"})
    assert listed == page_keys.listing_key({"title": "Story", "note": "Second note"})
    assert listed != page_keys.listing_key({"title": "Retitled", "note": "First note"})
    assert listed != page_keys.listing_key({"title": "Story", "note": "First note"}, "3")  # reading minutes
    assert page_keys.own_fields(story(note="First")) != page_keys.own_fields(story(note="Second"))


def test_a_page_about_a_story_follows_that_storys_key_and_a_list_only_its_length():
    def key_of(item):
        return f"key of {item.url}"

    one, two = story("one/"), story("two/")
    assert page_keys.arguments_parts({"article": one}, key_of) == ["article=key of one/"]
    assert page_keys.arguments_parts({"articles": [one, two]}, key_of) == ["articles=[2 SimpleNamespace]"]
    assert page_keys.value_text({"articles": [one]}, key_of) == "{'articles': [1 SimpleNamespace]}"
    first = page_keys.story_key(one, "articles/one.md", "content", {"related": [two]})
    assert first != page_keys.story_key(one, "articles/one.md", "content", {"related": [story("three/")]})
    assert first != page_keys.story_key(one, "articles/one.md", "edited content", {"related": [two]})
    assert first != page_keys.story_key(one, "articles/renamed.md", "content", {"related": [two]})


def test_a_page_key_follows_the_site_the_name_the_template_and_the_arguments():
    key = page_keys.page_key("site", "index.html", "index", (), ["page=1"])
    assert key == page_keys.page_key("site", "index.html", "index", (), ["page=1"])
    for other in [
        ("other site", "index.html", "index", (), ["page=1"]),
        ("site", "archives/index.html", "index", (), ["page=1"]),
        ("site", "index.html", "archives", (), ["page=1"]),
        ("site", "index.html", "index", ("extra",), ["page=1"]),
        ("site", "index.html", "index", (), ["page=2"]),
    ]:
        assert page_keys.page_key(*other) != key
    assert page_keys.produced_key("site", "feeds/all.", ["a"]) != page_keys.produced_key("site", "feeds/all.", ["b"])
