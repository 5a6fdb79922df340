"""Wayback-style CDX APIs: asking for a tag's captures, reading the answer, choosing captures.

The Internet Archive's CDX server answers `output=json` with a JSON array of arrays (a header
row naming the fields, then one row per capture); pywb answers with one JSON object per line.
Both are read, and whatever the server ignored of the query (the status filter, the time range,
collapsing repeats) is applied here again. A tag's captures are those of its start URL and of
its older pages (`/page/N/`, `?page=N` … as `extract.pagination` reads page numbers). Pure: no
network, no clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from urllib.parse import urlencode, urlsplit

from newsarchive.extract.pagination import page_position
from newsarchive.items import ArchivedCapture

INTERNET_ARCHIVE_CDX = "https://web.archive.org/cdx/search/cdx"
INTERNET_ARCHIVE_REPLAY = "https://web.archive.org/web/"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# The field names of both servers, as the Internet Archive's answer names them.
ALIASES = {"url": "original", "status": "statuscode", "mime": "mimetype"}


class CdxError(Exception):
    """The CDX API's answer cannot be read; the message says why, in one line."""


def queries(
    api: str, start_url: str, since: date | datetime | None, until: date | datetime | None
) -> list[str]:
    """The CDX API URLs that list the captures of a tag page and its older pages.

    One prefix query on the tag's path (without its trailing slash, which the servers' URL keys
    drop); a tag at the root of a site asks for the root and for `/page/` only, not the site.
    """
    parts = urlsplit(start_url)
    path = parts.path.rstrip("/")
    common = {"output": "json", "filter": "statuscode:200", "collapse": "digest"}
    if since:
        common["from"] = stamp(since)
    if until:
        common["to"] = stamp(until, end=True)
    prefixes = [f"{parts.netloc}{path}"] if path else [f"{parts.netloc}/page/"]
    found = [f"{api}?{urlencode({'url': p, 'matchType': 'prefix', **common})}" for p in prefixes]
    if not path:
        found.append(f"{api}?{urlencode({'url': f'{parts.netloc}/', **common})}")
    return found


def parse_moment(text: str | None) -> date | datetime | None:
    """A --since/--until value: a date (YYYY-MM-DD) or an ISO 8601 date-time (UTC); ValueError
    for anything else."""
    if not text:
        return None
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)


def stamp(moment: date | datetime, *, end: bool = False) -> str:
    """A 14-digit CDX timestamp; a date alone means its first (or, with `end`, last) second."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.max if end else time.min)
    return moment.strftime("%Y%m%d%H%M%S")


def read_answer(body: bytes) -> list[dict[str, str]]:
    """The rows of a CDX answer in either format, fields named as the Internet Archive names
    them (`original`, `timestamp`, `statuscode`, `mimetype`, `digest` …)."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return []
    try:
        if text.startswith("["):
            table = json.loads(text)
            if not table:
                return []
            header, *rows = table
            return [_named(dict(zip(header, row, strict=False))) for row in rows]
        return [_named(json.loads(line)) for line in text.splitlines() if line.strip()]
    except (ValueError, TypeError) as error:
        raise CdxError(f"not a CDX answer in JSON ({error})") from None


def _named(row: object) -> dict[str, str]:
    if not isinstance(row, dict):
        raise TypeError("a row is not an object")
    return {ALIASES.get(key, key): str(value) for key, value in row.items()}


def listing_captures(
    rows: Iterable[dict[str, str]],
    start_url: str,
    replay_prefix: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> list[ArchivedCapture]:
    """The captures of the tag page at `start_url` and its older pages among `rows`, oldest
    first: HTML answered with 200, within the time range, a capture whose payload repeats the
    previous capture of the same URL left out."""
    listing = _listing_key(start_url)
    low, high = stamp(since) if since else "", stamp(until, end=True) if until else "~"
    last_digest: dict[str, str] = {}
    found = []
    ordered = sorted(rows, key=lambda row: (row.get("timestamp", ""), row.get("original", "")))
    for row in ordered:
        url, timestamp = row.get("original", ""), row.get("timestamp", "")
        if len(timestamp) < 14 or not timestamp[:14].isdigit() or not low <= timestamp <= high:
            continue
        if row.get("statuscode") != "200" or row.get("mimetype", "").lower() not in HTML_TYPES:
            continue
        position = page_position(url)
        if position is None or _listing_key(url) != listing:
            continue
        digest = row.get("digest") or None
        if digest is not None and last_digest.get(url) == digest:
            continue
        if digest is not None:
            last_digest[url] = digest
        timestamp = timestamp[:14]
        found.append(
            ArchivedCapture(
                url=url,
                timestamp=timestamp,
                replay_url=f"{replay_prefix}{timestamp}id_/{url}",
                digest=digest,
                page_number=max(position[1], 1),
            )
        )
    return found


def _listing_key(url: str) -> tuple | None:
    """Which listing a URL is a page of, whatever its scheme, `www.` or default port."""
    position = page_position(url)
    if position is None:
        return None
    (host, path, rest), _ = position
    host = host.removeprefix("www.").removesuffix(":80").removesuffix(":443")
    return host, path, rest


def spread(captures: Sequence[ArchivedCapture], limit: int | None) -> list[ArchivedCapture]:
    """At most `limit` of the captures (oldest first), spread evenly over them: the first and
    the last always, so the selection spans the whole period."""
    if not limit or len(captures) <= limit:
        return list(captures)
    if limit == 1:
        return [captures[0]]
    step = (len(captures) - 1) / (limit - 1)
    return [captures[round(n * step)] for n in range(limit)]
