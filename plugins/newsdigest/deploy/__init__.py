"""`newsdigest publish`: deploying a built site to a folder, a server (rsync) or gh-pages.

Owns the deploy targets (`targets`) and the WebSub pings after a deploy (`websub`). May import:
`newsdigest.paths`, `newsdigest.build`, `newsdigest.content`, `newsdigest.site`.
"""
