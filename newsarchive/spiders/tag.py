"""The `tag` spider: a tag-listing page and all its older pages, story by story.

The spider only crawls: it follows pagination and yields one `ListingPage` per page. What it
needs to know of the archive (which start URLs were walked before, which stories are known) it
asks the run recorder, which looks it up off the reactor thread; what it remembers of each
chain lives in a `Chains` strategy (in this process, or in Redis for frontier workers). After a
listing's first page it asks for the listing's feed and the site's sitemaps (spiders/feeds.py).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, ClassVar, Protocol

from parsel import Selector
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.python.failure import Failure
from w3lib.http import basic_auth_header

from newsarchive.extract import Listing, Profile
from newsarchive.extract.learned import LayoutCache
from newsarchive.items import Capture, ListingPage, ListingWalk, PageFailure, Story
from newsarchive.middlewares.boundary import SITE
from newsarchive.middlewares.warc import CAPTURE, FETCHED_AT, RECORD
from newsarchive.runtime.checkpoint import Checkpoint
from newsarchive.runtime.recorder import RunRecorder
from newsarchive.spiders.common import arguments_as_settings, run_profiles
from newsarchive.spiders.feeds import FeedRequests
from newsarchive.status import WalkEnd, WalkMode
from newsarchive.urls import canonical_url, host_of, is_web_url, site_origin, without_credentials
from newsarchive.walks import WalkPlan

logger = logging.getLogger(__name__)

# `scrapy crawl tag -a NAME=VALUE` arguments that are settings of the whole crawl.
SPIDER_ARGUMENTS = {
    "max_pages": "NEWSARCHIVE_MAX_PAGES",
    "full": "NEWSARCHIVE_FULL",
    "stop_after": "NEWSARCHIVE_STOP_AFTER",
}


@dataclass(slots=True)
class Chain:
    """One walk of a start URL's pages: its site, how deep it is, and what it has shown so far.

    A run walks each start URL from page 1 and continues each walk an earlier run left
    unfinished (see newsarchive.walks): full and resume walks go to the listing's end;
    incremental and catch-up walks stop after `stop_after` pages in a row bring no story new to
    the archive under the walk's tag.
    """

    start_url: str  # without credentials (see `auth`)
    origin: str  # the site boundary (urls.site_origin)
    mode: WalkMode = WalkMode.FULL
    # An Authorization header for the chain's site, from credentials in the start URL.
    auth: str | None = None
    seen_stories: set[str] = field(default_factory=set)
    pages_without_new: int = 0
    walk: ListingWalk = field(init=False)

    def __post_init__(self) -> None:
        self.walk = ListingWalk(start_url=canonical_url(self.start_url), mode=self.mode)

    @property
    def until_known(self) -> bool:
        """Whether the walk stops where the archive's stories begin."""
        return self.mode in (WalkMode.INCREMENTAL, WalkMode.CATCH_UP)


def start_chain(url: str, mode: WalkMode = WalkMode.FULL, kind: type[Chain] = Chain, **fields: Any):
    """A walk of a start URL; credentials in it become the walk's Authorization header."""
    url, credentials = without_credentials(url)
    auth = basic_auth_header(*credentials).decode("latin-1") if credentials else None
    return kind(url, site_origin(url), mode, auth=auth, **fields)


class Chains(Protocol):
    """What the spider remembers of its pagination while it crawls."""

    def claim(self, url: str, chain: Chain) -> WalkEnd | None:
        """Note a listing URL the chain is about to request; why the chain ends instead, when
        the URL was requested before in this run."""

    def first_listings(self, chain: Chain, page_number: int, keys: list[str]) -> list[str]:
        """Note the stories a page of the chain lists; returns those the chain had not shown."""

    def prepare(self, request: Request, chain: Chain) -> None:
        """Adjust a listing request before it is scheduled."""


