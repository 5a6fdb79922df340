"""Canonical story URLs: one story, one key, however a site decorates its links."""

from __future__ import annotations

import re
from contextlib import suppress
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

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
_DEFAULT_PORTS = {"http": 80, "https": 443}
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
    """True for an absolute http(s) URL with a host (and a valid port, if it names one)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def site_origin(url: str, *, port: bool = True) -> str:
    """The crawl's site boundary: the host (IDNA, without www) and any port but the default.

    Another port of the same host is another site, so neither a redirect nor a next link can
    send the crawler to a service it was not pointed at. On their default ports http and https
    are one site: a move to https stays on it. The Unicode and punycode forms of a host agree.
    Without `port`, just the host.
    """
    try:
        parts = urlsplit(url)
        number = parts.port
    except ValueError:
        return ""
    host = parts.hostname or ""
    with suppress(UnicodeError):  # not a valid IDN: compared as written
        host = host.encode("idna").decode("ascii")
    host = f"[{host}]" if ":" in host else site_key(host)  # an IPv6 address keeps its brackets
    default = _DEFAULT_PORTS.get(parts.scheme)
    return host + (f":{number}" if port and number and number != default else "")


def without_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """`url` without a `user:password@` part, and that user and password (None without one).

    Credentials go no further than this: what is logged, stored and shown is the URL without them.
    """
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    netloc = parts.netloc.rpartition("@")[2]
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    return urlunsplit(parts._replace(netloc=netloc)), (user, password)


def site_key(host: str) -> str:
    """A host as the archive names sites: lower case, without a leading www."""
    return host.strip().lower().removeprefix("www.")


def host_of(url: str) -> str:
    """The site of `url` (`site_key` of its host); empty for a URL that has none."""
    try:
        return site_key(urlsplit(url).hostname or "")
    except ValueError:
        return ""
