"""Drop stories that cannot be archived, counting each reason in the crawl stats."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsarchive.items import ArticlePage, ListingPage, Story

logger = logging.getLogger(__name__)

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

    def process_item(self, page: ListingPage | ArticlePage) -> ListingPage | ArticlePage:
        if not isinstance(page, ListingPage):
            return page  # an article fetch: read and checked by its spider
        page.stories = [story for story in page.stories if self.valid(story)]
        if not page.stories:
            raise DropItem("no story on the page can be archived")
        return page

    def valid(self, story: Story) -> bool:
        field = missing_field(story)
        if field:
            self.stats.inc_value(f"newsarchive/dropped/missing_{field}")
            logger.debug("dropped a story without %s on %s", field, story.listing_url)
        return field is None
