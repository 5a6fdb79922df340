"""The `tag` spider: a tag-listing page and all its older pages, story by story."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsarchive.extract import extract_listing
from newsarchive.items import Story
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
    # False for spiders fed start URLs some other way (the frontier worker).
    requires_start_urls: ClassVar[bool] = True

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
        if not self.start_urls and self.requires_start_urls:
            raise ValueError("no start URL: use -a url=https://site/tag/name/")
        for start in self.start_urls:
            if not is_web_url(start):
                raise ValueError(f"not an http(s) URL: {start}")
        self.max_pages_arg = int(max_pages) if max_pages else None
        # Why start pages, and later listing pages, could not be crawled: one line each.
        self.failures: list[str] = []
        self.page_failures: list[str] = []
        self.requested: set[str] = set()

    @property
    def max_pages(self) -> int:
        if self.max_pages_arg:
            return self.max_pages_arg
        return self.settings.getint("NEWSARCHIVE_MAX_PAGES") or 0

    async def start(self) -> AsyncIterator[Request]:
        for start_url in self.start_urls:
            chain = Chain(start_url, host_of(start_url))
            yield self._listing_request(start_url, chain, 1)

    def _listing_request(self, url: str, chain: Chain, page_number: int) -> Request:
        self._record_request(url)
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"chain": chain, "page_number": page_number},
        )

    def _record_request(self, url: str) -> None:
        self.requested.add(canonical_url(url))

    def _already_requested(self, url: str) -> bool:
        return canonical_url(url) in self.requested

    def remember_stories(self, chain: Chain, page_number: int, keys: list[str]) -> set[str]:
        """Note the stories a page of the chain lists; returns those the chain had not shown."""
        new = set(keys) - chain.seen_stories
        chain.seen_stories |= new
        return new

    def parse_listing(
        self, response: Response, chain: Chain, page_number: int
    ) -> Iterator[Story | Request]:
        stats = self.crawler.stats
        if not isinstance(response, HtmlResponse):
            kind = response.headers.get("Content-Type", b"no content type").decode("latin-1")
            self._fail(response.url, page_number, f"not an HTML page ({kind})", "not_html")
            return
        stats.inc_value("newsarchive/pages")
        listing = extract_listing(response.selector, response.url)
        fetched_at = datetime.now(UTC).isoformat()
        stats.set_value("newsarchive/current_tag", listing.tag)
        keys = [canonical_url(found.url) for found in listing.stories]
        new_in_chain = len(self.remember_stories(chain, page_number, keys))
        for position, found in enumerate(listing.stories, start=1):
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
        elif self._already_requested(next_page):
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
            message = failure.getErrorMessage().splitlines()[0] if failure.value else ""
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
