"""Thin Pelican glue around newsdigest's plain functions, one plugin per concept.

`ALL` lists them in the order pelicanconf.py loads them.
"""

ALL = [
    "newsdigest.pelican_plugins.settings",
    "newsdigest.pelican_plugins.writer",
    "newsdigest.pelican_plugins.strict",
    "newsdigest.pelican_plugins.reader",
    "newsdigest.pelican_plugins.linear_archives",
    "newsdigest.pelican_plugins.article_identity",
    "newsdigest.pelican_plugins.taxonomy",
    "newsdigest.pelican_plugins.related",
    "newsdigest.pelican_plugins.editions",
    "newsdigest.pelican_plugins.feeds",
    "newsdigest.pelican_plugins.presentation",
    "newsdigest.pelican_plugins.site_files",
    "newsdigest.pelican_plugins.search",
]
