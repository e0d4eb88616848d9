"""newsdigest: a static site generator for a curated news digest, built on Pelican."""

__version__ = "0.1.0"
