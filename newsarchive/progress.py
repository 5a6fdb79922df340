"""A live progress line on stderr for crawls started from a terminal."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

INTERVAL = 1.0


class Progress:
    """Rewrites one status line: pages fetched, stories new / already archived, tag, rate."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.started = time.monotonic()
        self.loop = LoopingCall(self.show)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("NEWSARCHIVE_PROGRESS"):
            raise NotConfigured
        return cls(crawler)

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.loop.start(INTERVAL, now=False)

    def spider_closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()

    def show(self) -> None:
        value = self.stats.get_value
        pages = value("newsarchive/pages", 0)
        rate = pages / max(time.monotonic() - self.started, 1e-9)
        line = (
            f"pages {pages} · stories new {value('newsarchive/stories_new', 0)}"
            f" / already archived {value('newsarchive/stories_existing', 0)}"
            f" · tag {value('newsarchive/current_tag') or '-'} · {rate:.1f} pages/s"
        )
        sys.stderr.write("\r\033[K" + line[:200])
        sys.stderr.flush()
