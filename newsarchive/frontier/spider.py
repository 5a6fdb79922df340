"""The tag spider fed by the shared frontier instead of the command line.

Pagination and extraction are the tag spider's own; this subclass changes where start URLs come
from (`newsarchive enqueue`, through scrapy-redis' spider mixin), swaps in a `Chains` strategy
that keeps each chain's memory in Redis (any worker may fetch the next page), and reports to the
ledger what each leased request yields, so the lease is acknowledged only when all of it is safe.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy_redis.spiders import RedisMixin
from twisted.python.failure import Failure

from newsarchive.frontier.ledger import Ledger
from newsarchive.frontier.state import Frontier
from newsarchive.items import ListingPage, Story
from newsarchive.spiders.tag import Chain, TagSpider, start_chain
from newsarchive.status import WalkEnd
from newsarchive.urls import canonical_url, is_web_url

logger = logging.getLogger(__name__)

# Request meta: the crawl job, the lease a request was taken under, the lease that yielded it,
# and a mark on requests the scheduler took from the queue to hand to its own engine.
JOB = "newsarchive_job"
LEASE = "newsarchive_lease"
PARENT = "newsarchive_parent"
HANDOFF = "newsarchive_handoff"


@dataclass(slots=True)
class FrontierChain(Chain):
    """A chain that belongs to a crawl job; `fresh` holds the current page's first listings."""

    job: int = 0
    fresh: set[str] = field(default_factory=set)

    def as_json(self) -> dict[str, Any]:
        # The chain's memory lives in Redis: only what names the chain travels with a request.
        return {"start_url": self.start_url, "origin": self.origin, "job": self.job,
                "auth": self.auth}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FrontierChain:
        return cls(data["start_url"], data["origin"], auth=data.get("auth"), job=int(data["job"]))


class FrontierChains:
    """Pagination memory shared by every worker: a job's duplicate filter and chain memory live
    in Redis, so any worker may fetch any page of a chain."""

    def __init__(self, frontier: Frontier) -> None:
        self.frontier = frontier

    def claim(self, url: str, chain: Chain) -> WalkEnd | None:
        return None  # the job's duplicate filter in Redis remembers requests, for every worker

    def first_listings(self, chain: Chain, page_number: int, keys: list[str]) -> list[str]:
        chain.fresh = self.frontier.first_listed(chain.job, chain.start_url, page_number, keys)
        return [key for key in dict.fromkeys(keys) if key in chain.fresh]

    def prepare(self, request: Request, chain: Chain) -> None:
        request.meta[JOB] = chain.job
        # The job's duplicate filter is what keeps a page fetched once per job, by all workers
        # together, also when a page is fetched again after its worker died.
        request.dont_filter = False


class FrontierSpider(RedisMixin, TagSpider):
    name = "frontier"
    requires_start_urls = False
    # A feed's answer would need a lease of its own in the shared frontier.
    fetches_feeds = False

    frontier: Frontier
    ledger: Ledger

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FrontierSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.frontier = Frontier.from_settings(crawler.settings)
        spider.chains = FrontierChains(spider.frontier)
        spider.ledger = Ledger(spider.frontier.ack, spider.frontier.release)
        spider.setup_redis(crawler)
        crawler.signals.connect(spider._item_stored, signal=signals.item_scraped)
        crawler.signals.connect(spider._item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider._item_dropped, signal=signals.item_error)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        """Start entries waiting in the frontier, taken one at a time as the engine asks, so
        that workers share them (later ones are read by scrapy-redis when a worker is idle)."""
        while taken := self.pop_priority_queue(self.redis_key, 1):
            if request := self.make_request_from_data(taken[0]):
                yield request

    # -- start entries: scrapy-redis' mixin reads them through these two methods ----------------

    def pop_priority_queue(self, redis_key: str, batch_size: int) -> list[tuple[str, bytes]]:
        """Lease start entries instead of deleting them, like requests from the queue."""
        taken = self.frontier.take(redis_key, batch_size)
        for lease, _ in taken:
            self.ledger.hold(lease)
        return taken

    def make_request_from_data(self, data: tuple[str, bytes]) -> Request | list[Request]:
        lease, entry = data
        try:
            start = json.loads(entry)
            url, job = start["url"], int(start["job"])
        except (ValueError, KeyError, TypeError):
            url, job = "", 0
        if not is_web_url(url):
            logger.warning("ignoring a start entry that is not an http(s) URL: %r", entry[:200])
            self.ledger.finish(lease)
            return []
        request = self.listing_request(url, start_chain(url, kind=FrontierChain, job=job), 1)
        request.meta[PARENT] = lease
        self.ledger.expect(lease)
        self.ledger.finish(lease)  # nothing but that request comes of a start entry
        return request

    # -- the tag spider's callbacks, with every output counted against the response's lease ----

    def parse_listing(
        self, response: Response, chain: Chain, page_number: int
    ) -> Iterator[ListingPage | Request]:
        """The tag spider's parsing, less stories an earlier page of the chain listed (pages
        shift while we crawl), with every output counted against the response's lease."""
        lease = response.meta.get(LEASE)
        try:
            for output in super().parse_listing(response, chain, page_number):
                if isinstance(output, ListingPage):
                    output.stories = self._first_listings(output.stories, chain.fresh)
                    if not output.stories:
                        continue
                elif lease is not None:
                    output.meta[PARENT] = lease
                self.ledger.expect(lease)
                yield output
        finally:
            self.ledger.finish(lease)

    def _first_listings(self, stories: list[Story], fresh: set[str]) -> list[Story]:
        """The stories this page is the first of its chain to list, each once."""
        kept: dict[str, Story] = {}
        for story in stories:
            key = canonical_url(story.url)
            if key in fresh and key not in kept:
                kept[key] = story
        self.crawler.stats.inc_value("newsarchive/dropped/duplicate", len(stories) - len(kept))
        return list(kept.values())

    def listing_failed(self, failure: Failure) -> None:
        try:
            super().listing_failed(failure)
        finally:
            self.ledger.finish(failure.request.meta.get(LEASE))

    # -- signals --------------------------------------------------------------------------------

    def _item_stored(self, item: object, response: Response | None, **_: Any) -> None:
        self.ledger.settle(_lease_of(response), stored=True)

    def _item_dropped(self, item: object, response: Response | None, **_: Any) -> None:
        self.ledger.settle(_lease_of(response))

    def _closed(self) -> None:
        """Whatever this worker still held goes back to the queue now, not at lease expiry."""
        self.ledger.release_all()


def _lease_of(response: object) -> str | None:
    return response.meta.get(LEASE) if isinstance(response, Response) else None
