"""Downloader middleware: every listing response goes to the run's WARC file as it arrives.

It sits next to the downloader, so it sees the response before decompression and redirects,
as it came over the wire. Records are written on the crawl's writer thread; the spider passes the
record's key from `request.meta` on with each story, and the store turns it into the record's
offset on the same thread, after the record is written.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from http import HTTPStatus
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

from newsarchive.storage import warc_directory
from newsarchive.warc import WarcFile
from newsarchive.writer import Writer

logger = logging.getLogger(__name__)

# request.meta keys: set by the spider on listing requests, and by this middleware.
LISTING = "newsarchive_listing"  # {"start_url": ..., "page_number": ...}
WARC_RECORD = "newsarchive_warc"  # (path, key) of the response record; Writer.offsets[key]
FETCHED_AT = "newsarchive_fetched_at"  # ISO time also written as the record's WARC-Date


class WarcRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        chosen = settings.get("NEWSARCHIVE_WARC_DIR")
        directory = Path(chosen) if chosen else warc_directory(settings.get("NEWSARCHIVE_DB"))
        self.directory = directory.expanduser().resolve()
        self.path: Path | None = None
        self.file: WarcFile | None = None  # opened and written on the writer thread only
        self.writer = Writer.of(crawler)
        self.keys = count()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        if not crawler.settings.getbool("NEWSARCHIVE_WARC"):
            raise NotConfigured
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        page = request.meta.get(LISTING)
        if page is None:
            return response
        if self.writer.busy():  # the disk is behind: hold this response until it catches up
            await maybe_deferred_to_future(self.writer.drained())
        fetched_at = datetime.now(UTC)
        key = next(self.keys)
        exchange = dict(
            url=request.url,
            fetched_at=fetched_at,
            request_line=f"{request.method} {_target(request.url)}",
            request_headers=[("Host", urlsplit(request.url).netloc), *_headers(request.headers)],
            status_line=f"{response.status} {_reason(response.status)}",
            protocol=response.protocol or "HTTP/1.1",
            response_headers=_headers(response.headers),
            body=response.body,
            page={"start-url": page["start_url"], "page-number": str(page["page_number"])},
        )
        path = self._path()
        self.writer.submit(self._write, key, exchange)
        request.meta[WARC_RECORD] = (str(path), key)
        request.meta[FETCHED_AT] = fetched_at.isoformat()
        self.crawler.stats.inc_value("newsarchive/warc_records")
        return response

    def _path(self) -> Path:
        """The run's WARC file name, chosen with the first listing page."""
        if self.path is None:
            run = self.crawler.stats.get_value("newsarchive/run_id")
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            name = (
                f"newsarchive-{stamp}-run{run}.warc.gz" if run else f"newsarchive-{stamp}.warc.gz"
            )
            self.path = self.directory / name
            self.crawler.stats.set_value("newsarchive/warc_file", str(self.path))
            logger.info("writing listing pages to %s", self.path)
        return self.path

    def _write(self, key: int, exchange: dict) -> None:
        """On the writer thread: append one exchange and note where its response record is."""
        if self.file is None:
            run = self.crawler.stats.get_value("newsarchive/run_id")
            self.file = WarcFile(self.path, {"isPartOf": f"run {run}"} if run else {})
        self.writer.offsets[key] = self.file.write_exchange(**exchange)

    async def spider_closed(self) -> None:
        await maybe_deferred_to_future(self.writer.submit(self._close))

    def _close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def _headers(headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
