"""Drop a story already seen under the same tag in this run (pages shift while we crawl).

The same story under another tag passes: the archive must learn the second tag. So does the
same story on another of a web archive's captures: each capture is a sighting at its own time.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsarchive.items import ArticlePage, ListingPage


class DedupePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen: set[tuple[str, str | None, str | None]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler.stats)

    def open_spider(self) -> None:
        self.seen = set()

    def process_item(self, page: ListingPage | ArticlePage) -> ListingPage | ArticlePage:
        if not isinstance(page, ListingPage):
            return page  # an article fetch: read and checked by its spider
        kept = []
        for story in page.stories:
            key = (story.url, story.tag, story.archived.timestamp if story.archived else None)
            if key in self.seen:
                self.stats.inc_value("newsarchive/dropped/duplicate")
            else:
                self.seen.add(key)
                kept.append(story)
        if not kept:
            raise DropItem("every story on the page was seen under its tag already")
        page.stories = kept
        return page
