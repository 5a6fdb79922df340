"""The store pipeline of a worker: stores as `crawl` does, and tells the ledger what is safe."""

from __future__ import annotations

from scrapy import signals
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newsarchive.frontier.ledger import Ledger
from newsarchive.items import Story
from newsarchive.pipelines.store import StorePipeline


class FrontierStorePipeline(StorePipeline):
    ledger: Ledger

    def open_spider(self) -> None:
        super().open_spider()
        self.ledger = self.crawler.spider.ledger
        self.crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    def spider_idle(self) -> None:
        """Nothing in flight: commit now, so the leases waiting for it end without delay."""
        if self.batch:
            self.flush()
        elif self.ledger.awaiting_commit:
            # Their stories went into a batch already with the writer: wait for it to finish.
            self.ledger.sealed()
            self.writer.drained().addCallback(lambda _: self.ledger.commit_done())

    def flush(self) -> Deferred:
        self.ledger.sealed()
        return super().flush()

    def _stored(self, result: object, batch: list[Story]) -> None:
        super()._stored(result, batch)
        self.ledger.commit_done()

    def _failed(self, failure: Failure) -> None:
        # The batch is gone: give back every lease so other workers fetch those pages again.
        self.ledger.release_all()
        self.ledger.commit_done()
        super()._failed(failure)
