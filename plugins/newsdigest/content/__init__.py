"""The content: what a story file holds and what the site may take from it.

Owns YAML front matter (`frontmatter`), the story model (`model`), converted documents
(`document`), slugs, safe URLs, what a site address may be (`site_addresses`), and the file of
a new story written by hand (`new_story`). Plain functions, no Pelican.

May import: the foundation (`newsdigest.paths`, `settings`, `digests`, `workers`) only.
"""
