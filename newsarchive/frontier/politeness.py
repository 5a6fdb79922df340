"""Per-site politeness that holds across workers.

Scrapy's DOWNLOAD_DELAY and AutoThrottle act within one process, so N workers would hit a site
N times as often. Here every request first reserves the site's next slot in Redis, at least
NEWSARCHIVE_HOST_INTERVAL seconds (default: DOWNLOAD_DELAY) after the slot any worker reserved
last, and waits for it: all workers together start at most one request per interval per site.
"""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsarchive.frontier.state import Frontier
from newsarchive.urls import host_of


class SharedHostDelay:
    """Downloader middleware: wait for the site's shared slot before each request."""

    def __init__(self, frontier: Frontier, interval: float) -> None:
        self.frontier = frontier
        self.interval = interval

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedHostDelay:
        settings = crawler.settings
        interval = settings.getfloat(
            "NEWSARCHIVE_HOST_INTERVAL", settings.getfloat("DOWNLOAD_DELAY")
        )
        if interval <= 0:
            raise NotConfigured
        return cls(Frontier.from_settings(settings), interval)

    async def process_request(self, request: Request) -> None:
        wait = self.frontier.reserve_host(host_of(request.url), self.interval)
        if wait > 0:
            await asyncio.sleep(wait)
