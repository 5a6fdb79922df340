"""Fetching one page outside a crawl (`inspect`, `backfill --dry-run`), as politely as the crawler
does.

It sends the crawler's User-Agent and obeys robots.txt, read with Protego — the parser Scrapy's
own robots.txt middleware uses — so `inspect` and `crawl` agree on what a site allows (the
standard library's robotparser ignores `*` and `$` wildcards and reads rules first-match instead
of longest-match). Bytes are decoded as a browser does: HTTP charset, byte-order mark, `<meta>`
charset, then detection (w3lib).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from protego import Protego
from w3lib.encoding import html_to_unicode

from newsarchive import settings

TIMEOUT = settings.DOWNLOAD_TIMEOUT
MAX_BYTES = settings.DOWNLOAD_MAXSIZE


class FetchError(Exception):
    """The page could not be fetched; the message says why, in one line."""


@dataclass(slots=True)
class Page:
    url: str  # after redirects
    html: str


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Text of an HTML document: declared charset, BOM, `<meta>` charset, else detected."""
    return html_to_unicode(content_type, body)[1]


def fetch_page(url: str, user_agent: str = settings.USER_AGENT) -> Page:
    """GET `url` if the site's robots.txt allows it; raises FetchError otherwise."""
    body, final_url, content_type = fetch(url, user_agent)
    if content_type and "html" not in content_type and "xml" not in content_type:
        raise FetchError(f"not an HTML page ({content_type.split(';')[0]}): {url}")
    return Page(url=final_url, html=decode_html(body, content_type))


def fetch(url: str, user_agent: str = settings.USER_AGENT) -> tuple[bytes, str, str | None]:
    """GET `url` if the site's robots.txt allows it: the body, the URL after redirects, and the
    Content-Type; raises FetchError otherwise."""
    if not allowed(url, user_agent):
        raise FetchError(f"robots.txt of {urlsplit(url).netloc} does not allow fetching {url}")
    return _get(url, user_agent)


def allowed(url: str, user_agent: str) -> bool:
    """What the site's robots.txt says; a missing or unreadable one allows everything."""
    parts = urlsplit(url)
    robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    try:
        body, _, _ = _get(robots_url, user_agent)
    except FetchError:
        return True  # as Scrapy's middleware does when robots.txt cannot be had
    rules = Protego.parse(body.decode("utf-8", errors="replace"))
    return rules.can_fetch(url, user_agent)


def _get(url: str, user_agent: str) -> tuple[bytes, str, str | None]:
    request = urllib.request.Request(
        url, headers={"User-Agent": user_agent, "Accept": "text/html,*/*;q=0.8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise FetchError(f"page larger than {MAX_BYTES} bytes: {url}")
            return body, response.geturl(), response.headers.get("Content-Type")
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP {error.code} for {url}") from error
    except urllib.error.URLError as error:
        raise FetchError(f"cannot fetch {url}: {error.reason}") from error
    except (TimeoutError, OSError, ValueError) as error:
        raise FetchError(f"cannot fetch {url}: {error}") from error
