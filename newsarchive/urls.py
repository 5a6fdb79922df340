"""Canonical story URLs: one story, one key, however a site decorates its links."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that only track the click; every other parameter may select content and is kept.
TRACKING_PARAMS = (
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "igshid",
    "mkt_tok", "ref_src", "spm", "_hsenc", "_hsmi",
)  # fmt: skip
# Session ids: a new value on every visit would make one page look like endless new pages.
SESSION_PARAMS = (
    "phpsessid", "jsessionid", "sessionid", "session_id", "sessid", "aspsessionid", "cfid",
    "cftoken", "zenid", "oscsid",
)  # fmt: skip
_TRACKING_PREFIX = re.compile(r"(?:^|[?&])(utm_[^=&]*)=?", re.I)
_DROPPED = frozenset(TRACKING_PARAMS + SESSION_PARAMS)
# `;jsessionid=...` and friends, which servlet containers put in the path.
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid)=[^/?#]*", re.I)


# A URL that w3lib's canonicalisation returns unchanged: lower-case http(s) host, a path of plain
# characters (no percent-escapes, dot segments or `;` parameters), no query, no fragment. Most
# story links look like this; they skip the full treatment (tests/test_urls.py checks the claim).
_ALREADY_CANONICAL = re.compile(
    r"https?://[a-z0-9.-]+"
    r"(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
    r"/(?:[A-Za-z0-9_~!$'()*+,=:@-]|\.(?!\.?(?:/|$))|/)*"
)


@lru_cache(maxsize=16384)  # the spider and the normalise pipeline ask for the same URLs in turn
def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking or session parameters, sorted query."""
    if _ALREADY_CANONICAL.fullmatch(url):
        return url
    url = _PATH_SESSION.sub("", url)
    query = urlsplit(url).query
    if query:
        names = {name for name, _, _ in (pair.partition("=") for pair in query.split("&"))}
        params = [name for name in names if name.lower() in _DROPPED]
        params += _TRACKING_PREFIX.findall(query)
        url = url_query_cleaner(url, params, remove=True, unique=False, keep_fragments=True)
    return canonicalize_url(url, keep_fragments=False)


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def site_key(host: str) -> str:
    """A host as the archive names sites: lower case, without a leading www."""
    return host.strip().lower().removeprefix("www.")


def host_of(url: str) -> str:
    """The site of `url` (`site_key` of its host); empty for a URL that has none."""
    try:
        return site_key(urlsplit(url).hostname or "")
    except ValueError:
        return ""
