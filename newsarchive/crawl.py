"""Running a crawl from Python: the API the CLI and the demo are thin layers over."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from time import monotonic
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsarchive.checkpoint import job_dir
from newsarchive.logs import one_line_logging
from newsarchive.settings import user_agent
from newsarchive.spiders.tag import TagSpider
from newsarchive.storage import Archive, Shortfall, lock_archive
from newsarchive.urls import is_web_url

logger = logging.getLogger(__name__)


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
    # Every crawl stat, e.g. newsarchive/listing_failed/<reason>, retry/count, robotstxt/forbidden.
    stats: dict[str, Any] = field(default_factory=dict)
    shortfalls: list[Shortfall] = field(default_factory=list)
    warc_file: str | None = None


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project's settings with `overrides` applied at command-line priority."""
    settings = Settings()
    settings.setmodule("newsarchive.settings", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    contact_priority = settings.getpriority("NEWSARCHIVE_CONTACT") or 0
    if contact_priority > (settings.getpriority("USER_AGENT") or 0):
        settings.set("USER_AGENT", user_agent(settings["NEWSARCHIVE_CONTACT"]), contact_priority)
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
    resume: bool = False,
    profiles: list[str] | None = None,
    one_of_jobs: bool = False,
) -> CrawlResult:
    """Crawl tag listings and their older pages into the archive; blocks until done.

    Incremental unless `full`: a start URL the archive has walked before stops after
    `stop_after` pages with no new story. Logs only errors, one line each, unless `settings`
    says otherwise; with `log_file`, the full log goes there instead. Holds the archive lock
    throughout (raises ArchiveLocked at once if another crawl has it) and first closes runs left
    `running` by a crawl that died. With `resume`, each start URL continues from the checkpoint
    an interrupted crawl of the same URLs into the same archive left. As `one_of_jobs` (one
    process of `crawl --jobs N`, whose parent cleaned up and holds the lock), it shares the lock
    and leaves other runs alone. Runs Scrapy's reactor, so it can be called once per process.
    """
    overrides: dict[str, Any] = {
        "LOG_LEVEL": "ERROR",
        "NEWSARCHIVE_PROGRESS": progress,
        "NEWSARCHIVE_RESUME": resume,
        "NEWSARCHIVE_WARC": warc,
    }
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
    if profiles:
        overrides["NEWSARCHIVE_PROFILE_FILES"] = list(profiles)
    overrides |= settings or {}
    crawl_settings = project_settings(overrides)
    target = crawl_settings.get("NEWSARCHIVE_DB")
    if not crawl_settings.get("NEWSARCHIVE_JOBDIR"):
        folder = job_dir(crawl_settings.get("NEWSARCHIVE_JOBS_DIR"), target, urls)
        crawl_settings.set("NEWSARCHIVE_JOBDIR", str(folder), priority="cmdline")
    with lock_archive(target, shared=one_of_jobs):
        process = CrawlerProcess(crawl_settings)
        if not one_of_jobs:
            close_stale_runs(target)
        return run_spider(process, TagSpider, one_line=not log_file, urls=urls, max_pages=max_pages)


def run_spider(
    process: CrawlerProcess, spider_cls: type[Spider], *, one_line: bool = True, **kwargs: Any
) -> CrawlResult:
    """Run one spider to its end in this process and report on it; `kwargs` go to the spider."""
    crawler = process.create_crawler(spider_cls)
    started = monotonic()
    process.crawl(crawler, **kwargs)
    if one_line:
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
        stats=stats,
        shortfalls=list(stats.get("newsarchive/shortfalls", [])),
        warc_file=stats.get("newsarchive/warc_file"),
    )
    logger.info(
        "run %s %s: %d page(s), %d new stories, %d already archived, %d error(s)",
        result.run_id, result.status, result.pages, result.stories_new,
        result.stories_existing, result.errors,
    )  # fmt: skip
    logging.getLogger().handlers.clear()  # the summary is ours to print
    return result


def close_stale_runs(target: str | None) -> None:
    """Mark runs of crashed crawls as interrupted; the caller holds the archive lock."""
    archive = Archive.open(target)
    try:
        closed = archive.interrupt_stale_runs()
    finally:
        archive.close()
    if closed:
        logger.warning("marked %d run(s) left running by a crawl that died as interrupted", closed)
