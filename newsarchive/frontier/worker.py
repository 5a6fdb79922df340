"""Running a worker from Python: the API `newsarchive worker` is thin over."""

from __future__ import annotations

import logging
from time import monotonic
from typing import Any

from redis import RedisError
from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from newsarchive.crawl.api import CrawlResult, project_settings, run_spider
from newsarchive.frontier.spider import FrontierSpider
from newsarchive.frontier.state import REQUESTS, START

logger = logging.getLogger(__name__)

_STORE = "newsarchive.pipelines.store.StorePipeline"
# Within a job, the spider drops stories an earlier page of their chain listed, for all workers.
_DEDUPE = "newsarchive.pipelines.dedupe.DedupePipeline"

WORKER_SETTINGS: dict[str, Any] = {
    "SCHEDULER": "newsarchive.frontier.scheduler.FrontierScheduler",
    "SCHEDULER_QUEUE_CLASS": "newsarchive.frontier.scheduler.LeasedQueue",
    "SCHEDULER_QUEUE_KEY": REQUESTS,
    "DUPEFILTER_CLASS": "newsarchive.frontier.scheduler.JobDupeFilter",
    "SCHEDULER_SERIALIZER": "newsarchive.frontier.serializer",
    # The queue is shared: one worker stopping must not clear it.
    "SCHEDULER_PERSIST": True,
    "REDIS_START_URLS_KEY": START,
    "REDIS_START_URLS_AS_ZSET": True,
    "LOG_LEVEL": "WARNING",
    # A long-running process needs no code-execution endpoint, however local.
    "REMOTE_CONTROL_ENABLED": False,
    # Shared with the other workers; a crawl, a schema upgrade or a reparse excludes them all.
    "NEWSARCHIVE_SHARED_LOCK": True,
}


class Upkeep:
    """A worker's timer: renews the leases it holds, sends expired leases of any worker back to
    the queue, and with NEWSARCHIVE_IDLE_EXIT closes the worker once the frontier (start entries,
    queue and leases) has been empty that long."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.idle_exit = settings.getfloat("NEWSARCHIVE_IDLE_EXIT")
        self.period = min(settings.getfloat("NEWSARCHIVE_LEASE_SECONDS") / 3, 1.0)
        self.empty_since: float | None = None
        self.loop = LoopingCall(self.tick)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Upkeep:
        return cls(crawler)

    def spider_opened(self) -> None:
        self.loop.start(self.period, now=False)

    def spider_closed(self) -> None:
        if self.loop.running:
            self.loop.stop()

    def tick(self) -> None:
        spider: FrontierSpider = self.crawler.spider
        try:
            spider.frontier.renew(spider.ledger.held)
            spider.frontier.requeue_expired()
            empty = spider.frontier.backlog().empty
        except RedisError as error:
            logger.warning("frontier unavailable: %s", error)
            return
        if not (self.idle_exit and empty):
            self.empty_since = None
        elif self.empty_since is None:
            self.empty_since = monotonic()
        elif monotonic() - self.empty_since >= self.idle_exit:
            self.loop.stop()
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="finished"))


def work(
    redis_url: str,
    *,
    db: str | None = None,
    idle_exit: float | None = None,
    settings: dict[str, Any] | None = None,
    progress: bool = False,
) -> CrawlResult:
    """Take requests from the frontier at `redis_url` and archive their stories in `db`.

    Runs until interrupted, or with `idle_exit` until the frontier has been empty that long.
    Holds the archive lock shared with other workers (raises ArchiveLocked at once while a crawl
    has it). Runs Scrapy's reactor, so it can be called once per process.
    """
    base = project_settings()
    pipelines = base.getdict("ITEM_PIPELINES")
    store_order = pipelines.pop(_STORE)
    pipelines.pop(_DEDUPE, None)
    pipelines["newsarchive.frontier.pipeline.FrontierStorePipeline"] = store_order
    overrides = dict(WORKER_SETTINGS)
    overrides |= {
        "ITEM_PIPELINES": pipelines,
        "EXTENSIONS": base.getdict("EXTENSIONS") | {"newsarchive.frontier.worker.Upkeep": 510},
        "DOWNLOADER_MIDDLEWARES": base.getdict("DOWNLOADER_MIDDLEWARES")
        | {"newsarchive.frontier.politeness.SharedHostDelay": 960},
        "REDIS_URL": redis_url,
        "NEWSARCHIVE_PROGRESS": progress,
    }
    if db:
        overrides["NEWSARCHIVE_DB"] = db
    if idle_exit:
        overrides["NEWSARCHIVE_IDLE_EXIT"] = idle_exit
    overrides |= settings or {}
    return run_spider(CrawlerProcess(project_settings(overrides)), FrontierSpider)
