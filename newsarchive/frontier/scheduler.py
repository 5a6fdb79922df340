"""scrapy-redis' scheduler, queue and duplicate filter, adapted to leases and crawl jobs.

- The queue leases what it pops instead of deleting it (scrapy-redis pops destructively, so a
  worker killed mid-run would lose the requests it held).
- The duplicate filter keeps one fingerprint set per crawl job: every `enqueue` fetches listing
  pages such as /page/2/ afresh, and no job fetches a page twice, whichever worker asks.
- The scheduler tells the ledger when a request yielded under a lease is safely queued, and
  looks at the shared queue itself whenever its worker has room: Scrapy's engine asks an idle
  worker's scheduler for work only every 5 seconds, and one busy worker would otherwise keep
  taking every page its own requests queue while the others wait.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from redis import Redis
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from newsarchive.frontier.spider import HANDOFF, JOB, LEASE, PARENT, FrontierSpider
from newsarchive.frontier.state import PREFIX


class LeasedQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pop leases the request (see frontier.ledger)."""

    spider: FrontierSpider

    def pop(self, timeout: int = 0) -> Request | None:
        taken = self.spider.frontier.take(self.key, 1)
        if not taken:
            return None
        lease, data = taken[0]
        self.spider.ledger.hold(lease)
        request = self._decode_request(data)
        request.meta[LEASE] = lease
        return request


class JobDupeFilter(RFPDupeFilter):
    """scrapy-redis' duplicate filter with one fingerprint set per crawl job (expiring)."""

    spider: FrontierSpider

    @classmethod
    def from_spider(cls, spider: Spider) -> JobDupeFilter:
        dupefilter = cls(
            spider.frontier.server,
            key=PREFIX + "job:*:seen",
            debug=spider.settings.getbool("DUPEFILTER_DEBUG"),
        )
        dupefilter.spider = spider
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        job = int(request.meta.get(JOB, 0))
        return self.spider.frontier.seen(job, self.request_fingerprint(request))

    def clear(self) -> None:
        """Job fingerprints expire on their own; other workers still need them."""


class FrontierScheduler(Scheduler):
    """scrapy-redis' scheduler; settles leases as the requests they yielded reach the queue."""

    spider: FrontierSpider
    # How often a worker with room looks at the shared queue (seconds).
    LOOK_EVERY = 0.2

    def __init__(self, server: Redis, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.crawler: Crawler | None = None
        self.handed: deque[Request] = deque()  # taken by `look`, for this worker's engine
        self.looking = LoopingCall(self.look)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        # Without the stats collector: scrapy-redis passes it a `spider` argument that current
        # Scrapy deprecates.
        scheduler = cls.from_settings(crawler.settings)
        scheduler.crawler = crawler
        return scheduler

    def open(self, spider: Spider) -> None:
        super().open(spider)
        self.looking.start(self.LOOK_EVERY, now=False)

    def close(self, reason: str) -> None:
        if self.looking.running:
            self.looking.stop()
        super().close(reason)

    def look(self) -> None:
        """With room and work waiting, hand one request to the engine: that wakes it, and it then
        takes more from the queue for as long as it has room."""
        engine = self.crawler.engine
        if engine.needs_backout() or self.handed or not len(self.queue):
            return
        request = self.queue.pop()
        if request is not None:
            request.meta[HANDOFF] = True
            engine.crawl(request)

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.pop(HANDOFF, False):
            self.handed.append(request)  # already leased by this worker: download it here
            return True
        parent = request.meta.pop(PARENT, None)
        # A request that still carries a lease is a retry or redirect of a leased request:
        # once the new one is queued, the old lease is done.
        replaced = request.meta.pop(LEASE, None)
        try:
            return super().enqueue_request(request)
        finally:
            self.spider.ledger.finish(replaced)
            self.spider.ledger.settle(parent)

    def next_request(self) -> Request | None:
        return self.handed.popleft() if self.handed else super().next_request()

    def has_pending_requests(self) -> bool:
        return bool(self.handed) or super().has_pending_requests()
