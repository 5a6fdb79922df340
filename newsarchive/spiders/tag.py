"""The `tag` spider: a tag-listing page and all its older pages, story by story."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from parsel import Selector
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsarchive.checkpoint import Checkpoint
from newsarchive.extract import Listing, Profile
from newsarchive.extract.learned import LayoutCache
from newsarchive.items import ListingPage, ListingWalk, Story
from newsarchive.middlewares.warc import FETCHED_AT, LISTING, WARC_RECORD
from newsarchive.profiles import ProfileError, load_profiles
from newsarchive.storage import Archive
from newsarchive.urls import canonical_url, host_of, is_web_url

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Chain:
    """The pages of one start URL: its host, how deep we are, and what it has shown so far.

    An incremental chain stops after `stop_after` pages in a row bring no story new to the
    archive; a full one walks every page.
    """

    start_url: str
    host: str
    mode: str = "full"
    seen_stories: set[str] = field(default_factory=set)
    pages_without_new: int = 0
    walk: ListingWalk = field(init=False)

    def __post_init__(self) -> None:
        self.walk = ListingWalk(start_url=canonical_url(self.start_url), mode=self.mode)


def listing_stories(
    listing: Listing,
    page_number: int,
    fetched_at: str,
    warc_file: str | None = None,
    warc_offset: int | None = None,
    warc_key: int | None = None,
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
            tag=listing.tag,
            extraction_method=found.extraction_method,
            date_source=found.date_source,
            listing_url=listing.url,
            page_number=page_number,
            position=position,
            fetched_at=fetched_at,
            warc_file=warc_file,
            warc_offset=warc_offset,
            warc_key=warc_key,
        )


class TagSpider(Spider):
    name = "tag"
    # False for spiders fed start URLs some other way (the frontier worker).
    requires_start_urls: ClassVar[bool] = True

    def __init__(
        self,
        url: str | None = None,
        urls: list[str] | None = None,
        max_pages: int | str | None = None,
        full: bool | str | None = None,
        stop_after: int | str | None = None,
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
        self.full_arg = full in (True, "1", "true", "True") if full is not None else None
        self.stop_after_arg = int(stop_after) if stop_after else None
        # Why start pages, and later listing pages, could not be crawled: one line each.
        self.failures: list[str] = []
        self.page_failures: list[str] = []
        self.requested: set[str] = set()
        self.chains: list[Chain] = []
        self.archive: Archive | None = None
        self.profiles: tuple[Profile, ...] = ()
        self.checkpoint: Checkpoint | None = None
        # Site layouts learned on this crawl's first pages, to read the later pages quickly.
        self.layouts = LayoutCache()

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

    @property
    def stop_after(self) -> int:
        return self.stop_after_arg or self.settings.getint("NEWSARCHIVE_STOP_AFTER") or 1

    @property
    def walks(self) -> list[ListingWalk]:
        """How each start URL was walked, for the run's record."""
        return [chain.walk for chain in self.chains]

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
        full = (
            self.full_arg
            if self.full_arg is not None
            else self.settings.getbool("NEWSARCHIVE_FULL")
        )
        if not full:
            # Reads only; the store pipeline has created the archive by now.
            self.archive = Archive.open(self.settings.get("NEWSARCHIVE_DB"))
        for start_url in self.start_urls:
            known = self.archive is not None and self.archive.walked(canonical_url(start_url))
            chain = Chain(start_url, host_of(start_url), "incremental" if known else "full")
            self.chains.append(chain)
            point = self.checkpoint.resume_point(start_url) if self.checkpoint else None
            if point:
                logger.info("%s: resuming at page %d, %s", start_url, point[1], point[0])
                yield self._listing_request(point[0], chain, point[1])
            else:
                yield self._listing_request(start_url, chain, 1)
        if not any(chain.mode == "incremental" for chain in self.chains):
            self._close_archive()

    def closed(self, reason: str) -> None:
        self._close_archive()

    def _close_archive(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    def _listing_request(self, url: str, chain: Chain, page_number: int) -> Request:
        self._record_request(url)
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.listing_failed,
            cb_kwargs={"chain": chain, "page_number": page_number},
            meta={
                LISTING: {"start_url": chain.start_url, "page_number": page_number},
                # Redirects keep it: the site boundary middleware holds them to the chain's host.
                "site_host": chain.host,
            },
            # `requested` and the chain bounds dedupe pagination; a redirect loop must reach the
            # redirect limit and the errback (counted) rather than vanish in Scrapy's dupefilter.
            dont_filter=True,
        )

    def _record_request(self, url: str) -> None:
        self.requested.add(canonical_url(url))

    def _already_requested(self, url: str) -> bool:
        return canonical_url(url) in self.requested

    def remember_stories(self, chain: Chain, page_number: int, keys: list[str]) -> list[str]:
        """Note the stories a page of the chain lists; returns those the chain had not shown."""
        new = [key for key in dict.fromkeys(keys) if key not in chain.seen_stories]
        chain.seen_stories.update(new)
        return new

    def parse_listing(
        self, response: Response, chain: Chain, page_number: int
    ) -> Iterator[ListingPage | Request]:
        stats = self.crawler.stats
        if not isinstance(response, HtmlResponse):
            kind = response.headers.get("Content-Type", b"no content type").decode("latin-1")
            chain.walk.end_reason = "error"
            self._fail(response.url, page_number, f"not an HTML page ({kind})", "not_html")
            return
        stats.inc_value("newsarchive/pages")
        if self.checkpoint:
            self.checkpoint.page_parsed(response.url, chain.start_url)
        now = datetime.now(UTC)
        # A Selector of our own, not `response.selector`: that one and the response refer to each
        # other, so each page's parsed tree would wait for a full garbage collection to be freed.
        page = Selector(text=response.text, type="html")
        listing = self.layouts.extract(page, response.url, now=now, profiles=self.profiles)
        stats.inc_value(f"newsarchive/extract/{'learned' if listing.learned else 'full'}_pages")
        fetched_at = response.meta.get(FETCHED_AT) or now.isoformat()
        warc_file, warc_key = response.meta.get(WARC_RECORD, (None, None))
        stats.set_value("newsarchive/current_tag", listing.tag)
        walk = chain.walk
        walk.pages += 1
        walk.stories += len(listing.stories)
        walk.tag, walk.site = walk.tag or listing.tag, walk.site or host_of(response.url)
        # Extraction made the URLs absolute; the normalise pipeline finds these in the URL cache.
        keys = [canonical_url(found.url) for found in listing.stories]
        new_in_chain = self.remember_stories(chain, page_number, keys)
        if chain.mode == "incremental":
            self._count_known(chain, new_in_chain)
        if listing.stories:
            stories = listing_stories(
                listing, page_number, fetched_at, warc_file, warc_key=warc_key
            )
            yield ListingPage(list(stories))
        else:
            stats.inc_value("newsarchive/pages_without_stories")
        next_request = self._next(listing.next_page, chain, page_number, len(new_in_chain))
        if next_request is not None:
            yield next_request

    def _count_known(self, chain: Chain, keys: list[str]) -> None:
        """Count a page whose stories the archive holds already: one query for the page."""
        fresh = set(keys) - self.archive.known_urls(keys) if keys else set()
        chain.pages_without_new = 0 if fresh else chain.pages_without_new + 1
        self.crawler.stats.inc_value("newsarchive/stories_known_on_listing", len(keys) - len(fresh))

    def _next(
        self, next_page: str | None, chain: Chain, page_number: int, new_in_chain: int
    ) -> Request | None:
        """The request for the older page, or None when the chain ends here (and why)."""
        stats = self.crawler.stats
        if not next_page:
            reason = "last_page"
        elif not new_in_chain:
            reason = "no_new_stories"  # an empty page, or a pagination loop
        elif chain.pages_without_new >= self.stop_after:
            reason = "known_stories"  # an incremental crawl has reached what it had
        elif host_of(next_page) != chain.host:
            reason = "offsite_next"
        elif self.max_pages and page_number >= self.max_pages:
            reason = "max_pages"
        elif len(next_page) > self.settings.getint("URLLENGTH_LIMIT"):
            reason = "url_too_long"  # a next link that grows on every page
        elif self._already_requested(next_page):
            reason = "already_fetched"
        else:
            return self._listing_request(next_page, chain, page_number + 1)
        stats.inc_value(f"newsarchive/chain_end/{reason}")
        chain.walk.end_reason = reason
        logger.info("%s: pagination ends at page %d (%s)", chain.start_url, page_number, reason)
        return None

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        page_number = request.cb_kwargs["page_number"]
        request.cb_kwargs["chain"].walk.end_reason = "error"
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
