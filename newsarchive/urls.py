"""Canonical story URLs: one story, one key, however a site decorates its links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that only track the click; every other parameter may select content and is kept.
TRACKING_PARAMS = (
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "igshid",
    "mkt_tok", "ref_src", "spm", "_hsenc", "_hsmi",
)  # fmt: skip
_TRACKING_PREFIX = re.compile(r"(?:^|[?&])(utm_[^=&]*)=?", re.I)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, sorted query."""
    params = list(TRACKING_PARAMS) + _TRACKING_PREFIX.findall(urlsplit(url).query)
    if urlsplit(url).query:
        url = url_query_cleaner(url, params, remove=True, unique=False, keep_fragments=True)
    return canonicalize_url(url, keep_fragments=False)


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_of(url: str) -> str:
    """The lower-case host of `url`, without a leading www."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")
