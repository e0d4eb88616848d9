"""Whether a site's address (SITEURL) can be published: feeds, newsletters, sitemaps and canonical
links carry it to readers' machines, where an empty or local address leads nowhere. Plain
functions, no Pelican.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from newsdigest.content import safe_urls

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def is_local_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_link_local


def unpublishable(siteurl: str | None) -> str | None:
    """Why a site whose address is `siteurl` cannot be published, in a few words; None when it can."""
    if not siteurl:
        return "SITEURL is empty"
    if safe_urls.web_url(siteurl) is None:
        return f"SITEURL {siteurl!r} is not an http(s) address"
    if is_local_host(urlsplit(siteurl).hostname or ""):
        return f"SITEURL {siteurl} is local to this machine"
    return None
