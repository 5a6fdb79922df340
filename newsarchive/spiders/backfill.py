"""The `backfill` spider: a tag's listing history from a web archive's captures of its pages.

For each start URL it asks a Wayback-style CDX API for the captures of the tag page and its
older pages (newsarchive.cdx), leaves out those a backfill has read before, and fetches the
others' original bytes through the replay prefix, oldest first. Each capture is read by the same
extractors as a live page, against its capture time (relative dates), and yields one
`ListingPage` whose stories are sightings dated at the capture and naming it. Everything else —
the WARC record, the pipelines, the store, the run record — is a crawl's.

It asks the web archive gently (one request at a time, two seconds apart on average: the
Internet Archive's CDX API allows some 30 a minute). Captures are requested only as earlier ones
come back, as many at once as a site may have in flight, so when the archive answers 429 Too
Many Requests even after waiting as asked, the backfill stops at once: run again later, it goes
on where it stopped.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from parsel import Selector
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.python.failure import Failure

from newsarchive import cdx
from newsarchive.extract import Profile, extract_listing
from newsarchive.items import ArchivedCapture, ListingPage, ListingWalk
from newsarchive.middlewares.boundary import SITE
from newsarchive.middlewares.warc import ARCHIVED, CAPTURE, FETCHED_AT, RECORD
from newsarchive.runtime.recorder import RunRecorder
from newsarchive.runtime.state import PageFailure
from newsarchive.spiders.common import arguments_as_settings, run_profiles
from newsarchive.spiders.tag import listing_stories
from newsarchive.status import WalkEnd, WalkMode
from newsarchive.urls import canonical_url, host_of, is_web_url, site_origin, without_credentials

logger = logging.getLogger(__name__)

# `scrapy crawl backfill -a NAME=VALUE` arguments that are settings of the whole run.
SPIDER_ARGUMENTS = {
    "cdx": "NEWSARCHIVE_CDX_API",
    "replay": "NEWSARCHIVE_REPLAY_PREFIX",
    "since": "NEWSARCHIVE_SINCE",
    "until": "NEWSARCHIVE_UNTIL",
    "max_captures": "NEWSARCHIVE_MAX_CAPTURES",
}
# Outranks every capture request: the selection comes first.
CDX_PRIORITY = 1_000_000


@dataclass(slots=True)
class Selection:
    """What a backfill chose and what became of it: the captures the CDX API listed for the
    start URLs, those read before, those fetched, and what failed (one line each)."""

    listed: int = 0
    read_before: int = 0
    to_fetch: int = 0
    fetched: int = 0
    cdx_failures: list[str] = field(default_factory=list)
    capture_failures: list[str] = field(default_factory=list)
    rate_limited: bool = False  # stopped: the web archive answered 429 even after waiting


@dataclass(slots=True)
class Backfill:
    """One start URL's backfill: its walk record and the captures still outstanding."""

    start_url: str
    walk: ListingWalk
    queries: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    outstanding: int = 0


