"""Batch listing pages and article fetches for the archive by rows and by time; the run recorder
writes them."""

from __future__ import annotations

import time

from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from newsarchive.items import ArticlePage, ListingPage
from newsarchive.runtime.recorder import RunRecorder
from newsarchive.storage import ArticleResult, BatchResult


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.run = RunRecorder.of(crawler)
        self.batch_size = settings.getint("NEWSARCHIVE_BATCH_SIZE")
        self.batch_seconds = settings.getfloat("NEWSARCHIVE_BATCH_SECONDS")
        self.batch: list[ListingPage | ArticlePage] = []
        self.rows = 0
        self.batch_started = 0.0
        self.timer = LoopingCall(self._flush_if_due)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.timer.start(self.batch_seconds, now=False)

    def process_item(self, page: ListingPage | ArticlePage) -> ListingPage | ArticlePage | Deferred:
        if not self.batch:
            self.batch_started = time.monotonic()
        self.batch.append(page)
        self.rows += len(page.stories) if isinstance(page, ListingPage) else 1
        if self.rows >= self.batch_size:
            stored = self.flush()
            if self.run.writer.busy():  # the database is behind: this page waits for its batch
                return stored.addBoth(lambda _: page)
        return page

    def _flush_if_due(self) -> None:
        if self.batch and time.monotonic() - self.batch_started >= self.batch_seconds:
            self.flush()

    def flush(self) -> Deferred:
        """Hand the batch to the recorder's writer thread; fires once it is committed."""
        batch, self.batch, self.rows = self.batch, [], 0
        stored = self.run.store(batch)
        stored.addCallbacks(self.committed, self.failed)
        return stored

    def committed(
        self, result: tuple[BatchResult, ArticleResult]
    ) -> tuple[BatchResult, ArticleResult]:
        """The batch is in the archive."""
        return result

    def failed(self, failure: Failure) -> None:
        """The batch could not be written; the recorder logged why and is closing the crawl."""

    async def close_spider(self) -> None:
        if self.timer.running:
            self.timer.stop()
        if self.batch:
            self.flush()
        await maybe_deferred_to_future(self.run.writer.drained())
