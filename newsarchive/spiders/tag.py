"""The `tag` spider: a tag-listing page and all its older pages, story by story."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsarchive.checkpoint import Checkpoint
from newsarchive.extract import Profile, extract_listing
from newsarchive.items import Story
from newsarchive.profiles import ProfileError, load_profiles
from newsarchive.urls import canonical_url, host_of, is_web_url

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Chain:
    """The pages of one start URL: its host, how deep we are, and what it has shown so far."""

    start_url: str
    host: str
    seen_stories: set[str] = field(default_factory=set)


class TagSpider(Spider):
    name = "tag"

    def __init__(
        self,
        url: str | None = None,
        urls: list[str] | None = None,
        max_pages: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # `-a url=A` on the scrapy command line; several URLs separated by spaces or commas.
        given = list(urls or []) + (url.replace(",", " ").split() if url else [])
        self.start_urls = list(dict.fromkeys(given))
        if not self.start_urls:
            raise ValueError("no start URL: use -a url=https://site/tag/name/")
        for start in self.start_urls:
            if not is_web_url(start):
                raise ValueError(f"not an http(s) URL: {start}")
        self.max_pages_arg = int(max_pages) if max_pages else None
        # Why start pages, and later listing pages, could not be crawled: one line each.
        self.failures: list[str] = []
        self.page_failures: list[str] = []
        self.requested: set[str] = set()
        self.profiles: tuple[Profile, ...] = ()
        self.checkpoint: Checkpoint | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> TagSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.checkpoint = Checkpoint.from_crawler(crawler)
        return spider

    @property
    def max_pages(self) -> int:
        if self.max_pages_arg:
            return self.max_pages_arg
        return self.settings.getint("NEWSARCHIVE_MAX_PAGES") or 0

    async def start(self) -> AsyncIterator[Request]:
        try:
            self.profiles = load_profiles(
                self.settings.getlist("NEWSARCHIVE_PROFILE_FILES"),
                self.settings.get("NEWSARCHIVE_PROFILES_DIR"),
            )
        except ProfileError as error:
            self.failures.append(str(error))
            logger.error("%s", error)
            return
        for start_url in self.start_urls:
            chain = Chain(start_url, host_of(start_url))
            point = self.checkpoint.resume_point(start_url) if self.checkpoint else None
            if point:
                logger.info("%s: resuming at page %d, %s", start_url, point[1], point[0])
                yield self._listing_request(point[0], chain, point[1])
            else:
                yield self._listing_request(start_url, chain, 1)

    def _listing_request(self, url: str, chain: Chain, page_number: int) -> Request:
        self.requested.add(canonical_url(url))
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"chain": chain, "page_number": page_number},
            # Redirects keep it: the site boundary middleware holds them to the chain's host.
            meta={"site_host": chain.host},
            # `requested` and the chain bounds dedupe pagination; a redirect loop must reach the
            # redirect limit and the errback (counted) rather than vanish in Scrapy's dupefilter.
            dont_filter=True,
        )

    def parse_listing(
        self, response: Response, chain: Chain, page_number: int
    ) -> Iterator[Story | Request]:
        stats = self.crawler.stats
        if not isinstance(response, HtmlResponse):
            kind = response.headers.get("Content-Type", b"no content type").decode("latin-1")
            self._fail(response.url, page_number, f"not an HTML page ({kind})", "not_html")
            return
        stats.inc_value("newsarchive/pages")
        if self.checkpoint:
            self.checkpoint.page_parsed(response.url, chain.start_url)
        now = datetime.now(UTC)
        listing = extract_listing(response.selector, response.url, now=now, profiles=self.profiles)
        fetched_at = now.isoformat()
        stats.set_value("newsarchive/current_tag", listing.tag)
        new_in_chain = 0
        for position, found in enumerate(listing.stories, start=1):
            key = canonical_url(found.url)
            if key not in chain.seen_stories:
                chain.seen_stories.add(key)
                new_in_chain += 1
            yield Story(
                url=found.url,
                headline=found.headline,
                teaser=found.teaser,
                published_at=found.published_at,
                author=found.author,
                image_url=found.image_url,
                tag=listing.tag,
                extraction_method=found.extraction_method,
                date_source=found.date_source,
                listing_url=response.url,
                page_number=page_number,
                position=position,
                fetched_at=fetched_at,
            )
        if not listing.stories:
            stats.inc_value("newsarchive/pages_without_stories")
        next_request = self._next(listing.next_page, chain, page_number, new_in_chain)
        if next_request is not None:
            yield next_request

    def _next(
        self, next_page: str | None, chain: Chain, page_number: int, new_in_chain: int
    ) -> Request | None:
        """The request for the older page, or None when the chain ends here (and why)."""
        stats = self.crawler.stats
        if not next_page:
            reason = "last_page"
        elif not new_in_chain:
            reason = "no_new_stories"  # an empty page, or a pagination loop
        elif host_of(next_page) != chain.host:
            reason = "offsite_next"
        elif self.max_pages and page_number >= self.max_pages:
            reason = "max_pages"
        elif len(next_page) > self.settings.getint("URLLENGTH_LIMIT"):
            reason = "url_too_long"  # a next link that grows on every page
        elif canonical_url(next_page) in self.requested:
            reason = "already_fetched"
        else:
            return self._listing_request(next_page, chain, page_number + 1)
        stats.inc_value(f"newsarchive/chain_end/{reason}")
        logger.info("%s: pagination ends at page %d (%s)", chain.start_url, page_number, reason)
        return None

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        page_number = request.cb_kwargs["page_number"]
        if failure.check(HttpError):
            status = failure.value.response.status
            self._fail(request.url, page_number, f"HTTP {status}", f"http_{status}")
        else:
            # Some download errors have an empty message (a cancelled download, lost data).
            message = (failure.getErrorMessage().splitlines() or [""])[0] if failure.value else ""
            reason = message.rstrip(".") or failure.type.__name__
            self._fail(request.url, page_number, reason, failure.type.__name__)

    def _fail(self, url: str, page_number: int, reason: str, key: str) -> None:
        """Count a listing page that gave no stories; on a start page it fails that start URL."""
        stats = self.crawler.stats
        stats.inc_value(f"newsarchive/listing_failed/{key}")
        if page_number == 1:
            stats.inc_value("newsarchive/start_failed")
            self.failures.append(f"{url}: {reason}")
        else:
            stats.inc_value("newsarchive/chain_end/error")
            self.page_failures.append(f"{url}: {reason}")
        logger.warning("cannot crawl %s: %s", url, reason)
