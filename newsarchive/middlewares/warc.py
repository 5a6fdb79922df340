"""Downloader middleware: every listing and article response goes to the run's WARC file as it
arrives.

It sits next to the downloader, so it sees the response before decompression and redirects,
as it came over the wire (a redirect is kept too, then the page it led to). The run's
`WarcRecording` writes it on the writer thread; the page's `Capture` travels with the response
to the spider, which hands it to every story of the page, or to the article's fetch.
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

# request.meta keys: set by the spiders on the requests whose responses are kept, and by this
# middleware.
LISTING = "newsarchive_listing"  # a listing page: {"start_url": ..., "page_number": ...}
ARTICLE = "newsarchive_article"  # a story's article page: {"story_url": ...}
CAPTURE = "newsarchive_capture"  # the response's newsarchive.items.Capture
FETCHED_AT = "newsarchive_fetched_at"  # ISO time also written as the record's WARC-Date
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
        fields = record_fields(request.meta)
        if fields is None:
            return response
        writer = self.recording.writer
        if writer.busy():  # the disk is behind: hold this response until it catches up
            await maybe_deferred_to_future(writer.drained())
        fetched_at = datetime.now(UTC)
        exchange = dict(
            url=request.url,
            fetched_at=fetched_at,
            request_line=f"{request.method} {_target(request.url)}",
            request_headers=[("Host", urlsplit(request.url).netloc), *_request_headers(request)],
            status_line=f"{response.status} {_reason(response.status)}",
            protocol=response.protocol or "HTTP/1.1",
            response_headers=_headers(response.headers),
            body=response.body,
            page=fields,
        )
        request.meta[CAPTURE] = self.recording.record(exchange)
        request.meta[FETCHED_AT] = fetched_at.isoformat()
        self.crawler.stats.inc_value("newsarchive/warc_records")
        return response


def record_fields(meta: dict) -> dict[str, str] | None:
    """The fields of the metadata record that goes with a kept response: a listing page's
    start URL and page number, or the story an article page is of; None for a response that is
    not kept (robots.txt)."""
    page = meta.get(LISTING)
    if page is not None:
        return {"start-url": page["start_url"], "page-number": str(page["page_number"])}
    article = meta.get(ARTICLE)
    if article is not None:
        return {"newsarchive-page": "article", "story-url": article["story_url"]}
    return None


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
