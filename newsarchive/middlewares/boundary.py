"""The site boundary: only http(s) URLs, and only the site each crawl chain started on.

A site is a host and its port (`urls.site_origin`): another port of the same host is another
service, and the crawler never sends it a request it was not pointed at. Listing requests carry
their chain's site in `meta["site_origin"]`; redirects (HTTP and meta refresh) keep it, so a
hostile page or server cannot send the crawler elsewhere. Sites listed in
NEWSARCHIVE_ALLOWED_HOSTS are allowed too (a site that moved, a mirror): `host:port` that port,
a bare `host` any port of it.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import BaseSettings

from newsarchive.urls import is_web_url, site_origin

logger = logging.getLogger(__name__)
SITE = "site_origin"  # request.meta key: the site the request's chain started on


def allowed_sites(settings: BaseSettings) -> set[str]:
    """The sites NEWSARCHIVE_ALLOWED_HOSTS allows besides each chain's own: `host:port` that
    port only; a bare host, any port of it (the user named it)."""
    entries = [entry.strip() for entry in settings.getlist("NEWSARCHIVE_ALLOWED_HOSTS")]
    return {site_origin(f"http://{entry}/") for entry in entries if entry}


def within(url: str, site: str, allowed: set[str]) -> bool:
    """Whether `url` is on `site` or on one of the `allowed` sites."""
    origin = site_origin(url)
    return origin == site or bool({origin, site_origin(url, port=False)} & allowed)


class SiteBoundaryMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.allowed = allowed_sites(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBoundaryMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if not is_web_url(request.url):
            self.stats.inc_value("newsarchive/refused/not_http")
            logger.warning("refused %s: not an http(s) URL", request.url[:200])
            raise IgnoreRequest("not an http(s) URL")
        site = request.meta.get(SITE)
        if site and not within(request.url, site, self.allowed):
            origin = site_origin(request.url)
            self.stats.inc_value("newsarchive/refused/offsite")
            logger.warning(
                "refused %s: leaves %s (see NEWSARCHIVE_ALLOWED_HOSTS)", request.url, site
            )
            raise IgnoreRequest(f"leaves {site} for {origin}")
