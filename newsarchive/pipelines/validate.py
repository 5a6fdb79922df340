"""Drop stories that cannot be archived, counting each reason in the crawl stats."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsarchive.items import Story

REQUIRED = ("url", "headline")


def missing_field(item: Story) -> str | None:
    """The first required field the story lacks, or None when it can be archived."""
    return next((name for name in REQUIRED if not getattr(item, name)), None)


class ValidatePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Story) -> Story:
        field = missing_field(item)
        if field:
            self.stats.inc_value(f"newsarchive/dropped/missing_{field}")
            raise DropItem(f"story without {field} on {item.listing_url}")
        return item
