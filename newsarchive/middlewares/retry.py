"""Retries spaced out in time: exponential backoff, and the wait a server asks for in Retry-After.

Scrapy's RetryMiddleware retries at once, which hammers a server that is already failing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.asyncio import sleep

logger = logging.getLogger(__name__)
RETRY_AFTER_STATUSES = (429, 503)


def retry_after(response: Response) -> float | None:
    """Seconds the server asks us to wait (delta-seconds or an HTTP date), None if it does not say."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry rules (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS), with waits between."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.backoff = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF")
        middleware.backoff_max = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF_MAX")
        middleware.retry_after_max = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX")
        return middleware

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        asked = retry_after(response) if response.status in RETRY_AFTER_STATUSES else None
        if asked is not None and asked > self.retry_after_max:
            self.crawler.stats.inc_value("newsarchive/retry_after_too_long")
            logger.warning(
                "not retrying %s: the server asks to wait %.0f s (more than %.0f)",
                request.url, asked, self.retry_after_max,
            )  # fmt: skip
            return response
        result = super().process_response(request, response)
        if isinstance(result, Request):
            if asked is not None:
                self.crawler.stats.inc_value("newsarchive/retry_after_honoured")
            await self._wait(result, asked or 0.0, f"HTTP {response.status}")
        return result

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, 0.0, type(exception).__name__)
        return result

    async def _wait(self, retry: Request, asked: float, reason: str) -> None:
        backoff = min(self.backoff_max, self.backoff * 2 ** (retry.meta["retry_times"] - 1))
        seconds = max(backoff, asked)
        logger.info("retrying %s in %.1f s (%s)", retry.url, seconds, reason)
        self.crawler.stats.inc_value("newsarchive/retry_wait_seconds", seconds)
        await sleep(seconds)
