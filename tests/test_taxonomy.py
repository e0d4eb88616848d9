"""Tags, sections and sources: folded, aliased, uniquely slugged, and each with its pages."""

import re

from newsdigest.site.taxonomy import Vocabulary, alphabetical, build_terms, fold, most_covered


def terms_of(names_per_item, vocabulary=None, min_count=1):
    return build_terms("tags", [(f"story-{i}", names) for i, names in enumerate(names_per_item)], vocabulary, min_count)


def test_spellings_fold_into_one_term():
    assert fold("al Qaeda") == fold("Al-Qaeda") == fold("al-qaeda") == fold("AL  QAEDA.")
    assert fold("Zürich") == fold("zurich")
    terms, by_item = terms_of([["al Qaeda"], ["Al-Qaeda"], ["al-qaeda", "Mali"]])
    assert [term.name for term in terms] == ["Al-Qaeda", "Mali"]  # spellings tie: the first alphabetically
    [qaeda] = [term for term in terms if term.key == "al qaeda"]
    assert qaeda.count == 3 and qaeda.slug == "al-qaeda"
    assert by_item[2] == [qaeda, next(t for t in terms if t.name == "Mali")]


def test_vocabulary_aliases_and_preferred_names():
    vocabulary = Vocabulary.from_mapping({"Islamic State": {"aliases": ["IS", "ISIS"], "description": "The group."}})
    terms, _ = terms_of([["ISIS"], ["IS"], ["islamic state"]], vocabulary)
    [term] = terms
    assert term.name == "Islamic State" and term.count == 3 and term.description == "The group."
    assert term.url == "tags/islamic-state/"


def test_colliding_slugs_stay_distinct_and_stable():
    terms, _ = terms_of([["C++"], ["C"], ["C"], ["c!"], ["page"]])
    slugs = [term.slug for term in terms]
    assert len(set(slugs)) == len(slugs)
    by_name = {term.name: term.slug for term in terms}
    assert by_name["C"] == "c"  # the term with more stories keeps the plain slug
    assert by_name["page"] != "page"  # would shadow pagination
    again, _ = terms_of([["page"], ["c!"], ["C"], ["C"], ["C++"]])
    assert {t.name: t.slug for t in again} == by_name


def test_minimum_count_leaves_rare_terms_unlinked():
    terms, _ = terms_of([["Mali", "Rare"], ["Mali"]], min_count=2)
    by_name = {term.name: term for term in terms}
    assert by_name["Mali"].url == "tags/mali/" and by_name["Rare"].url is None


def test_related_terms_are_those_seen_together_most():
    terms, _ = terms_of([["Mali", "Bamako"], ["Mali", "Bamako"], ["Mali", "France"], ["Russia"]])
    mali = next(term for term in terms if term.name == "Mali")
    assert [term.name for term in mali.related] == ["Bamako", "France"]


def test_ten_thousand_stories_fold_in_one_pass():
    names = [[f"Tag {(i * 7 + k) % 2000}" for k in range(5)] for i in range(10_000)]
    terms, _ = terms_of(names)
    assert len(terms) == 2000 and sum(term.count for term in terms) == 50_000


def test_tag_section_and_source_pages(site):
    site.add_article(
        "a",
        title="Mali siege",
        tags=["Mali", "al Qaeda"],
        section="World",
        source="VICE News",
        subtitle="Gunmen stormed a hotel.",
        date="2015-11-20T10:00:00Z",
    )
    site.add_article(
        "b",
        title="Bamako curfew",
        tags=["mali", "Al-Qaeda"],
        section="World",
        source="Reuters",
        date="2015-11-21T10:00:00Z",
    )
    site.write("tags.yml", "Al-Qaeda:\n  description: A militant network.\n  image: /images/aq.jpg\n")
    site.build()
    mali = site.page("tags/mali/")
    assert mali.index("Bamako curfew") < mali.index("Mali siege")  # newest first
    assert "Gunmen stormed a hotel." in mali and "VICE News" in mali
    assert "A militant network." in site.page("tags/al-qaeda/")
    assert '<img class="term-image" src="/images/aq.jpg" alt=""' in site.page("tags/al-qaeda/")
    assert 'href="/tags/al-qaeda/"' in mali  # related term
    assert "Mali siege" in site.page("sources/vice-news/") and "Bamako curfew" not in site.page("sources/vice-news/")
    assert "Bamako curfew" in site.page("sections/world/")
    index = site.page("tags/")
    assert re.search(r'href="/tags/mali/">Mali</a> <span class="count">2</span>', index)
    article = site.page("2015/11/20/mali-siege/")
    for link in ("/tags/mali/", "/tags/al-qaeda/", "/sections/world/", "/sources/vice-news/"):
        assert f'href="{link}"' in article


