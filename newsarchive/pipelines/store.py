"""Write stories to the archive in batches sized by rows and by time, on the writer thread."""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from newsarchive.items import ListingPage, Story
from newsarchive.signals import batch_stored
from newsarchive.storage import Archive
from newsarchive.writer import Writer

logger = logging.getLogger(__name__)


# Settings worth citing with a run: what shaped which pages were fetched and how politely.
RECORDED_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_TIMEOUT", "RETRY_TIMES", "NEWSARCHIVE_MAX_PAGES",
    "NEWSARCHIVE_FULL", "NEWSARCHIVE_STOP_AFTER", "NEWSARCHIVE_WARC", "NEWSARCHIVE_WARC_DIR",
)  # fmt: skip


def crawl_settings(crawler: Crawler) -> dict[str, Any]:
    """The recorded settings and the spider's arguments, as a run keeps them."""
    spider = crawler.spider
    arguments = {
        "max_pages": getattr(spider, "max_pages", None),
        "stop_after": getattr(spider, "stop_after", None),
        "full": getattr(spider, "full_arg", None),
    }
    return {name: crawler.settings.get(name) for name in RECORDED_SETTINGS} | {
        "spider_arguments": {name: value for name, value in arguments.items() if value is not None}
    }


class SkippedBatch(Exception):
    """A batch not written because an earlier one failed (the crawl is stopping)."""


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.target = settings.get("NEWSARCHIVE_DB")
        self.batch_size = settings.getint("NEWSARCHIVE_BATCH_SIZE")
        self.batch_seconds = settings.getfloat("NEWSARCHIVE_BATCH_SECONDS")
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.batch: list[Story] = []
        self.batch_started = 0.0
        self.timer: LoopingCall | None = None
        self.writer = Writer.of(crawler)
        self.broken = (
            False  # set on the writer thread once a batch failed: later ones are not tried
        )
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        if crawler.settings.getint("NEWSARCHIVE_BATCH_SIZE") < 1:
            raise NotConfigured("NEWSARCHIVE_BATCH_SIZE must be at least 1")
        return cls(crawler)

    def open_spider(self) -> None:
        self.archive = Archive.open(self.target)
        start_urls = getattr(self.crawler.spider, "start_urls", [])
        self.run_id = self.archive.begin_run(start_urls, crawl_settings(self.crawler))
        self.stats.set_value("newsarchive/run_id", self.run_id)
        self.stats.set_value("newsarchive/archive", self.archive.location)
        self.timer = LoopingCall(self._flush_if_due)
        self.timer.start(self.batch_seconds, now=False)

    def process_item(self, page: ListingPage) -> ListingPage | Deferred:
        if not self.batch:
            self.batch_started = time.monotonic()
        self.batch.extend(page.stories)
        if len(self.batch) >= self.batch_size:
            stored = self.flush()
            if self.writer.busy():  # the database is behind: this page waits for its batch
                return stored.addCallback(lambda _: page)
        return page

    def _flush_if_due(self) -> None:
        if self.batch and time.monotonic() - self.batch_started >= self.batch_seconds:
            self.flush()

    def flush(self) -> Deferred:
        """Hand the batch to the writer thread; stats and `batch_stored` follow its commit."""
        batch, self.batch = self.batch, []
        stored = self.writer.submit(self._store, batch)
        stored.addCallbacks(self._stored, self._failed, callbackArgs=(batch,))
        return stored

    def _store(self, batch: list[Story]) -> object:
        """On the writer thread, after the WARC records of these pages were written."""
        if self.broken:
            raise SkippedBatch
        for story in batch:
            if story.warc_key is not None:
                story.warc_offset = self.writer.offsets.get(story.warc_key)
        try:
            return self.archive.store(self.run_id, batch)
        except Exception:
            self.broken = True
            raise

    def _stored(self, result: object, batch: list[Story]) -> None:
        self.stats.inc_value("newsarchive/stories_new", result.new)
        self.stats.inc_value("newsarchive/stories_existing", result.existing)
        self.stats.inc_value("newsarchive/sightings", len(batch))
        self.crawler.signals.send_catch_log(signal=batch_stored, batch=batch)

    def _failed(self, failure: Failure) -> None:
        """A batch that cannot be written ends the crawl: going on would lose more stories."""
        if failure.check(SkippedBatch):
            return
        logger.error("cannot store stories in %s: %s", self.target_name, failure.getErrorMessage())
        self.stats.inc_value("newsarchive/store_failed")
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_failed"))

    @property
    def target_name(self) -> str:
        return self.archive.location if self.archive else str(self.target)

    def close_spider(self) -> Deferred:
        if self.timer and self.timer.running:
            self.timer.stop()
        if self.batch:
            self.flush()
        return self.writer.drained()

    def spider_closed(self, spider: object, reason: str) -> None:
        if self.archive is None or self.run_id is None:
            return
        stats = self.stats
        if stats.get_value("newsarchive/store_failed"):
            status = "failed"
        elif reason != "finished":
            status = "interrupted"
        elif stats.get_value("newsarchive/start_failed", 0) and not stats.get_value(
            "newsarchive/pages", 0
        ):
            status = "failed"
        elif not stats.get_value("newsarchive/sightings", 0):
            status = "no_stories"
        else:
            status = "finished"
        self.archive.record_walks(self.run_id, getattr(spider, "walks", []))
        if status == "finished":
            ratio = self.crawler.settings.getfloat("NEWSARCHIVE_MIN_STORIES_RATIO")
            shortfalls = self.archive.shortfalls(self.run_id, ratio)
            if shortfalls:
                status = "fewer_stories"
                stats.set_value("newsarchive/shortfalls", shortfalls)
        stats.set_value("newsarchive/status", status)
        self.archive.finish_run(
            self.run_id,
            status,
            pages=stats.get_value("newsarchive/pages", 0),
            errors=stats.get_value("log_count/ERROR", 0),
        )
        self.archive.close()
        self.archive = None
