"""Drop stories that cannot be archived, counting each reason in the crawl stats."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsarchive.items import Story


class ValidatePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Story) -> Story:
        for field in ("url", "headline"):
            if not getattr(item, field):
                self.stats.inc_value(f"newsarchive/dropped/missing_{field}")
                raise DropItem(f"story without {field} on {item.listing_url}")
        return item
