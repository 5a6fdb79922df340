"""The baseline: a plain Scrapy spider with fixed selectors for the benchmark site, no pipelines.

Run with `scrapy runspider bare_spider.py -a urls=FILE -a stats=FILE` (add `-o x.jsonl` for the
feed variant). It writes Scrapy's stats as JSON to the `stats` file when it closes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: str, stats: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_urls = Path(urls).read_text().split()
        self.stats_path = Path(stats)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield scrapy.Request(url)

    def parse(self, response: scrapy.http.Response):
        for post in response.css("article.post"):
            yield {
                "url": response.urljoin(post.css("h2.entry-title a::attr(href)").get()),
                "headline": post.css("h2.entry-title a::text").get(),
                "teaser": post.css(".entry-summary p::text").get(),
                "published_at": post.css("time::attr(datetime)").get(),
                "author": post.css(".author a::text").get(),
            }
        older = response.css("a.next::attr(href)").get()
        if older:
            yield response.follow(older)

    def closed(self, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats())
        stats["crawl_seconds"] = (datetime.now(UTC) - stats["start_time"]).total_seconds()
        self.stats_path.write_text(json.dumps(stats, default=str))
