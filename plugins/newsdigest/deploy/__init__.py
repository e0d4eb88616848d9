"""`newsdigest publish`: deploying a built site to a folder, a server (rsync) or gh-pages.

Owns the deploy targets (`targets`). May import: `newsdigest.paths`.
"""
