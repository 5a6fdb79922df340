"""A live progress line on stderr for crawls started from a terminal."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from newsarchive.runtime.recorder import RunRecorder
from newsarchive.runtime.state import RunState

INTERVAL = 1.0


class Progress:
    """Rewrites one status line: pages fetched, stories new / already archived, tag, rate."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.state: RunState | None = None
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
        self.state = RunRecorder.of(self.crawler).state
        self.started = time.monotonic()
        self.loop.start(INTERVAL, now=False)

    def spider_closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()

    def show(self) -> None:
        state = self.state
        rate = state.pages / max(time.monotonic() - self.started, 1e-9)
        planned = f"/{state.pages_planned}" if state.pages_planned else ""
        line = (
            f"pages {state.pages}{planned} · stories new {state.stories_new}"
            f" / already archived {state.stories_existing}"
            f" · tag {state.current_tag or '-'} · {rate:.1f} pages/s"
        )
        sys.stderr.write("\r\033[K" + line[:200])
        sys.stderr.flush()
