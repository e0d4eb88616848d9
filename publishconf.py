"""Production settings: everything in pelicanconf.py, with absolute URLs."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("NEWSDIGEST_SITEURL", "https://digest.example.org")
RELATIVE_URLS = False
