"""`newsdigest serve`: build, serve the output on this machine, rebuild on every edit.

Owns the server and its watch (`server`) and the first answer to an edit, the edited
story's own page at once (`edits`).

May import: `newsdigest.build`, `newsdigest.site`, `newsdigest.content`, and the writer's
page renderer from `newsdigest.pelican_plugins`.
"""
