"""Thin Pelican glue around newsdigest's plain functions, one plugin per concept.

`ALL` lists them in the order pelicanconf.py loads them. The order matters: Pelican runs a
signal's receivers in the order they were connected (it makes blinker keep them in an
ordered set), and it runs plugin generators (`get_generators`) in the order they were
returned, every `generate_context` before any `generate_output`. So:

- writer before site_files and search: on `finalized`, the writer's flush renders the
  queued pages first; site_files then lists the pages written in the sitemap (after the
  writer it lists none), and search indexes the pages on disk (after the writer it finds
  none, and the build fails). Between themselves their order does not matter: the sitemap
  lists HTML pages only, and the search index has none. On `get_writer` it is alone.
- taxonomy before related, feeds and presentation: its `generate_context` makes the terms
  (`context["taxonomies"]`, `article.section_term`) whose names related stories give as
  reasons, that get feeds of their own (after feeds, no term has a feed), and that a story's
  JSON-LD gives as its section (after presentation, none).
- editions before feeds: the editions feed and its newsletter entries are made from
  `context["editions"]` and `context["edition_newsletter"]` (after feeds, there is none).
- output_claims' place does not matter: on `all_generators_finalized` it reads what every
  generator made (the feeds' sets, the static files, the stories, the addresses' redirect
  pages), and strict's check runs after it.
- strict's place does not matter: it attaches its problem collector on `initialized`, before
  Pelican reads anything, and connects its checks then, after every plugin's register(), so
  they run after every other receiver of `all_generators_finalized` and `finalized`.
- inputs after strict (whose collector then holds its problems) and before reader: on
  `initialized` it refuses the files no build may read before reader's receiver opens any.
- reader, linear_archives and article_identity connect to signals (`initialized`,
  `readers_init`, `article_generator_init`, `article_generator_pretaxonomy`) where no other
  plugin of ours needs them to run first or last; article_identity shares pretaxonomy with
  related's `keep_references`, which only copies front matter.

tests/test_pelican_contract.py checks these positions, and each private part of Pelican
this package relies on (see docs/plugins-and-themes.md).

May import: the build engine (`newsdigest.build`, but `run`), `newsdigest.site`,
`newsdigest.content` and the foundation; no plugin imports another (tests/test_architecture.py).
"""

ALL = [
    "newsdigest.pelican_plugins.settings",
    "newsdigest.pelican_plugins.writer",
    "newsdigest.pelican_plugins.strict",
    "newsdigest.pelican_plugins.inputs",
    "newsdigest.pelican_plugins.reader",
    "newsdigest.pelican_plugins.linear_archives",
    "newsdigest.pelican_plugins.article_identity",
    "newsdigest.pelican_plugins.taxonomy",
    "newsdigest.pelican_plugins.related",
    "newsdigest.pelican_plugins.editions",
    "newsdigest.pelican_plugins.feeds",
    "newsdigest.pelican_plugins.presentation",
    "newsdigest.pelican_plugins.site_files",
    "newsdigest.pelican_plugins.addresses",
    "newsdigest.pelican_plugins.search",
    "newsdigest.pelican_plugins.output_claims",
]
