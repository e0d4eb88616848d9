"""Addresses: where every page lives and what an old address answers.

Owns the record of every story address the site has published (`record`), whether the
site's own address can be published (`siteurl`), links that work when the site is opened
from the disk (`preview_links`), and the rules a web server answers by (`server_rules`).

May import: `newsdigest.content`, `newsdigest.settings`.
"""
