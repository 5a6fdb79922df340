"""The store pipeline of a worker: stores as `crawl` does, and tells the ledger what is safe."""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newsarchive.frontier.ledger import Ledger
from newsarchive.pipelines.store import StorePipeline
from newsarchive.storage import BatchResult


class FrontierStorePipeline(StorePipeline):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @property
    def ledger(self) -> Ledger:
        return self.crawler.spider.ledger

    def spider_idle(self) -> None:
        """Nothing in flight: commit now, so the leases waiting for it end without delay."""
        if self.batch:
            self.flush()
        elif self.ledger.awaiting_commit:
            # Their stories went into a batch already with the writer: wait for it to finish.
            self.ledger.sealed()
            self.run.writer.drained().addCallback(lambda _: self.ledger.commit_done())

    def flush(self) -> Deferred:
        self.ledger.sealed()
        return super().flush()

    def committed(self, result: BatchResult) -> BatchResult:
        self.ledger.commit_done()
        return result

    def failed(self, failure: Failure) -> None:
        # The batch is gone: give back every lease so other workers fetch those pages again.
        self.ledger.release_all()
        self.ledger.commit_done()
