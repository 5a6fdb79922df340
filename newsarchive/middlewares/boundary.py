"""The site boundary: only http(s) URLs, and only the host each crawl chain started on.

Listing requests carry their chain's host in `meta["site_host"]`; redirects (HTTP and meta
refresh) keep it, so a hostile page or server cannot send the crawler elsewhere. Hosts listed in
NEWSARCHIVE_ALLOWED_HOSTS are allowed too (a site that moved, a mirror).
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from newsarchive.urls import host_of, is_web_url, site_key

logger = logging.getLogger(__name__)


class SiteBoundaryMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.allowed = {
            site_key(host)
            for host in crawler.settings.getlist("NEWSARCHIVE_ALLOWED_HOSTS")
            if host.strip()
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBoundaryMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not is_web_url(request.url):
            self.stats.inc_value("newsarchive/refused/not_http")
            logger.warning("refused %s: not an http(s) URL", request.url[:200])
            raise IgnoreRequest("not an http(s) URL")
        site = request.meta.get("site_host")
        host = host_of(request.url)
        if site and host != site and host not in self.allowed:
            self.stats.inc_value("newsarchive/refused/offsite")
            logger.warning(
                "refused %s: leaves %s (see NEWSARCHIVE_ALLOWED_HOSTS)", request.url, site
            )
            raise IgnoreRequest(f"leaves {site} for {host}")
