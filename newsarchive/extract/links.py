"""Resolving links the way a browser does."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector

_INNER_WHITESPACE = re.compile(r"[\t\n\r]")


def base_url(page: Selector, url: str) -> str:
    """The URL relative links resolve against: `<base href>` when present, else the page URL."""
    base = page.xpath("//head/base/@href").get()
    return urljoin(url, absolute_href(base, url) or url) if base else url


def absolute_href(href: str | None, base: str) -> str | None:
    """Resolve `href` against `base`; None unless the result is an http(s) URL."""
    if not href:
        return None
    href = _INNER_WHITESPACE.sub("", href.strip())
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        return url if urlsplit(url).scheme in ("http", "https") else None
    except ValueError:  # "http://[::1" and other URLs no browser would follow
        return None


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on the same host (a leading www. is ignored)."""
    return _host(url) == _host(other)


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")
