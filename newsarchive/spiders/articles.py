"""Articles: each story's article page, fetched once through the crawl's own politeness.

Article requests are Scrapy requests of the same crawl as the listing pages, so the same
robots.txt, delay, AutoThrottle, per-site download slot, retries and site boundary apply; they
wait behind listing pages (a lower priority), each run fetches at most NEWSARCHIVE_MAX_ARTICLES
of them, and each response goes to the run's WARC file. Two ways in:

- `ArticleFollower` (`crawl --articles`), an item pipeline: every listing page the crawl stores
  (any spider's ListingPage) has its stories followed, those the archive has no article of yet
  or whose fetch failed fewer than NEWSARCHIVE_ARTICLE_ATTEMPTS times; and at the start, the
  articles of the crawl's sites that reached a re-check age (NEWSARCHIVE_RECHECK) are fetched
  again.
- `ArticlesSpider` (`newsarchive articles`): the articles of stories already archived.

A failed article never fails the run: it is stored with its status and tried again later.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from newsarchive.ages import parse_ages
from newsarchive.extract.article import read_article
from newsarchive.items import ArticlePage, ListingPage
from newsarchive.middlewares.boundary import SITE, allowed_sites, within
from newsarchive.middlewares.warc import CAPTURE, FETCHED_AT, RECORD
from newsarchive.runtime.recorder import RunRecorder
from newsarchive.status import ArticleStatus
from newsarchive.storage import StoryFilter
from newsarchive.urls import canonical_url, host_of, site_origin

logger = logging.getLogger(__name__)

# Below listing pages (priority 0): a walk goes on first, articles fill the gaps in its slot.
PRIORITY = -10
GONE = (404, 410)


class ArticleFetcher:
    """Article requests and what their responses said, for whichever spider makes them."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.budget = settings.getint("NEWSARCHIVE_MAX_ARTICLES")
        self.attempts = settings.getint("NEWSARCHIVE_ARTICLE_ATTEMPTS")
        self.maxsize = settings.getint("NEWSARCHIVE_ARTICLE_MAXSIZE")
        self.allowed = allowed_sites(settings)
        self.requested: set[str] = set()

    @cached_property
    def run(self) -> RunRecorder:
        return RunRecorder.of(self.crawler)

    def request(self, story_url: str, site: str) -> Request | None:
        """The request for a story's article page, held to `site` (where its listing is); None
        when this run requested it already, it is on another site, or the budget is spent."""
        stats, counts = self.crawler.stats, self.run.state.articles
        if story_url in self.requested:
            return None
        if not within(story_url, site, self.allowed):
            stats.inc_value("newsarchive/articles/offsite")
            return None
        if counts.requested >= self.budget:
            counts.over_budget += 1
            stats.inc_value("newsarchive/articles/over_budget")
            return None
        self.requested.add(story_url)
        counts.requested += 1
        stats.inc_value("newsarchive/articles/requested")
        return Request(
            story_url,
            callback=self.parse,
            errback=self.failed,
            priority=PRIORITY,
            dont_filter=True,  # `requested` dedupes; a redirect loop must reach the errback
            cb_kwargs={"story_url": story_url},
            meta={
                RECORD: {"kind": "article", "story-url": story_url},
                SITE: site,
                "download_maxsize": self.maxsize,
            },
        )

    def parse(self, response: Response, story_url: str) -> ArticlePage:
        """Read a fetched article page."""
        if not isinstance(response, HtmlResponse):
            kind = response.headers.get("Content-Type", b"no content type").decode("latin-1")
            return self._page(response, story_url, ArticleStatus.ERROR, f"not HTML ({kind})")
        redirected = canonical_url(response.url) != story_url
        status = ArticleStatus.REDIRECTED if redirected else ArticleStatus.OK
        page = self._page(response, story_url, status)
        page.fields = read_article(response.text, response.url)
        return page

    def failed(self, failure: Failure) -> ArticlePage | None:
        """An article page that could not be fetched: gone (404, 410), or an error."""
        request = failure.request
        story_url = request.cb_kwargs["story_url"]
        if failure.check(HttpError):
            response = failure.value.response
            gone = response.status in GONE
            status = ArticleStatus.DELETED if gone else ArticleStatus.ERROR
            return self._page(response, story_url, status, f"HTTP {response.status}")
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            reason = "forbidden by robots.txt"
        else:
            # Some download errors have an empty message (a cancelled download, lost data).
            message = (failure.getErrorMessage().splitlines() or [""])[0] if failure.value else ""
            reason = message.rstrip(".") or failure.type.__name__
        logger.info("cannot fetch the article %s: %s", request.url, reason)
        return ArticlePage(
            story_url=story_url,
            url=story_url,
            final_url=request.url,
            status=ArticleStatus.ERROR,
            fetched_at=datetime.now(UTC).isoformat(),
            reason=reason,
        )

    def _page(
        self, response: Response, story_url: str, status: ArticleStatus, reason: str | None = None
    ) -> ArticlePage:
        if reason:
            logger.info("article %s: %s", response.url, reason)
        return ArticlePage(
            story_url=story_url,
            url=story_url,
            final_url=canonical_url(response.url),
            status=status,
            fetched_at=response.meta.get(FETCHED_AT) or datetime.now(UTC).isoformat(),
            http_status=response.status,
            reason=reason,
            capture=response.meta.get(CAPTURE),
        )


