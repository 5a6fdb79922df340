"""Downloader middleware: every response a crawl keeps goes to the run's WARC file as it arrives.

A request is kept when it carries the RECORD meta key: listing pages, feeds, sitemaps, the
robots.txt that names them and articles, each with the fields of its WARC metadata record (a
listing page's start URL and page number; the `kind` of the others, and an article's story).
The middleware sits next to the downloader, so it sees the response before decompression and
redirects, as it came over the wire (a redirect is kept too, then the page it led to). The
run's `WarcRecording` writes it on the writer thread; the response's `Capture` travels with it
to the spider, which hands it to every story of the page, or to the article's fetch. A web
archive's capture (a backfill's request carries its `ArchivedCapture`) is recorded as the page
at its original URL and capture time, and only when the web archive replayed it (200).
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

from newsarchive.runtime.provenance import WarcRecording
from newsarchive.runtime.recorder import RunRecorder

# request.meta keys: set by the spider on the requests it keeps, and by this middleware.
RECORD = "newsarchive_record"  # the WARC metadata fields: {"start-url": ..., "page-number": ...}
CAPTURE = "newsarchive_capture"  # the response's newsarchive.items.Capture
FETCHED_AT = "newsarchive_fetched_at"  # ISO time also written as the record's WARC-Date
ARCHIVED = "newsarchive_archived"  # set by the backfill spider: the ArchivedCapture replayed
# Request headers that carry credentials (from a start URL's user:password@): never recorded.
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})


class WarcRecorder:
    def __init__(self, crawler: Crawler, recording: WarcRecording) -> None:
        self.crawler = crawler
        self.recording = recording

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        recording = RunRecorder.of(crawler).warc
        if recording is None:
            raise NotConfigured
        return cls(crawler, recording)

    async def process_response(self, request: Request, response: Response) -> Response:
        fields = request.meta.get(RECORD)
        if fields is None:
            return response
        writer = self.recording.writer
        if writer.busy():  # the disk is behind: hold this response until it catches up
            await maybe_deferred_to_future(writer.drained())
        fetched_at = datetime.now(UTC)
        archived = request.meta.get(ARCHIVED)
        if archived is None:
            url, date = request.url, fetched_at
            request_line = f"{request.method} {_target(request.url)}"
            request_headers = [("Host", urlsplit(request.url).netloc), *_request_headers(request)]
        elif response.status == 200:
            # Nothing was sent to the original URL: the metadata record says where it came from.
            url, date, request_line, request_headers = (
                archived.url, archived.captured_at, None, []
            )  # fmt: skip
            fields = fields | {"replayed-from": response.url, "replayed-at": fetched_at.isoformat()}
        else:
            return response  # the web archive's redirect or error is not the page
        exchange = dict(
            request_line=request_line,
            request_headers=request_headers,
            status_line=f"{response.status} {_reason(response.status)}",
            protocol=response.protocol or "HTTP/1.1",
            response_headers=_headers(response.headers),
            body=response.body,
            page=fields,
            # A download stopped at its bound (a huge feed): the record says it is cut short.
            truncated="length" if "download_stopped" in response.flags else None,
        )
        request.meta[CAPTURE] = await self.recording.record(url, date, response.status, exchange)
        request.meta[FETCHED_AT] = date.isoformat()
        self.crawler.stats.inc_value("newsarchive/warc_records")
        return response


def _headers(headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def _request_headers(request: Request) -> list[tuple[str, str]]:
    return [pair for pair in _headers(request.headers) if pair[0].lower() not in _SECRET_HEADERS]


def _target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
