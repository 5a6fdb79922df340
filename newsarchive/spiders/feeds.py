"""Feeds and sitemaps for the tag spider: the second witness of each listing.

Once a run, when the first page of a start URL has been read, the spider asks for the
listing's own feed (the candidates extraction found, tried in turn until one is a feed) and,
once per site, for robots.txt, whose `Sitemap:` lines (else `/sitemap.xml`) name the site's
sitemaps; a sitemap index is followed to its news sitemaps first. Every request is an ordinary
Scrapy request: robots.txt, the delay and the site's slot, the site boundary and the run's WARC
file apply to it as to a listing page. Each answer is read (extract/feeds.py) into a `FeedFetch`
in the run's state, which the run recorder stores when the run ends.

A site without a feed or sitemap is normal. A feed that is malformed, larger than the bound
(read up to it) or failing is a warning: the crawl goes on, and the run's status does not change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from newsarchive.extract import Listing
from newsarchive.extract.feeds import FeedLink, ParsedSource, parse_feed, parse_sitemap
from newsarchive.items import FeedEntry, FeedFetch
from newsarchive.middlewares.boundary import SITE
from newsarchive.middlewares.warc import CAPTURE, FETCHED_AT, RECORD
from newsarchive.runtime.recorder import RunRecorder
from newsarchive.status import FEED_PROBLEMS, FeedOutcome
from newsarchive.urls import canonical_url, host_of, is_web_url, site_origin

if TYPE_CHECKING:
    from newsarchive.spiders.tag import Chain

logger = logging.getLogger(__name__)

# request.meta keys: the most bytes to download, and how many have come so far.
BOUND = "newsarchive_feed_bound"
RECEIVED = "newsarchive_feed_received"
# Candidates of one listing's feed tried at most, one after the other.
FEED_TRIES = 3


class FeedRequests:
    """The feed and sitemap requests of one crawl, and reading their answers."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.run = RunRecorder.of(crawler)
        self.max_bytes = settings.getint("NEWSARCHIVE_FEED_MAXSIZE")
        self.max_entries = settings.getint("NEWSARCHIVE_FEED_MAX_ENTRIES")
        self.sitemaps = settings.getint("NEWSARCHIVE_SITEMAPS")
        self.asked: set[str] = set()  # start URLs whose feed was asked for
        self.sitemaps_left: dict[str, int] = {}  # per site origin
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    def after_first_page(
        self, listing: Listing, chain: Chain, page_number: int
    ) -> Iterator[Request]:
        """The listing's feed, and the site's robots.txt once per run, after its first page."""
        if page_number != 1 or chain.walk.first_page != 1 or chain.start_url in self.asked:
            return
        self.asked.add(chain.start_url)
        candidates = [link for link in listing.feeds if site_origin(link.url) == chain.origin]
        yield from self._next_feed(candidates[:FEED_TRIES], chain)
        if self.sitemaps > 0 and chain.origin not in self.sitemaps_left:
            self.sitemaps_left[chain.origin] = self.sitemaps
            robots = urljoin(chain.start_url, "/robots.txt")
            yield self._request(
                robots, chain, {"kind": "robots"}, self._robots_read, self._robots_failed
            )

    # -- the listing's feed ---------------------------------------------------------------------

    def _next_feed(self, candidates: list[FeedLink], chain: Chain) -> Iterator[Request]:
        if candidates:
            link, rest = candidates[0], candidates[1:]
            fetch = FeedFetch(
                "feed", link.url, chain.walk.site or host_of(chain.start_url), link.found_by,
                start_url=chain.walk.start_url, tag=chain.walk.tag,
            )  # fmt: skip
            yield self._request(
                link.url, chain, {"start-url": chain.start_url, "kind": "feed"},
                self._feed_read, self._feed_failed, fetch=fetch, rest=rest,
            )  # fmt: skip

    def _feed_read(
        self, response: Response, chain: Chain, fetch: FeedFetch, rest: list[FeedLink]
    ) -> Iterator[Request]:
        body = self._received(response, fetch)
        kind = response.headers.get("Content-Type", b"").decode("latin-1")
        parsed = parse_feed(body, response.url, self.max_entries, kind)
        if parsed.format is None:  # a guess that answered with a page: try the next one
            self._done(fetch, FeedOutcome.NOT_A_FEED, parsed.problem)
            yield from self._next_feed(rest, chain)
            return
        self._read(fetch, parsed)

    def _feed_failed(self, failure: Failure) -> Iterator[Request]:
        kwargs = failure.request.cb_kwargs
        fetch, chain = kwargs["fetch"], kwargs["chain"]
        if self._failed(failure, fetch) == FeedOutcome.MISSING:
            yield from self._next_feed(kwargs["rest"], chain)

    # -- the site's sitemaps --------------------------------------------------------------------

    def _robots_read(self, response: Response, chain: Chain) -> Iterator[Request]:
        named = [
            url
            for url in sitemap_urls_from_robots(response.body, base_url=response.url)
            if site_origin(url) == chain.origin
        ]
        if named:
            yield from self._sitemaps(named, "robots", chain)
        else:
            yield from self._sitemaps([urljoin(response.url, "/sitemap.xml")], "sitemap.xml", chain)

    def _robots_failed(self, failure: Failure) -> Iterator[Request]:
        chain = failure.request.cb_kwargs["chain"]
        yield from self._sitemaps(
            [urljoin(failure.request.url, "/sitemap.xml")], "sitemap.xml", chain
        )

    def _sitemaps(self, urls: list[str], found_by: str, chain: Chain) -> Iterator[Request]:
        """Requests for these sitemaps, news sitemaps first, within the site's budget."""
        ordered = sorted(dict.fromkeys(urls), key=lambda url: "news" not in url.lower())
        for url in ordered:
            if self.sitemaps_left[chain.origin] <= 0:
                logger.info(
                    "%s: more sitemaps than NEWSARCHIVE_SITEMAPS; %s left out", chain.origin, url
                )
                continue
            self.sitemaps_left[chain.origin] -= 1
            fetch = FeedFetch("sitemap", url, host_of(url), found_by)
            yield self._request(
                url, chain, {"kind": "sitemap"}, self._sitemap_read, self._sitemap_failed,
                fetch=fetch,
            )  # fmt: skip

    def _sitemap_read(
        self, response: Response, chain: Chain, fetch: FeedFetch
    ) -> Iterator[Request]:
        body = self._received(response, fetch)
        parsed = parse_sitemap(body, self.max_entries, self.max_bytes)
        if parsed.format is None:
            self._done(fetch, FeedOutcome.NOT_A_FEED, parsed.problem)
            return
        self._read(fetch, parsed)
        children = [url for url in parsed.sitemaps if site_origin(url) == chain.origin]
        yield from self._sitemaps(children, "index", chain)

    def _sitemap_failed(self, failure: Failure) -> None:
        self._failed(failure, failure.request.cb_kwargs["fetch"])

    # -- shared ---------------------------------------------------------------------------------

    def _request(
        self, url: str, chain: Chain, record: dict[str, str], callback: Any, errback: Any,
        **kwargs: Any,
    ) -> Request:  # fmt: skip
        request = Request(
            url,
            callback=callback,
            errback=errback,
            cb_kwargs={"chain": chain, **kwargs},
            # Kept in the run's WARC file like a listing page; held to the chain's site.
            meta={RECORD: record, SITE: chain.origin, BOUND: self.max_bytes},
            # Asked for once a run by this object; Scrapy's filter would only hide a redirect loop.
            dont_filter=True,
        )
        if chain.auth:
            request.headers["Authorization"] = chain.auth
        return request

    def _bytes_received(self, data: bytes, request: Request, spider: object) -> None:
        """Stop a feed or sitemap download at its bound: what came so far is read."""
        bound = request.meta.get(BOUND)
        if bound:
            received = request.meta[RECEIVED] = request.meta.get(RECEIVED, 0) + len(data)
            if received > bound:
                raise StopDownload(fail=False)

    def _received(self, response: Response, fetch: FeedFetch) -> bytes:
        """The answer's body within the bound (also once decompressed), its place in the WARC
        file and its status noted in `fetch`."""
        fetch.url, fetch.http_status = response.url, response.status
        fetch.fetched_at = response.meta.get(FETCHED_AT) or datetime.now(UTC).isoformat()
        fetch.capture = response.meta.get(CAPTURE)
        body = response.body
        if "download_stopped" in response.flags or len(body) > self.max_bytes:
            fetch.reason = (
                f"larger than {self.max_bytes} bytes (NEWSARCHIVE_FEED_MAXSIZE): read up to that"
            )
            body = body[: self.max_bytes]
        return body

    def _read(self, fetch: FeedFetch, parsed: ParsedSource) -> None:
        """Note what a feed or sitemap held, with a warning when it was cut or malformed."""
        fetch.format, fetch.left_out = parsed.format, parsed.left_out
        fetch.entries = _entries(parsed.entries)
        if parsed.left_out:
            fetch.reason = fetch.reason or (
                f"more than {self.max_entries} entries (NEWSARCHIVE_FEED_MAX_ENTRIES): "
                f"{parsed.left_out} left out"
            )
        if fetch.reason:
            outcome = FeedOutcome.CUT
        elif parsed.problem:
            outcome, fetch.reason = FeedOutcome.MALFORMED, f"malformed: {parsed.problem}"
        else:
            outcome = FeedOutcome.READ
        self._done(fetch, outcome, fetch.reason)
        logger.info("%s %s: %d entries (%s)", fetch.kind, fetch.url, len(fetch.entries), outcome)

    def _failed(self, failure: Failure, fetch: FeedFetch) -> FeedOutcome:
        """Note a feed or sitemap that gave no answer to read: missing or refused (normal), or
        failed."""
        if failure.check(HttpError):
            status = fetch.http_status = failure.value.response.status
            missing = status in (404, 410)
            outcome = FeedOutcome.MISSING if missing else FeedOutcome.FAILED
            return self._done(fetch, outcome, f"HTTP {status}")
        message = (failure.getErrorMessage().splitlines() or [""])[0] if failure.value else ""
        reason = message.rstrip(".") or failure.type.__name__
        if failure.check(IgnoreRequest):  # robots.txt or the site boundary: polite, not a fault
            return self._done(fetch, FeedOutcome.REFUSED, reason)
        return self._done(fetch, FeedOutcome.FAILED, reason)

    def _done(self, fetch: FeedFetch, outcome: FeedOutcome, reason: str | None) -> FeedOutcome:
        fetch.outcome, fetch.reason = outcome, reason
        self.run.state.feeds.append(fetch)
        self.crawler.stats.inc_value(f"newsarchive/{fetch.kind}/{outcome}")
        if outcome in FEED_PROBLEMS:
            logger.warning("%s", fetch)
        return outcome


def _entries(found: list[FeedEntry]) -> list[FeedEntry]:
    """The entries with canonical story URLs, each story once, in the order listed."""
    kept: dict[str, FeedEntry] = {}
    for entry in found:
        if is_web_url(entry.url):
            entry.url = canonical_url(entry.url)
            kept.setdefault(entry.url, entry)
    return list(kept.values())