class LocalChains:
    """Pagination memory of one process: the listing URLs requested, the stories per chain."""

    def __init__(self) -> None:
        self.requested: dict[str, Chain] = {}

    def claim(self, url: str, chain: Chain) -> WalkEnd | None:
        key = canonical_url(url)
        earlier = self.requested.get(key)
        if earlier is None:
            self.requested[key] = chain
            return None
        if earlier is not chain and earlier.start_url == chain.start_url:
            return WalkEnd.JOINED  # another walk of the same start URL has that page
        return WalkEnd.ALREADY_FETCHED  # a loop, or a page another start URL's walk has

    def first_listings(self, chain: Chain, page_number: int, keys: list[str]) -> list[str]:
        new = [key for key in dict.fromkeys(keys) if key not in chain.seen_stories]
        chain.seen_stories.update(new)
        return new

    def prepare(self, request: Request, chain: Chain) -> None:
        # `claim` and the chain bounds dedupe pagination; a redirect loop must reach the
        # redirect limit and the errback (counted) rather than vanish in Scrapy's dupefilter.
        request.dont_filter = True


def listing_stories(
    listing: Listing, page_number: int, fetched_at: str, capture: Capture | None = None
) -> Iterator[Story]:
    """The items for the stories of one extracted listing page, in the order listed."""
    for position, found in enumerate(listing.stories, start=1):
        yield Story(
            url=found.url,
            headline=found.headline,
            teaser=found.teaser,
            published_at=found.published_at,
            author=found.author,
            image_url=found.image_url,
            extraction_method=found.extraction_method,
            date_source=found.date_source,
            date_precision=found.date_precision,
            author_source=found.author_source,
            teaser_source=found.teaser_source,
            confidence=found.confidence,
            tag=listing.tag,
            listing_url=listing.url,
            page_number=page_number,
            position=position,
            fetched_at=fetched_at,
            capture=capture,
        )


