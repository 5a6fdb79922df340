"""robots.txt Crawl-delay, honoured per site: Scrapy parses it but never applies it.

A site's delay in DOWNLOAD_SLOTS (a project file's `[sites."host"] delay`) is a floor too: the
longer of the two holds. The delay becomes a floor under the site's download-slot delay, restored before every request
reaches the downloader and after every response (AutoThrottle may have lowered it meanwhile).
"""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


class CrawlDelay:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("NEWSARCHIVE_CRAWL_DELAY_MAX")
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get(
            "USER_AGENT"
        )
        self.delays: dict[str, float] = {  # by netloc, as robots.txt files are
            host: float(slot["delay"])
            for host, slot in crawler.settings.getdict("DOWNLOAD_SLOTS").items()
            if "delay" in slot
        }
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.floor, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelay:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        return cls(crawler)

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        if not delay or delay <= 0:
            return
        netloc = urlparse_cached(request).netloc
        if delay > self.cap:
            logger.warning(
                "%s asks for %g s between requests; waiting %g s (NEWSARCHIVE_CRAWL_DELAY_MAX)",
                netloc, delay, self.cap,
            )  # fmt: skip
            delay = self.cap
        self.delays[netloc] = max(delay, self.delays.get(netloc, 0.0))
        self.crawler.stats.set_value(f"newsarchive/crawl_delay/{netloc}", delay)
        logger.info("%s: robots.txt Crawl-delay %g s", netloc, delay)

    def response_downloaded(self, response: Response, request: Request) -> None:
        self.floor(request)

    def floor(self, request: Request) -> None:
        """Keep the slot's shortest gap (delay less its random jitter) at least the Crawl-delay."""
        delay = self.delays.get(urlparse_cached(request).netloc)
        if delay is None:
            return
        slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
        if slot is None:
            return
        slot.delay = max(slot.delay, delay)
        slot.jitter = min(slot.jitter, 1 - delay / slot.delay)
