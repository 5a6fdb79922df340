"""The run recorder: one crawl run's lifecycle, from the archive lock to its final status.

Every way of crawling (`newsarchive crawl`, `scrapy crawl tag`, the processes of `--jobs`,
frontier workers) runs through this extension, so they hold the same lock, record the run the
same way and end with the same statuses. It owns the run's typed state (`RunState`), the writer
thread and the archive connection; other components ask it (`RunRecorder.of(crawler)`) rather
than passing values through the stats collector.

    spider_opened   take the archive lock (or close the spider: another crawl holds it),
                    mark runs of crawls that died as interrupted, begin the run record
    store()         a batch of listing pages and article fetches, on the writer thread,
                    counted in the state
    spider_closed   once the pipelines have drained: close the WARC file, record the walks
                    and the feeds, decide the status, finish the run record, release the lock
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from newsarchive.items import ArchivedCapture, ArticlePage, ListingPage
from newsarchive.runtime.provenance import WarcRecording
from newsarchive.runtime.signals import batch_stored
from newsarchive.runtime.state import RunState
from newsarchive.runtime.writer import Writer
from newsarchive.status import ArticleStatus, RunStatus
from newsarchive.storage import (
    Archive,
    ArchiveLocked,
    ArticleResult,
    BatchResult,
    DatabaseError,
    lock_archive,
    warc_directory,
)

logger = logging.getLogger(__name__)

# Settings worth citing with a run: what shaped which pages were fetched and how politely.
RECORDED_SETTINGS = (
    "USER_AGENT", "ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_TIMEOUT", "RETRY_TIMES", "NEWSARCHIVE_MAX_PAGES",
    "NEWSARCHIVE_FULL", "NEWSARCHIVE_STOP_AFTER", "NEWSARCHIVE_WARC", "NEWSARCHIVE_WARC_DIR",
    "NEWSARCHIVE_FEEDS", "NEWSARCHIVE_FEED_MAXSIZE", "NEWSARCHIVE_FEED_MAX_ENTRIES",
    "NEWSARCHIVE_CDX_API", "NEWSARCHIVE_REPLAY_PREFIX", "NEWSARCHIVE_SINCE", "NEWSARCHIVE_UNTIL",
    "NEWSARCHIVE_MAX_CAPTURES",
    "NEWSARCHIVE_ARTICLES", "NEWSARCHIVE_MAX_ARTICLES", "NEWSARCHIVE_RECHECK",
)  # fmt: skip


class StoreFailed(Exception):
    """A batch not written because an earlier one failed (the crawl is stopping)."""


class RunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.target = settings.get("NEWSARCHIVE_DB")
        # Processes of one `--jobs` crawl and frontier workers share the lock, and leave the
        # runs of the others alone; their parent (or nobody, for workers) closes stale runs.
        self.shared = settings.getbool("NEWSARCHIVE_SHARED_LOCK")
        self.state = RunState(archive=self.target or "")
        self.writer = Writer()
        self.archive: Archive | None = None
        self.warc: WarcRecording | None = None
        if settings.getbool("NEWSARCHIVE_WARC"):
            chosen = settings.get("NEWSARCHIVE_WARC_DIR")
            directory = Path(chosen) if chosen else warc_directory(self.target)
            self.warc = WarcRecording(directory, self.writer)
            self.warc.on_error.append(self._warc_failed)
        self._held = ExitStack()
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        return cls(crawler)

    @classmethod
    def of(cls, crawler: Crawler) -> RunRecorder:
        """The crawl's recorder; every crawl of this project has one (settings.EXTENSIONS)."""
        recorder = crawler.get_extension(cls)
        if recorder is None:
            raise RuntimeError("the crawl runs without newsarchive.runtime.recorder.RunRecorder")
        return recorder

    # -- the start ------------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        """Lock, clean up and begin the run before the spider makes its first request."""
        try:
            self._held.enter_context(lock_archive(self.target, shared=self.shared))
            self.archive = self._held.enter_context(Archive.open(self.target))
            self.state.archive = self.archive.location
            if not self.shared:
                closed = self.archive.runs.interrupt_stale()
                if closed:
                    logger.warning(
                        "marked %d run(s) left running by a crawl that died as interrupted", closed
                    )
            self.state.run_id = self.archive.runs.begin(spider.start_urls, self.recorded_settings())
        except (ArchiveLocked, DatabaseError) as error:
            self.state.error = error
            self.state.status = RunStatus.FAILED
            self._held.close()
            self.archive = None
            raise CloseSpider("cannot_start") from None
        if self.warc is not None:
            self.warc.run_id, self.warc.archive = self.state.run_id, self.archive
        self.crawler.stats.set_value("newsarchive/run_id", self.state.run_id)

    def recorded_settings(self) -> dict[str, Any]:
        settings = self.crawler.settings
        return {name: settings.get(name) for name in RECORDED_SETTINGS}

    # -- while crawling -------------------------------------------------------------------------

    def walk_plan(self, start_url: str) -> Deferred:
        """What earlier runs left this start URL to walk (a WalkPlan, looked up off the reactor)."""
        return deferToThread(self.archive.walks.plan, start_url)

    def known_urls(self, urls: Sequence[str], tag: tuple[str, str] | None) -> Deferred:
        """Which of these story URLs the archive holds under the (site, name) `tag` (looked up
        off the reactor)."""
        return deferToThread(self.archive.read.known_urls, urls, tag)

    def captures_read(self, urls: Sequence[str]) -> Deferred:
        """(url, timestamp) of the web archive captures of these URLs read before (off the
        reactor)."""
        return deferToThread(self.archive.provenance.captures_read, urls)

    def note_capture(self, capture: ArchivedCapture) -> Deferred:
        """Record a capture read that listed no story, so a later backfill skips it."""
        return self.writer.submit(
            self.archive.provenance.note_captures, self.state.run_id, [capture]
        )

    def store(self, items: list[ListingPage | ArticlePage]) -> Deferred:
        """Write a batch of listing pages and article fetches on the writer thread, after their
        WARC records: the stories first, then the articles (whose stories they may be)."""
        pages = [item for item in items if isinstance(item, ListingPage)]
        fetches = [item for item in items if isinstance(item, ArticlePage)]
        stored = self.writer.submit(self._store, pages, fetches)
        stored.addCallback(self._stored, pages, fetches)
        stored.addErrback(self._store_failed)
        return stored

    def _store(
        self, pages: list[ListingPage], fetches: list[ArticlePage]
    ) -> tuple[BatchResult, ArticleResult]:
        if self.state.store_failed:
            raise StoreFailed
        stories = [story for page in pages for story in page.stories]
        try:
            stored = self.archive.write.store(self.state.run_id, stories, pages=len(pages))
            return stored, self.archive.articles.store(self.state.run_id, fetches)
        except Exception:
            self.state.store_failed = True
            raise

    def _stored(
        self,
        results: tuple[BatchResult, ArticleResult],
        pages: list[ListingPage],
        fetches: list[ArticlePage],
    ) -> tuple[BatchResult, ArticleResult]:
        result, articles = results
        if fetches:
            self._count_articles(articles, fetches)
        state, stats = self.state, self.crawler.stats
        sightings = sum(len(page.stories) for page in pages)
        state.stories_new += result.new
        state.stories_existing += result.existing
        state.sightings += sightings
        stats.inc_value("newsarchive/stories_new", result.new)
        stats.inc_value("newsarchive/stories_existing", result.existing)
        stats.inc_value("newsarchive/sightings", sightings)
        self.crawler.signals.send_catch_log(signal=batch_stored, pages=pages)
        return results

    def _count_articles(self, result: ArticleResult, fetches: list[ArticlePage]) -> None:
        counts, stats = self.state.articles, self.crawler.stats
        counts.stored += result.stored
        counts.changed += result.changed
        counts.merged += result.merged
        counts.filled += result.filled
        for fetch in fetches:
            paywalled = fetch.fields is not None and fetch.fields.paywalled
            if fetch.status == ArticleStatus.DELETED:
                counts.deleted += 1
            elif fetch.status == ArticleStatus.ERROR or paywalled:
                counts.failed += 1
            else:
                counts.ok += 1
            stats.inc_value(f"newsarchive/articles/{'paywalled' if paywalled else fetch.status}")
        stats.inc_value("newsarchive/articles/changed", result.changed)
        stats.inc_value("newsarchive/articles/merged", result.merged)

    def _store_failed(self, failure: Any) -> Any:
        """A batch that cannot be written ends the crawl: going on would lose more stories."""
        if not failure.check(StoreFailed):
            logger.error(
                "cannot store stories in %s: %s", self.state.archive, failure.getErrorMessage()
            )
            self.crawler.stats.inc_value("newsarchive/store_failed")
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_failed"))
        return failure

    def _warc_failed(self, error: OSError) -> None:
        """The WARC file cannot be written: stop, rather than archive pages without their bytes."""
        logger.error("cannot write the WARC file %s: %s", self.warc.path, error.strerror or error)
        self.crawler.stats.inc_value("newsarchive/warc_failed")
        if self.crawler.engine.running:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_failed"))

    # -- the end --------------------------------------------------------------------------------

    async def spider_closed(self, spider: Spider, reason: str) -> None:
        """The pipelines have drained: close the WARC file and the run record, then unlock."""
        try:
            if self.archive is not None:
                if self.warc is not None:
                    await maybe_deferred_to_future(self.warc.close())
                    self.state.warc_file = str(self.warc.path) if self.warc.path else None
                self._finish(reason)
        finally:
            self._held.close()
            self.archive = None
            self.writer.stop()

    def _finish(self, reason: str) -> None:
        state, archive = self.state, self.archive
        status = self._status(reason)
        failures = state.start_failures + state.page_failures
        archive.walks.record(state.run_id, state.walks, failures)
        archive.runs.record_low_confidence(state.run_id, state.low_confidence_pages)
        # After the listing pages: a feed entry meets the stories this run archived.
        archive.feeds.record(state.run_id, state.feeds)
        if status in (RunStatus.FINISHED, RunStatus.PARTIAL):
            ratio = self.crawler.settings.getfloat("NEWSARCHIVE_MIN_STORIES_RATIO")
            state.shortfalls = archive.runs.shortfalls(state.run_id, ratio)
            if state.shortfalls:
                status = RunStatus.FEWER_STORIES
        state.status = status
        errors = len(failures) + self.crawler.stats.get_value("log_count/ERROR", 0)
        archive.runs.finish(state.run_id, status, pages=state.pages, errors=errors)
        logger.info(
            "run %s %s: %d page(s), %d new stories, %d already archived, %d error(s)",
            state.run_id, status, state.pages, state.stories_new, state.stories_existing, errors,
        )  # fmt: skip

    def _status(self, reason: str) -> RunStatus:
        state = self.state
        if state.store_failed:
            return RunStatus.FAILED
        if self.warc is not None and self.warc.error is not None:
            return RunStatus.WARC_FAILED
        if reason != "finished":
            return RunStatus.INTERRUPTED
        if state.start_failures and not state.pages:
            return RunStatus.FAILED
        if state.listings and not state.sightings:
            return RunStatus.FINISHED if state.up_to_date else RunStatus.NO_STORIES
        if state.start_failures or state.page_failures:
            return RunStatus.PARTIAL
        return RunStatus.FINISHED