class TagSpider(Spider):
    name = "tag"
    # False for spiders fed start URLs some other way (the frontier worker).
    requires_start_urls: ClassVar[bool] = True
    # Whether the listings' feeds and the sites' sitemaps are asked for (NEWSARCHIVE_FEEDS too).
    fetches_feeds: ClassVar[bool] = True

    def __init__(self, url: str | None = None, urls: list[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        # `-a url=A` on the scrapy command line; several URLs separated by spaces or commas.
        given = list(urls or []) + (url.replace(",", " ").split() if url else [])
        if not given and self.requires_start_urls:
            raise ValueError("no start URL: use -a url=https://site/tag/name/")
        for start in given:
            if not is_web_url(start):
                raise ValueError(f"not an http(s) URL: {without_credentials(start)[0]}")
        # Start URLs as given (credentials included) and as shown and stored (without them).
        self.given_urls = list(dict.fromkeys(given))
        self.start_urls = [without_credentials(start)[0] for start in self.given_urls]
        self.chains: Chains = LocalChains()
        self.profiles: tuple[Profile, ...] = ()
        # Site layouts learned on this crawl's first pages, to read the later pages quickly.
        self.layouts = LayoutCache()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TagSpider:
        arguments_as_settings(crawler, kwargs, SPIDER_ARGUMENTS)
        return super().from_crawler(crawler, *args, **kwargs)

    @cached_property
    def run(self) -> RunRecorder:
        """The crawl's run recorder (there once the crawl has started)."""
        return RunRecorder.of(self.crawler)

    @cached_property
    def feeds(self) -> FeedRequests | None:
        """The crawl's feed and sitemap requests; None when they are turned off."""
        if self.fetches_feeds and self.settings.getbool("NEWSARCHIVE_FEEDS"):
            return FeedRequests(self.crawler)
        return None

    @property
    def max_pages(self) -> int:
        return self.settings.getint("NEWSARCHIVE_MAX_PAGES") or 0

    @property
    def stop_after(self) -> int:
        return self.settings.getint("NEWSARCHIVE_STOP_AFTER") or 1

    async def start(self) -> AsyncIterator[Request]:
        profiles = run_profiles(self, self.start_urls)
        if profiles is None:
            return
        self.profiles = profiles
        full = self.settings.getbool("NEWSARCHIVE_FULL")
        checkpoint = self.crawler.get_extension(Checkpoint)
        for given, start_url in zip(self.given_urls, self.start_urls, strict=True):
            walks = WalkPlan()
            if not full:
                walks = await maybe_deferred_to_future(self.run.walk_plan(canonical_url(start_url)))
            point = checkpoint.resume_point(start_url) if checkpoint else None
            if point:
                logger.info("%s: resuming at page %d, %s", start_url, point[1], point[0])
            url, page_number = point or (start_url, 1)
            for request in (
                self.first_request(start_chain(given, walks.head_mode), url, page_number),
                *(
                    self.first_request(
                        start_chain(given, resume.mode), resume.url, resume.page_number
                    )
                    for resume in walks.resume
                ),
            ):
                if request is not None:
                    yield request

    def first_request(self, chain: Chain, url: str, page_number: int) -> Request | None:
        """The request for the first page of a walk, noted in the run; None when another walk of
        this run has that page already (two resume points that met)."""
        chain.walk.first_page, chain.walk.first_url = page_number, url
        self.run.state.walks.append(chain.walk)
        ended = self.chains.claim(url, chain)
        if ended is not None:
            chain.walk.end_reason = ended
            return None
        if page_number > 1:
            logger.info(
                "%s: continuing a %s walk at page %d", chain.start_url, chain.mode, page_number
            )
        return self.listing_request(url, chain, page_number)

    def listing_request(self, url: str, chain: Chain, page_number: int) -> Request:
        chain.walk.next_url, chain.walk.next_page = url, page_number  # until it is read
        request = Request(
            url,
            callback=self.parse_incremental if chain.until_known else self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"chain": chain, "page_number": page_number},
            meta={
                RECORD: {"start-url": chain.start_url, "page-number": str(page_number)},
                # Redirects keep it: the site boundary middleware holds them to the chain's site.
                SITE: chain.origin,
            },
        )
        if chain.auth:
            request.headers["Authorization"] = chain.auth
        self.chains.prepare(request, chain)
        return request

    def parse_listing(
        self, response: Response, chain: Chain, page_number: int
    ) -> Iterator[ListingPage | Request]:
        listing = self._read(response, chain, page_number)
        if listing is not None:
            new_in_chain = self._new_in_chain(listing, chain, page_number)
            yield from self._outputs(response, listing, chain, page_number, new_in_chain)

    async def parse_incremental(
        self, response: Response, chain: Chain, page_number: int
    ) -> AsyncIterator[ListingPage | Request]:
        """As `parse_listing`, counting the pages that bring no story new to the archive."""
        listing = self._read(response, chain, page_number)
        if listing is None:
            return
        new_in_chain = self._new_in_chain(listing, chain, page_number)
        walk = chain.walk
        tag = (walk.site or "", walk.tag) if walk.tag else None
        known = await maybe_deferred_to_future(self.run.known_urls(new_in_chain, tag))
        fresh = len(new_in_chain) - len(known)
        chain.pages_without_new = 0 if fresh else chain.pages_without_new + 1
        self.crawler.stats.inc_value("newsarchive/stories_known_on_listing", len(known))
        for output in self._outputs(response, listing, chain, page_number, new_in_chain):
            yield output

    def _read(self, response: Response, chain: Chain, page_number: int) -> Listing | None:
        """Extract a fetched listing page and note it in the walk; None when it is no HTML page."""
        if not isinstance(response, HtmlResponse):
            kind = response.headers.get("Content-Type", b"no content type").decode("latin-1")
            self._fail(chain, response.url, page_number, f"not an HTML page ({kind})", "not_html")
            return None
        state = self.run.state
        state.pages += 1
        self.crawler.stats.inc_value("newsarchive/pages")
        # A Selector of our own, not `response.selector`: that one and the response refer to each
        # other, so each page's parsed tree would wait for a full garbage collection to be freed.
        page = Selector(text=response.text, type="html")
        listing = self.layouts.extract(
            page, response.url, now=datetime.now(UTC), profiles=self.profiles
        )
        if listing.low_confidence:
            state.low_confidence_pages.append(response.url)
        kind = "learned" if listing.learned else "full"
        self.crawler.stats.inc_value(f"newsarchive/extract/{kind}_pages")
        state.current_tag = listing.tag
        walk = chain.walk
        walk.pages += 1
        walk.last_page = max(walk.last_page or 0, page_number)
        walk.next_url = walk.next_page = None  # read: where it goes on is decided by `_next`
        walk.stories += len(listing.stories)
        walk.tag, walk.site = walk.tag or listing.tag, walk.site or host_of(response.url)
        return listing

    def _new_in_chain(self, listing: Listing, chain: Chain, page_number: int) -> list[str]:
        # Extraction made the URLs absolute; the normalise pipeline finds these in the URL cache.
        keys = [canonical_url(found.url) for found in listing.stories]
        return self.chains.first_listings(chain, page_number, keys)

    def _outputs(
        self,
        response: Response,
        listing: Listing,
        chain: Chain,
        page_number: int,
        new_in_chain: list[str],
    ) -> Iterator[ListingPage | Request]:
        if listing.stories:
            fetched_at = response.meta.get(FETCHED_AT) or datetime.now(UTC).isoformat()
            capture = response.meta.get(CAPTURE)
            stories = list(listing_stories(listing, page_number, fetched_at, capture))
            yield ListingPage(stories, start_url=chain.start_url, page_number=page_number)
        else:
            self.crawler.stats.inc_value("newsarchive/pages_without_stories")
        if self.feeds is not None:
            yield from self.feeds.after_first_page(listing, chain, page_number)
        next_request = self._next(listing.next_page, chain, page_number, len(new_in_chain))
        if next_request is not None:
            yield next_request

    def _next(
        self, next_page: str | None, chain: Chain, page_number: int, new_in_chain: int
    ) -> Request | None:
        """The request for the older page, or None when the chain ends here (and why).

        The loop guard counts only this chain's own stories and pages: a story another tag
        listed, or another walk of this run, does not end it.
        """
        if not next_page:
            reason = WalkEnd.LAST_PAGE
        elif not new_in_chain:
            reason = WalkEnd.NO_NEW_STORIES
        elif chain.until_known and chain.pages_without_new >= self.stop_after:
            reason = WalkEnd.KNOWN_STORIES
        elif site_origin(next_page) != chain.origin:
            reason = WalkEnd.OFFSITE_NEXT
        elif self.max_pages and chain.walk.pages >= self.max_pages:
            reason = WalkEnd.MAX_PAGES
            # Where a later run goes on.
            chain.walk.next_url, chain.walk.next_page = next_page, page_number + 1
        elif len(next_page) > self.settings.getint("URLLENGTH_LIMIT"):
            reason = WalkEnd.URL_TOO_LONG
        else:
            reason = self.chains.claim(next_page, chain)
            if reason is None:
                return self.listing_request(next_page, chain, page_number + 1)
        self.crawler.stats.inc_value(f"newsarchive/chain_end/{reason}")
        chain.walk.end_reason = reason
        logger.info("%s: pagination ends at page %d (%s)", chain.start_url, page_number, reason)
        return None

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        chain, page_number = request.cb_kwargs["chain"], request.cb_kwargs["page_number"]
        if failure.check(HttpError):
            status = failure.value.response.status
            self._fail(chain, request.url, page_number, f"HTTP {status}", f"http_{status}", status)
        else:
            # Some download errors have an empty message (a cancelled download, lost data).
            message = (failure.getErrorMessage().splitlines() or [""])[0] if failure.value else ""
            reason = message.rstrip(".") or failure.type.__name__
            self._fail(chain, request.url, page_number, reason, failure.type.__name__)

    def _fail(
        self,
        chain: Chain,
        url: str,
        page_number: int,
        reason: str,
        key: str,
        http_status: int | None = None,
    ) -> None:
        """Count a listing page that gave no stories and end its walk there (a later run tries
        the page again); a failed start page fails its start URL."""
        stats, state = self.crawler.stats, self.run.state
        stats.inc_value(f"newsarchive/listing_failed/{key}")
        chain.walk.end_reason = WalkEnd.ERROR
        chain.walk.next_url, chain.walk.next_page = url, page_number
        failed = PageFailure(chain.walk.start_url, url, page_number, reason, http_status)
        if page_number == 1:
            stats.inc_value("newsarchive/start_failed")
            state.start_failures.append(failed)
        else:
            stats.inc_value("newsarchive/chain_end/error")
            state.page_failures.append(failed)
        logger.warning("cannot crawl %s: %s", url, reason)
