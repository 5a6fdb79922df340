"""Resolving links the way a browser does."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from parsel import Selector

from newsarchive.urls import host_of

_INNER_WHITESPACE = re.compile(r"[\t\n\r]")
# Links that resolve without urljoin: absolute http(s) URLs with a plain host, and paths from
# the root; neither may hold dot segments ("/./", "/../"), which urljoin would remove.
_PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][^\s\[\]\\]*)?")
_PLAIN_PATH = re.compile(r"/(?!/)[^\s\[\]\\]*")


def base_url(page: Selector, url: str) -> str:
    """The URL relative links resolve against: `<base href>` when present, else the page URL."""
    base = page.xpath("/html/head/base/@href").get()
    return urljoin(url, absolute_href(base, url) or url) if base else url


def absolute_href(href: str | None, base: str) -> str | None:
    """Resolve `href` against `base`; None unless the result is an http(s) URL."""
    if not href:
        return None
    href = _INNER_WHITESPACE.sub("", href.strip())
    if not href or href.startswith("#"):
        return None
    # The fast paths, for most links on a page; urljoin would drop an empty query or fragment.
    if "/." not in href and "?#" not in href and not href.endswith(("?", "#")):
        if _PLAIN_ABSOLUTE.fullmatch(href):
            return href
        origin = _origin(base)
        if origin and _PLAIN_PATH.fullmatch(href):
            return origin + href
    try:
        url = urljoin(base, href)
        return url if urlsplit(url).scheme in ("http", "https") else None
    except ValueError:  # "http://[::1" and other URLs no browser would follow
        return None


@lru_cache(maxsize=256)
def _origin(base: str) -> str | None:
    """`scheme://host[:port]` of an http(s) base URL with a plain host, else None."""
    match = _PLAIN_ABSOLUTE.match(base)
    if not match:
        return None
    parts = urlsplit(base)
    plain = parts.scheme in ("http", "https") and "/." not in parts.path
    return f"{parts.scheme}://{parts.netloc}" if plain and parts.netloc else None


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same host (a leading www. is ignored)."""
    return host_of(url) == host_of(other)
