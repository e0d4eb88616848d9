"""`newsdigest edition send`: an edition's newsletter delivered by email, as plain functions.

Owns the subscribers file (`subscribers`: CSV or YAML, validated with errors naming file and
line), the messages (`messages`: the edition's email.html and email.txt, whole or as a topic
digest, in a multipart message with its list headers), the send log (`send_log`: under the
cache folder, one line per recipient the server accepted, so a killed send resumes and sends
nobody twice), SMTP (`smtp`: starttls, tls or none, the password from the environment only, a
rate limit) and the send itself (`send`), with their settings (`settings`).

Nothing here is read by a build: no subscriber reaches the site, its feeds or its log.
May import: `newsdigest.settings`, `newsdigest.paths`, `newsdigest.content`, `newsdigest.site`.
"""