def test_tag_pages_paginate_without_collisions(site):
    for number in range(7):
        site.add_article(f"six-{number}", title=f"Six {number}", tags=["tag6"], date=f"2015-11-{10 + number}T10:00:00Z")
    site.add_article("sixty-three", title="Sixty three", tags=["tag63", "page"])
    site.build(DEFAULT_PAGINATION=2)
    assert "Sixty three" in site.page("tags/tag63/")
    assert "Six 0" in site.page("tags/tag6/page/4/")
    assert not (site.output / "tags/tag6/page/5").exists()
    page_tag = [p for p in (site.output / "tags").iterdir() if p.name.startswith("page")]
    assert len(page_tag) == 1 and page_tag[0].name != "page"


def test_rare_tags_show_unlinked_on_the_story(site):
    site.add_article("a", title="Alpha", tags=["Common", "Rare"])
    site.add_article("b", title="Beta", tags=["Common"], date="2015-11-22T10:00:00Z")
    site.build(TAXONOMY_MIN_COUNT=2)
    article = site.page("2015/11/21/alpha/")
    assert 'href="/tags/common/"' in article and "<li>Rare</li>" in article
    assert not (site.output / "tags/rare").exists()


def test_hostile_tag_names_are_escaped_with_safe_slugs(site):
    hostile = ["<script>alert(1)</script>", "../../etc", "🔥 2015", "x" * 300, "page"]
    site.add_article("a", title="Hostile", tags=hostile)
    site.build()
    tag_folders = [p.name for p in (site.output / "tags").iterdir() if p.is_dir()]
    assert len(tag_folders) == len(hostile)
    assert all(re.fullmatch(r"[a-z0-9-]{1,80}", name) for name in tag_folders)
    article = site.page("2015/11/21/hostile/")
    assert "<script>alert(1)</script>" not in article and "&lt;script&gt;" in article
    # Every page the build wrote anywhere under the project is in the live site: no tag name led outside it.
    live = site.output.resolve()
    written = list(site.root.rglob("*.html"))
    outside = [str(path.relative_to(site.root)) for path in written if live not in path.parents]
    assert written and outside == [], f"pages written outside the site: {outside}"


def test_a_to_z_groups_by_first_letter_without_accents_and_puts_the_rest_first():
    terms, _ = terms_of([["Zürich", "Élysée", "elections", "2015 polls", "Ελλάδα"], ["Zürich", "Athens"]])
    groups = [(letter, [term.name for term in group]) for letter, group in alphabetical(terms)]
    assert groups == [
        ("#", ["2015 polls"]),
        ("A", ["Athens"]),
        ("E", ["elections", "Élysée"]),
        ("Z", ["Zürich"]),
        ("Ε", ["Ελλάδα"]),
    ]
    assert [term.name for term in most_covered(terms, 2)] == ["Zürich"]  # the others have one story each


def test_index_pages_scan_a_to_z_with_the_most_covered_on_top(site):
    for number in range(6):
        site.add_article(
            f"s{number}",
            title=f"Story {number}",
            date=f"2015-11-{10 + number}T10:00:00Z",
            tags=["Mali", "Élysée"] if number < 4 else ["Bamako", "9/11 inquiry"],
        )
    site.build(TAXONOMY_TOP_TERMS=1)
    index = site.page("tags/")
    top = re.search(r'class="top-terms".*?</section>', index, re.S).group(0)
    assert re.findall(r'href="/tags/([^/]+)/"', top) == ["elysee"]  # 4 stories, ties by name: Élysée before Mali
    letters = re.findall(r'<h2 id="letter-\d+">(.)</h2>', index)
    assert letters == ["#", "B", "E", "M"]
    assert index.index('href="/tags/bamako/"', index.index(">B</h2>")) < index.index(">E</h2>")


def test_author_pages_when_asked_for_and_bylines_link_to_them(site):
    site.add_article("a", title="First", authors=["Jane Doe", "Ann Lee"], source="Reuters", date="2015-11-20T10:00:00Z")
    site.add_article("b", title="Second", authors=["Jane Doe"], date="2015-11-21T10:00:00Z")
    site.build()
    assert not (site.output / "authors").exists()
    assert "By Jane Doe and Ann Lee · Reuters" in re.sub(r"<[^>]+>", "", site.page("2015/11/20/first/"))
    site.build(TAXONOMY_KINDS=["tags", "sections", "sources", "authors"])
    jane = site.page("authors/jane-doe/")
    assert "First" in jane and "Second" in jane and "Ann Lee" in site.page("authors/")
    assert 'href="/authors/jane-doe/"' in site.page("2015/11/21/second/")
