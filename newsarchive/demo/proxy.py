"""A downloader middleware of the demo's crawls: every request goes to the sample site's server
on 127.0.0.1 as to an HTTP proxy, so the made-up host of its URLs is never looked up."""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

# The setting that names the sample site's server (http://127.0.0.1:PORT).
SETTING = "DEMO_PROXY"


class DemoProxy:
    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DemoProxy:
        proxy = crawler.settings.get(SETTING)
        if not proxy:
            raise NotConfigured
        return cls(proxy)

    def process_request(self, request: Request) -> None:
        request.meta["proxy"] = self.proxy


def proxy_settings(proxy: str) -> dict[str, object]:
    """The settings that send a crawl's requests to the sample site's server at `proxy`: the
    project's downloader middlewares and this one, before Scrapy's proxy middleware (750)."""
    from newsarchive import settings

    middlewares = settings.DOWNLOADER_MIDDLEWARES | {f"{__name__}.DemoProxy": 740}
    return {SETTING: proxy, "DOWNLOADER_MIDDLEWARES": middlewares}
