"""Every story gets its own address; lists never collide with the pages around them."""

from newsdigest.content.slugs import slugify, with_suffix


def test_slugify_is_ascii_short_and_never_a_path():
    assert slugify("Putin Calls for Fight Against 'Global Terror'") == "putin-calls-for-fight-against-global-terror"
    assert slugify("Zürich: Ça va? Ελλάδα") == "zurich-ca-va-ellada"
    assert slugify("../../etc/passwd") == "etc-passwd"
    long = slugify("word " * 100)
    assert len(long) <= 80 and not long.endswith("-")
    emoji_only = slugify("🔥🔥")
    assert emoji_only and set(emoji_only) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")


def test_suffix_keeps_the_length_limit_and_is_stable():
    slug = slugify("x" * 200)
    assert with_suffix(slug, "a.md") == with_suffix(slug, "a.md")
    assert with_suffix(slug, "a.md") != with_suffix(slug, "b.md")
    assert len(with_suffix(slug, "a.md")) <= 80


def test_articles_live_at_dated_addresses_without_html(site):
    site.add_article("mali", title="Mali Hunts Suspects", date="2015-11-21T17:01:00-05:00")
    site.build()
    assert (site.output / "2015/11/21/mali-hunts-suspects/index.html").is_file()
    front = site.page("")
    assert 'href="/2015/11/21/mali-hunts-suspects/"' in front
    assert '.html"' not in front.replace("index.html", "")


def test_same_headline_same_day_gets_distinct_stable_urls(site):
    site.add_article("briefing-am", title="Morning Briefing", date="2015-11-21T07:00:00-05:00", body="Early edition.")
    site.add_article("briefing-pm", title="Morning Briefing", date="2015-11-21T09:00:00-05:00", body="Late edition.")
    site.add_article("briefing-next", title="Morning Briefing", date="2015-11-22T07:00:00-05:00", body="Next day.")
    site.build()
    day = site.output / "2015/11/21"
    slugs = sorted(p.name for p in day.iterdir())
    assert slugs[0] == "morning-briefing" and slugs[1].startswith("morning-briefing-") and len(slugs) == 2
    assert "Early edition." in site.page("2015/11/21/morning-briefing/")
    assert "Late edition." in site.page(f"2015/11/21/{slugs[1]}/")
    assert "Next day." in site.page("2015/11/22/morning-briefing/")
    site.build()
    assert sorted(p.name for p in day.iterdir()) == slugs


def test_tag_pagination_never_lands_on_another_tag(site):
    for number in range(7):
        site.add_article(f"six-{number}", title=f"Six {number}", tags=["tag6"], date=f"2015-11-{10 + number}T10:00:00Z")
    site.add_article("sixty-three", title="Sixty three", tags=["tag63"])
    site.build(DEFAULT_PAGINATION=2)
    assert "Sixty three" in site.page("tags/tag63/")
    assert "Six" in site.page("tags/tag6/page/3/")
    assert "Sixty three" not in site.page("tags/tag6/page/3/")


def test_hostile_slug_and_title_stay_inside_the_site(site):
    site.add_article("evil", title="<script>alert(1)</script>", slug="../../../tmp/evil")
    site.build()
    written = [p for p in site.root.rglob("index.html")]
    assert written and all(site.output.resolve() in p.parents for p in written)  # the live site's folder
    page = site.page("2015/11/21/tmp-evil/")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
