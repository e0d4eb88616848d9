"""Pelican's article generator without its two quadratic loops, which cost a second at
ten thousand stories: each month archive scans every story for membership in the month
(`a in dates`, a list), and author pages do the same even when they are off.

The month archives are built by Pelican's own code, then given their stories in one
pass (Pelican's content objects compare by identity, so the result is the same); author
pages, which a digest does not have, are skipped when AUTHOR_SAVE_AS is empty. Both are
overridden on the generator instance only.
"""

from __future__ import annotations

from pelican import signals


def _linear_period_archives(build_period_archives):
    def build(sorted_articles, articles, settings):
        archives = build_period_archives(sorted_articles, [], settings)  # all but the scan
        position = {id(article): index for index, article in enumerate(articles)}
        for granularity in archives.values():
            for archive in granularity:  # the month's stories in `articles` order, as Pelican lists them
                archive["articles"] = sorted(
                    (a for a in archive["dates"] if id(a) in position), key=lambda a: position[id(a)]
                )
        return archives

    return build


def speed_up(generator) -> None:
    generator._build_period_archives = _linear_period_archives(generator._build_period_archives)
    if not generator.settings.get("AUTHOR_SAVE_AS"):
        generator.generate_authors = lambda write: None


def register():
    signals.article_generator_init.connect(speed_up)
