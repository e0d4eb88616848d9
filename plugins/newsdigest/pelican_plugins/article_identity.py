"""Every article gets one URL of its own and a fixed place in every list.

Two stories with the same headline on the same day get distinct slugs (the
earliest keeps the plain one, the others a short stable suffix); explicit slugs
are the curator's and are left alone: if they collide the strict build says so.
"""

from __future__ import annotations

import os

from pelican import signals
from pelican.contents import Category

from newsdigest.content.slugs import with_suffix


def _source_key(item, base_path: str) -> str:
    return os.path.relpath(item.source_path, base_path).replace(os.sep, "/")


def make_slugs_unique(items, base_path: str) -> None:
    """Give generated slugs that would share an output path a deterministic suffix."""
    by_path: dict[str, list] = {}
    for item in items:
        by_path.setdefault(item.save_as, []).append(item)
    for group in by_path.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda item: (item.date, _source_key(item, base_path)))
        keeper = next((item for item in group if getattr(item, "explicit_slug", False)), group[0])
        for item in group:
            if item is not keeper and not getattr(item, "explicit_slug", False):
                item.slug = with_suffix(item.slug, _source_key(item, base_path))


def canonical_order(items, base_path: str) -> list:
    """Newest first; same-minute stories by source path, so file-system order never shows."""
    ordered = sorted(items, key=lambda item: _source_key(item, base_path))
    return sorted(ordered, key=lambda item: item.date, reverse=True)


def freeze_urls(items) -> None:
    """Pin each item's url now that its slug is final.

    Pelican re-expands the URL pattern on every access (hundreds of thousands of
    times in a large build); its `override_url` short-circuits that. (`save_as`
    is left alone: Pelican reads an `override_save_as` as licence to overwrite.)
    """
    for item in items:
        item.override_url = item.url


def settle_articles(generator) -> None:
    base_path = generator.path
    everything = generator.articles + generator.drafts + generator.hidden_articles
    for item in generator.drafts + generator.hidden_articles:  # categories are off, but Pelican's
        if not hasattr(item, "category"):  # draft writer still asks for one
            item.category = Category(generator.settings.get("DEFAULT_CATEGORY", "misc"), generator.settings)
    make_slugs_unique(everything, base_path)
    freeze_urls(everything)
    generator.articles = canonical_order(generator.articles, base_path)
    generator.drafts = canonical_order(generator.drafts, base_path)
    generator.hidden_articles = canonical_order(generator.hidden_articles, base_path)


def register():
    signals.article_generator_pretaxonomy.connect(settle_articles)
