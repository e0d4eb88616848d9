"""The build engine: one build from settings to a site put in place atomically.

Owns the run (`run.build`, read top to bottom), the build record (`record`), the lock
(`lock`), the cache (`cache`), page keys and the page store, the site's generations
(`generations`), file modes, worker processes (`workers`), stop points for fault-injection
tests and the build's error (`errors`). The Pelican glue (`newsdigest.pelican_plugins`) is
imported by `run` alone.

May import: `newsdigest.content`, `newsdigest.site`, `newsdigest.settings`, `newsdigest.paths`,
and (from `run` only) `newsdigest.pelican_plugins`.
"""
