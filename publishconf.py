"""Production settings: everything in pelicanconf.py, with absolute URLs from the site's address.

`newsdigest publish` (and `make publish`) build with these, and refuse while SITEURL is empty
or local: set it here, or in the environment (NEWSDIGEST_SITEURL=https://your.site)."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("NEWSDIGEST_SITEURL", "")
RELATIVE_URLS = False
# Where `newsdigest publish` deploys without --to: a folder, user@host:path (rsync), or gh-pages.
DEPLOY_TO = os.environ.get("NEWSDIGEST_DEPLOY_TO", "")
