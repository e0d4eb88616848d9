"""newsdigest: a static site generator for a curated news digest, built on Pelican.

Layers, lowest first (tests/test_architecture.py keeps them): the foundation (`paths`,
`settings`, `digests`, `workers`); `content`; `site`; `ingest`; the build engine (`build`);
the Pelican glue (`pelican_plugins`); the build's run (`build.run`); `serve` and `deploy`;
`cli`. A module imports only from its own layer and those below.
"""

__version__ = "0.1.0"
