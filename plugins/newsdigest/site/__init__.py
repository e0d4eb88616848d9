"""The site's features, as plain functions tested without Pelican.

Owns taxonomy (tags, sections, sources), related stories, editions, presentation, feeds,
sitemaps, the search index's blocks, addresses (`addresses`) and every newsdigest setting
gathered in one place (`settings`).

May import: `newsdigest.content` and the foundation (`newsdigest.paths`, `settings`,
`digests`, `workers`).
"""
