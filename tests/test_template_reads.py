"""Which templates may show a story's note on a page that is not the story's own: those pages
must be rendered again when any note changes, the others need not be."""

import jinja2
import pytest

from newsdigest.build.template_reads import reads_fields_of_others

FIELDS = ("metadata", "note", "image_credit")


def reads(templates: dict[str, str], name: str = "page.html", own=("article",)) -> bool:
    environment = jinja2.Environment(loader=jinja2.DictLoader(templates))
    return reads_fields_of_others(environment, name, FIELDS, own)


@pytest.mark.parametrize(
    "template",
    [
        "<h1>{{ article.title }}</h1><aside>{{ article.note }}</aside>",
        "{{ article['note'] }} {{ article.image_credit }}",
        "{% for item in related %}<a href='{{ item.url }}'>{{ item.title }}</a>{% endfor %}",
        '<p role="note">Over a year old.</p>',  # the word in the page's text is not a read
    ],
)
def test_a_page_showing_only_its_own_story_fields_reads_no_one_elses(template):
    assert not reads({"page.html": template})


@pytest.mark.parametrize(
    "template",
    [
        "{% for story in stories %}{{ story.note }}{% endfor %}",
        "{% for article in articles %}{{ article.note }}{% endfor %}",  # `article` rebound by the loop
        "{% set article = articles[0] %}{{ article.note }}",
        "{{ article.previous_story.note }}",  # reached through the own story, but another story's
        "{{ stories|map(attribute='image_credit')|join(', ') }}",
        "{{ story.metadata|tojson }}",
        "{{ story['note'] }}",
        "{% macro card(article) %}{{ article.note }}{% endmacro %}{{ card(articles[0]) }}",
    ],
)
def test_any_way_of_reaching_another_storys_note_counts(template):
    assert reads({"page.html": template})


def test_a_note_anywhere_in_the_templates_a_page_uses_counts():
    shared = {
        "story.html": "{% macro card(story) %}<h2>{{ story.title }}</h2>{{ story.note }}{% endmacro %}",
        "base.html": "<main>{% block content %}{% endblock %}</main>",
    }
    imported = (
        '{% extends "base.html" %}{% from "story.html" import card %}{% block content %}{{ card(x) }}{% endblock %}'
    )
    included = '{% extends "base.html" %}{% block content %}{% include "list.html" %}{% endblock %}'
    assert reads({**shared, "page.html": imported})
    assert reads({**shared, "page.html": included, "list.html": "{% for s in items %}{{ s.note }}{% endfor %}"})
    assert not reads({**shared, "page.html": included, "list.html": "{% for s in items %}{{ s.title }}{% endfor %}"})


def test_a_template_chosen_at_run_time_could_be_any_and_counts():
    assert reads({"page.html": "{% include chosen %}", "plain.html": "{{ article.title }}"})


def test_own_means_only_the_names_the_page_is_given():
    assert reads({"page.html": "{{ article.note }}"}, own=())
    assert not reads({"page.html": "{{ page.note }}"}, own=("page",))