class BackfillSpider(Spider):
    name = "backfill"
    # Gentler with a web archive than with a site; -s settings still win over these.
    custom_settings: ClassVar[dict[str, Any]] = {
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 2.0,
        "AUTOTHROTTLE_START_DELAY": 2.0,
    }

    def __init__(self, url: str | None = None, urls: list[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        given = list(urls or []) + (url.replace(",", " ").split() if url else [])
        if not given:
            raise ValueError("no start URL: use -a url=https://site/tag/name/")
        for start in given:
            if not is_web_url(start):
                raise ValueError(f"not an http(s) URL: {without_credentials(start)[0]}")
        self.start_urls = list(dict.fromkeys(without_credentials(u)[0] for u in given))
        self.selection = Selection()
        self.profiles: tuple[Profile, ...] = ()
        self.pending_answers = 0  # start URLs still waiting for their CDX answer
        # Captures to request, oldest first (each once, whichever start URL selected it), and
        # how many are being fetched.
        self.queue: list[tuple[str, int, str, ArchivedCapture, Backfill]] = []
        self.queued: set[tuple[str, str]] = set()
        self.in_flight = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BackfillSpider:
        arguments_as_settings(crawler, kwargs, SPIDER_ARGUMENTS)
        return super().from_crawler(crawler, *args, **kwargs)

    @cached_property
    def run(self) -> RunRecorder:
        return RunRecorder.of(self.crawler)

    @property
    def replay_prefix(self) -> str:
        return self.settings.get("NEWSARCHIVE_REPLAY_PREFIX")

    async def start(self) -> AsyncIterator[Request]:
        profiles = run_profiles(self, self.start_urls)
        if profiles is None:
            return
        self.profiles = profiles
        since, until = (
            cdx.parse_moment(self.settings.get("NEWSARCHIVE_SINCE")),
            cdx.parse_moment(self.settings.get("NEWSARCHIVE_UNTIL")),
        )
        api = self.settings.get("NEWSARCHIVE_CDX_API")
        self.pending_answers = len(self.start_urls)
        for start_url in self.start_urls:
            walk = ListingWalk(start_url=canonical_url(start_url), mode=WalkMode.BACKFILL)
            self.run.state.walks.append(walk)
            backfill = Backfill(start_url, walk, cdx.queries(api, start_url, since, until))
            yield self.cdx_request(backfill)

    def cdx_request(self, backfill: Backfill) -> Request:
        url = backfill.queries.pop(0)
        return Request(
            url,
            callback=self.parse_cdx,
            errback=self.cdx_failed,
            cb_kwargs={"backfill": backfill},
            meta={SITE: site_origin(url)},
            priority=CDX_PRIORITY,
            dont_filter=True,
        )

    async def parse_cdx(self, response: Response, backfill: Backfill) -> AsyncIterator[Request]:
        try:
            backfill.rows += cdx.read_answer(response.body)
        except cdx.CdxError as error:
            self._cdx_failed(backfill, f"{response.url}: {error}")
            return
        if backfill.queries:
            yield self.cdx_request(backfill)
            return
        settings = self.settings
        chosen = cdx.spread(
            cdx.listing_captures(
                backfill.rows,
                backfill.start_url,
                self.replay_prefix,
                cdx.parse_moment(settings.get("NEWSARCHIVE_SINCE")),
                cdx.parse_moment(settings.get("NEWSARCHIVE_UNTIL")),
            ),
            settings.getint("NEWSARCHIVE_MAX_CAPTURES"),
        )
        read = await maybe_deferred_to_future(
            self.run.captures_read(sorted({capture.url for capture in chosen}))
        )
        skip = read | self.queued  # read before, or selected for another start URL
        fresh = [capture for capture in chosen if (capture.url, capture.timestamp) not in skip]
        self.queued.update((capture.url, capture.timestamp) for capture in fresh)
        selection = self.selection
        selection.listed += len(chosen)
        selection.read_before += len(chosen) - len(fresh)
        selection.to_fetch += len(fresh)
        self.run.state.pages_planned = selection.to_fetch
        logger.info(
            "%s: %d capture(s) selected, %d read before, %d to fetch",
            backfill.start_url, len(chosen), len(chosen) - len(fresh), len(fresh),
        )  # fmt: skip
        backfill.outstanding = len(fresh)
        if not fresh:
            backfill.walk.end_reason = WalkEnd.LAST_CAPTURE
        self._answered()
        for capture in fresh:
            entry = (capture.timestamp, capture.page_number, capture.url, capture, backfill)
            heapq.heappush(self.queue, entry)
        for request in self._next_captures():
            yield request

    def _next_captures(self) -> Iterator[Request]:
        """Requests for the oldest captures waiting, up to the site's concurrency."""
        window = self.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") or 1
        while self.queue and self.in_flight < window and not self.selection.rate_limited:
            *_, capture, backfill = heapq.heappop(self.queue)
            self.in_flight += 1
            yield self.capture_request(capture, backfill)

    def capture_request(self, capture: ArchivedCapture, backfill: Backfill) -> Request:
        return Request(
            capture.replay_url,
            callback=self.parse_capture,
            errback=self.capture_failed,
            cb_kwargs={"capture": capture, "backfill": backfill},
            meta={
                RECORD: {
                    "start-url": backfill.walk.start_url,
                    "page-number": str(capture.page_number),
                },
                ARCHIVED: capture,
                SITE: site_origin(capture.replay_url),
            },
            dont_filter=True,
        )

    def parse_capture(
        self, response: Response, capture: ArchivedCapture, backfill: Backfill
    ) -> Iterator[ListingPage | Request]:
        self._done(backfill)
        yield from self._next_captures()
        if not isinstance(response, HtmlResponse):
            kind = response.headers.get("Content-Type", b"no content type").decode("latin-1")
            self._capture_failed(backfill, capture, f"not an HTML page ({kind})", None)
            return
        state, walk = self.run.state, backfill.walk
        state.pages += 1
        self.selection.fetched += 1
        self.crawler.stats.inc_value("newsarchive/pages")
        page = Selector(text=response.text, type="html")
        captured_at = capture.captured_at
        listing = extract_listing(page, capture.url, now=captured_at, profiles=self.profiles)
        state.current_tag = listing.tag
        walk.pages += 1
        walk.stories += len(listing.stories)
        walk.tag, walk.site = walk.tag or listing.tag, walk.site or host_of(capture.url)
        if not listing.stories:
            self.crawler.stats.inc_value("newsarchive/pages_without_stories")
            self.run.note_capture(capture)
            return
        seen_at = response.meta.get(FETCHED_AT) or captured_at.isoformat()
        stories = list(
            listing_stories(listing, capture.page_number, seen_at, response.meta.get(CAPTURE))
        )
        for story in stories:
            story.archived = capture
        yield ListingPage(stories, start_url=walk.start_url, page_number=capture.page_number)

    def cdx_failed(self, failure: Failure) -> None:
        self._cdx_failed(
            failure.request.cb_kwargs["backfill"], _reason(failure), _http_status(failure)
        )

    def _cdx_failed(self, backfill: Backfill, reason: str, http_status: int | None = None) -> None:
        """The CDX API gave no usable answer: this start URL has nothing to backfill from."""
        backfill.walk.end_reason = WalkEnd.ERROR
        self.selection.cdx_failures.append(f"{backfill.start_url}: {reason}")
        self.run.state.start_failures.append(
            PageFailure(backfill.start_url, backfill.start_url, 1, reason, http_status)
        )
        self.crawler.stats.inc_value("newsarchive/cdx_failed")
        logger.warning("cannot list the captures of %s: %s", backfill.start_url, reason)
        self._answered()

    def capture_failed(self, failure: Failure) -> Iterator[Request]:
        request = failure.request
        self._done(request.cb_kwargs["backfill"])
        self._capture_failed(
            request.cb_kwargs["backfill"], request.cb_kwargs["capture"], _reason(failure),
            _http_status(failure),
        )  # fmt: skip
        if failure.check(HttpError) and failure.value.response.status == 429:
            self.selection.rate_limited = True
            logger.warning("the web archive asks for fewer requests (429): stopping")
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="rate_limited"))
        yield from self._next_captures()

    def _capture_failed(
        self, backfill: Backfill, capture: ArchivedCapture, reason: str, http_status: int | None
    ) -> None:
        self.selection.capture_failures.append(f"{capture.replay_url}: {reason}")
        self.run.state.page_failures.append(
            PageFailure(
                backfill.walk.start_url,
                capture.replay_url,
                capture.page_number,
                reason,
                http_status,
            )
        )
        self.crawler.stats.inc_value("newsarchive/capture_failed")
        logger.warning("cannot read capture %s: %s", capture.replay_url, reason)

    def _done(self, backfill: Backfill) -> None:
        self.in_flight -= 1
        backfill.outstanding -= 1
        if backfill.outstanding == 0 and backfill.walk.end_reason is None:
            backfill.walk.end_reason = WalkEnd.LAST_CAPTURE

    def _answered(self) -> None:
        """One more start URL has its selection; once all have, an empty one is up to date."""
        self.pending_answers -= 1
        selection = self.selection
        if not self.pending_answers and not selection.cdx_failures:
            self.run.state.up_to_date = selection.listed > 0 and not selection.to_fetch


def _http_status(failure: Failure) -> int | None:
    return failure.value.response.status if failure.check(HttpError) else None


def _reason(failure: Failure) -> str:
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    message = (failure.getErrorMessage().splitlines() or [""])[0] if failure.value else ""
    return message.rstrip(".") or failure.type.__name__
