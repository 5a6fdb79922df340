"""Running a crawl from Python: the API the CLI and the demo are thin layers over."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from time import monotonic
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsarchive.logs import one_line_logging
from newsarchive.spiders.tag import TagSpider
from newsarchive.urls import is_web_url


@dataclass(slots=True)
class CrawlResult:
    """What a finished crawl reports; `status` is the run's status in the archive."""

    status: str
    pages: int = 0
    stories_new: int = 0
    stories_existing: int = 0
    errors: int = 0
    seconds: float = 0.0
    archive: str | None = None
    run_id: int | None = None
    failures: list[str] = field(default_factory=list)
    page_failures: list[str] = field(default_factory=list)


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings with `overrides` applied at command-line priority."""
    settings = Settings()
    settings.setmodule("newsarchive.settings", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def invalid_urls(urls: list[str]) -> list[str]:
    """The start URLs that are not absolute http(s) URLs."""
    return [url for url in urls if not is_web_url(url)]


def crawl(
    urls: list[str],
    *,
    db: str | None = None,
    max_pages: int | None = None,
    settings: dict[str, Any] | None = None,
    progress: bool = False,
) -> CrawlResult:
    """Crawl tag listings and their older pages into the archive; blocks until done.

    Logs only errors, one line each, unless `settings` says otherwise. Runs Scrapy's reactor,
    so it can be called once per process.
    """
    overrides: dict[str, Any] = {"LOG_LEVEL": "ERROR", "NEWSARCHIVE_PROGRESS": progress}
    if db:
        overrides["NEWSARCHIVE_DB"] = db
    overrides |= settings or {}
    return run_spider(TagSpider, project_settings(overrides), urls=urls, max_pages=max_pages)


def run_spider(spider_cls: type[Spider], settings: Settings, **kwargs: Any) -> CrawlResult:
    """Run one spider to its end in this process and report on it."""
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_cls)
    started = monotonic()
    process.crawl(crawler, **kwargs)
    one_line_logging()  # after crawl(): that is when Scrapy installs its root log handler
    process.start()
    stats = crawler.stats.get_stats()
    logging.getLogger().handlers.clear()  # the summary is ours to print
    return CrawlResult(
        status=stats.get("newsarchive/status", "failed"),
        pages=stats.get("newsarchive/pages", 0),
        stories_new=stats.get("newsarchive/stories_new", 0),
        stories_existing=stats.get("newsarchive/stories_existing", 0),
        errors=stats.get("log_count/ERROR", 0),
        seconds=monotonic() - started,
        archive=stats.get("newsarchive/archive"),
        run_id=stats.get("newsarchive/run_id"),
        failures=list(getattr(crawler.spider, "failures", [])),
        page_failures=list(getattr(crawler.spider, "page_failures", [])),
    )
