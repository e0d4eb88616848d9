"""The build engine: one build from settings to a site put in place atomically.

Owns the run (`run.build`, read top to bottom), the build record (`record`), the memory of
the last good build (`last_build`), the lock (`lock`), the cache (`cache`), page keys and the
page store, the site's generations (`generations`), file modes, stop points for
fault-injection tests, which templates read other stories' fields (`template_reads`), templates
compiled once per process (`template_memo`) and the build's error (`errors`).

May import: `newsdigest.site`, `newsdigest.content` and the foundation. `run` alone sits above
the Pelican glue (`newsdigest.pelican_plugins`) and imports it; the glue imports the rest.
tests/test_architecture.py holds every package to its layer.
"""
