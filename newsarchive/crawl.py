"""Running a crawl from Python: the API the CLI and the demo are thin layers over."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from time import monotonic
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsarchive.logs import one_line_logging
from newsarchive.spiders.tag import TagSpider
from newsarchive.storage import Shortfall
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
    shortfalls: list[Shortfall] = field(default_factory=list)
    warc_file: str | None = None


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
    full: bool = False,
    stop_after: int | None = None,
    warc_dir: str | None = None,
    warc: bool = True,
    settings: dict[str, Any] | None = None,
    progress: bool = False,
    log_file: str | None = None,
) -> CrawlResult:
    """Crawl tag listings and their older pages into the archive; blocks until done.

    Incremental unless `full`: a start URL the archive has walked before stops after
    `stop_after` pages with no new story. Logs only errors, one line each, unless `settings`
    says otherwise; with `log_file`, the full log goes there instead. Runs Scrapy's reactor,
    so it can be called once per process.
    """
    overrides: dict[str, Any] = {
        "LOG_LEVEL": "ERROR", "NEWSARCHIVE_PROGRESS": progress, "NEWSARCHIVE_WARC": warc,
    }  # fmt: skip
    if log_file:
        overrides |= {"LOG_FILE": log_file, "LOG_LEVEL": "INFO"}
    if full:
        overrides["NEWSARCHIVE_FULL"] = True
    if stop_after:
        overrides["NEWSARCHIVE_STOP_AFTER"] = stop_after
    if warc_dir:
        overrides["NEWSARCHIVE_WARC_DIR"] = warc_dir
    if db:
        overrides["NEWSARCHIVE_DB"] = db
    overrides |= settings or {}
    process = CrawlerProcess(project_settings(overrides))
    crawler = process.create_crawler(TagSpider)
    started = monotonic()
    process.crawl(crawler, urls=urls, max_pages=max_pages)
    if not log_file:
        one_line_logging()  # after crawl(): that is when Scrapy installs its root log handler
    process.start()
    stats = crawler.stats.get_stats()
    result = CrawlResult(
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
        shortfalls=list(stats.get("newsarchive/shortfalls", [])),
        warc_file=stats.get("newsarchive/warc_file"),
    )
    logging.getLogger(__name__).info(
        "run %s %s: %d page(s), %d new stories, %d already archived, %d error(s)",
        result.run_id, result.status, result.pages, result.stories_new,
        result.stories_existing, result.errors,
    )  # fmt: skip
    logging.getLogger().handlers.clear()  # the summary is ours to print
    return result
