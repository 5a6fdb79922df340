"""The store pipeline of a worker: stores as `crawl` does, and tells the ledger when it is safe."""

from __future__ import annotations

from scrapy import signals

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

    def process_item(self, item: Story) -> Story:
        super().process_item(item)
        self.ledger.batch_pending = bool(self.batch)
        return item

    def flush(self) -> None:
        try:
            super().flush()
        except Exception:
            # The batch is gone: give back every lease so other workers fetch those pages again.
            self.ledger.release_all()
            raise
        self.ledger.flushed()