class ArticleFollower:
    """`crawl --articles`, an item pipeline after the store: follows the stories of each listing
    page the crawl stores to their articles, and at the start re-checks the articles of the
    crawl's sites that reached a re-check age.

    The look-up of which stories to follow runs off the reactor while the page's item is
    still being processed, so the crawl cannot end before the requests it finds are scheduled.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.fetcher = ArticleFetcher(crawler)
        self.ages = parse_ages(crawler.settings.get("NEWSARCHIVE_RECHECK") or "")
        # After the run recorder's: the archive is open then.
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleFollower:
        if not crawler.settings.getbool("NEWSARCHIVE_ARTICLES"):
            raise NotConfigured
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        """Schedule the re-checks that are due (one query, before the first page)."""
        archive = self.fetcher.run.archive
        if not self.ages or archive is None or isinstance(spider, ArticlesSpider):
            return
        sites = tuple(dict.fromkeys(host_of(url) for url in spider.start_urls))
        due = archive.articles.due(where=StoryFilter(sites=sites), recheck=self.ages)
        self._schedule([(entry.url, site_origin(entry.listing_url or entry.url)) for entry in due])

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ListingPage):
            return item
        sites = {story.url: site_origin(story.listing_url or story.url) for story in item.stories}
        sites = {url: site for url, site in sites.items() if url not in self.fetcher.requested}
        if sites:
            wanted = await maybe_deferred_to_future(
                deferToThread(
                    self.fetcher.run.archive.articles.wanted, sites, attempts=self.fetcher.attempts
                )
            )
            self._schedule([(url, site) for url, site in sites.items() if url in wanted])
        return item

    def _schedule(self, pairs: list[tuple[str, str]]) -> None:
        for story_url, site in pairs:
            request = self.fetcher.request(story_url, site)
            if request is not None:
                self.crawler.engine.crawl(request)


class ArticlesSpider(Spider):
    """`newsarchive articles`: fetch the articles of stories already archived.

    By default the stories never followed and those whose fetch failed fewer than
    NEWSARCHIVE_ARTICLE_ATTEMPTS times; with `recheck` (ages in seconds) the articles that
    reached one of those ages; with `every`, every article archived. `where` and `limit`
    narrow the stories.
    """

    name = "articles"

    def __init__(
        self,
        where: StoryFilter | None = None,
        recheck: tuple[float, ...] | str = (),
        every: bool = False,
        limit: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.where = where
        self.recheck = parse_ages(recheck) if isinstance(recheck, str) else tuple(recheck)
        self.every = every in (True, "true", "1", "yes")
        self.limit = int(limit) if limit else None
        self.start_urls: list[str] = []

    async def start(self) -> AsyncIterator[Request]:
        fetcher = ArticleFetcher(self.crawler)
        run = fetcher.run
        run.state.listings = False
        if run.archive is None:
            return
        due = await maybe_deferred_to_future(
            deferToThread(
                run.archive.articles.due,
                where=self.where,
                recheck=self.recheck,
                every=self.every,
                attempts=fetcher.attempts,
                limit=self.limit,
            )
        )
        for entry in due:
            request = fetcher.request(entry.url, site_origin(entry.listing_url or entry.url))
            if request is not None:
                yield request
