"""Running a crawl from Python: the API the CLI, the demo and `--jobs` are thin layers over."""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field
from time import monotonic
from typing import Any, TypeVar

from scrapy import Spider
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from newsarchive.crawl.options import ArticleOptions, BackfillOptions, CrawlOptions
from newsarchive.logs import one_line_logging
from newsarchive.runtime.recorder import RunRecorder
from newsarchive.runtime.state import ArticleCounts
from newsarchive.settings import user_agent
from newsarchive.spiders.articles import ArticlesSpider
from newsarchive.spiders.backfill import BackfillSpider, Selection
from newsarchive.spiders.tag import TagSpider
from newsarchive.status import FEED_PROBLEMS
from newsarchive.storage import Shortfall

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Twisted's reactor runs once per process: a second crawl in the same process runs in a new one.
_reactor_used = False


@dataclass(slots=True)
class CrawlResult:
    """What a finished crawl reports, from its run's state; `status` is the run's status."""

    status: str
    pages: int = 0
    stories_new: int = 0
    stories_existing: int = 0
    errors: int = 0
    seconds: float = 0.0
    archive: str | None = None
    run_id: int | None = None
    # "URL: reason" of each start URL that could not be crawled, and of each later page.
    failures: list[str] = field(default_factory=list)
    page_failures: list[str] = field(default_factory=list)
    # "feed URL: reason" of each feed or sitemap that was malformed, cut or failed (warnings).
    feed_problems: list[str] = field(default_factory=list)
    # Every crawl stat, e.g. newsarchive/listing_failed/<reason>, retry/count, robotstxt/forbidden.
    stats: dict[str, Any] = field(default_factory=dict)
    shortfalls: list[Shortfall] = field(default_factory=list)
    warc_file: str | None = None
    store_failed: bool = False
    # Why the run's WARC file could not be written, if it could not.
    warc_error: str | None = None
    # Listing pages whose stories were all of low confidence: likely a layout misread.
    low_confidence_pages: list[str] = field(default_factory=list)
    # A backfill's captures: how many were listed, read before, fetched, and what failed.
    backfill: Selection | None = None
    articles: ArticleCounts = field(default_factory=ArticleCounts)


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


def crawl(options: CrawlOptions) -> CrawlResult:
    """Crawl tag listings and their older pages into the archive; blocks until done.

    Logs only errors, one line each, unless the settings say otherwise; with `log_file`, the
    full log goes there instead. The run holds the archive lock throughout and raises
    ArchiveLocked (or DatabaseError) when it cannot start. With `resume`, each start URL
    continues from the checkpoint an interrupted crawl of the same URLs into the same archive
    left. May be called again in the same process: Twisted's reactor cannot be restarted, so
    later crawls run in a new process each.
    """
    options.check()
    if _reactor_used:
        return in_new_process(crawl, options)
    process = CrawlerProcess(options.to_settings())
    # -v shows Scrapy's own log lines, as `scrapy crawl` prints them.
    one_line = not options.log_file and not options.verbosity
    return run_spider(process, TagSpider, one_line=one_line, urls=list(options.urls))


def backfill(options: BackfillOptions) -> CrawlResult:
    """Backfill tag listings from a web archive's captures of their pages; blocks until done.

    A run like a crawl's (lock, run record, WARC file, statuses), of mode `backfill`; its result
    carries the capture selection. Captures a backfill has read before are left out, so running
    it again after an interruption goes on where it stopped.
    """
    options.check()
    if _reactor_used:
        return in_new_process(backfill, options)
    process = CrawlerProcess(options.to_settings())
    return run_spider(
        process, BackfillSpider, one_line=not options.log_file, urls=list(options.urls)
    )


def fetch_articles(options: ArticleOptions) -> CrawlResult:
    """Fetch the articles of stories already archived (see ArticleOptions); blocks until done.

    A run like a crawl's: the same lock, run record, politeness, WARC file and statuses.
    """
    options.check()
    if _reactor_used:
        return in_new_process(fetch_articles, options)
    process = CrawlerProcess(options.to_settings())
    return run_spider(
        process, ArticlesSpider, one_line=not options.log_file, **options.spider_arguments()
    )


def run_spider(
    process: CrawlerProcess, spider_cls: type[Spider], *, one_line: bool = True, **kwargs: Any
) -> CrawlResult:
    """Run one spider to its end in this process and report on its run; `kwargs` go to the
    spider. Raises what kept the run from starting (ArchiveLocked, DatabaseError)."""
    global _reactor_used
    crawler = process.create_crawler(spider_cls)
    started = monotonic()
    process.crawl(crawler, **kwargs)
    if one_line:
        one_line_logging()  # after crawl(): that is when Scrapy installs its root log handler
    _reactor_used = True
    process.start()
    logging.getLogger().handlers.clear()  # the summary is ours to print
    return result_of(crawler, monotonic() - started)


def result_of(crawler: Crawler, seconds: float) -> CrawlResult:
    """The result of a finished crawler's run; raises what kept the run from starting."""
    try:
        recorder = crawler.get_extension(RunRecorder)
    except RuntimeError:  # the crawler never got as far as its extensions
        recorder = None
    if recorder is None:
        raise RuntimeError("the crawl did not start (see the log above)")
    state = recorder.state
    if state.error is not None and state.run_id is None:
        raise state.error
    stats = crawler.stats.get_stats()
    return CrawlResult(
        status=state.status,
        pages=state.pages,
        stories_new=state.stories_new,
        stories_existing=state.stories_existing,
        errors=len(state.start_failures)
        + len(state.page_failures)
        + stats.get("log_count/ERROR", 0),
        seconds=seconds,
        archive=state.archive,
        run_id=state.run_id,
        failures=[str(failure) for failure in state.start_failures],
        page_failures=[str(failure) for failure in state.page_failures],
        feed_problems=[str(fetch) for fetch in state.feeds if fetch.outcome in FEED_PROBLEMS],
        stats=stats,
        shortfalls=list(state.shortfalls),
        warc_file=state.warc_file,
        store_failed=state.store_failed,
        warc_error=_reason(recorder.warc.error) if recorder.warc and recorder.warc.error else None,
        low_confidence_pages=list(state.low_confidence_pages),
        backfill=crawler.spider.selection if isinstance(crawler.spider, BackfillSpider) else None,
        articles=state.articles,
    )


def _reason(error: OSError) -> str:
    return f"{error.strerror or error} ({error.filename})" if error.filename else str(error)


def in_new_process(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a fresh Python process (for a second reactor); its result or error.

    A plain process rather than a pool: a pool ends its workers with SIGTERM, which a crawl's
    own signal handlers turn into a graceful (and here endless) shutdown.
    """
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_report, args=(sending, function, args))
    child.start()
    sending.close()
    try:
        ok, value = receiving.recv()
    except EOFError:
        ok, value = False, RuntimeError(f"the crawl process died (exit status {child.exitcode})")
    finally:
        child.join()
    if not ok:
        raise value
    return value


def _report(sending: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        sending.send((True, function(*args)))
    except Exception as error:
        sending.send((False, error))
    finally:
        sending.close()
