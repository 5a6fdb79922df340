"""Repairing the two charset mislabels seen on news sites, without touching the body bytes.

cp1252 bytes served as UTF-8 decode to replacement characters; UTF-8 bytes served as Latin-1 or
cp1252 decode to mojibake ("PerÃº"). Both are recognisable: the first is not valid UTF-8, the
second is valid UTF-8 with multi-byte sequences, which real cp1252 text almost never is.
"""

from __future__ import annotations

import codecs
import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response

logger = logging.getLogger(__name__)
SINGLE_BYTE_WESTERN = {"cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii"}


def better_encoding(body: bytes, declared: str) -> str | None:
    """The encoding to decode `body` with instead of `declared`, or None if `declared` is right."""
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return None
    if name == "utf-8":
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return None  # the common case: the label is right
        text = body.decode("utf-8", errors="replace")
        invalid = text.count("\ufffd")
        valid = len(text) - len(text.encode("ascii", "ignore")) - invalid
        # A few stray bytes in a UTF-8 page stay replaced; a page of them is cp1252.
        return "cp1252" if invalid > valid else None
    if name in SINGLE_BYTE_WESTERN and not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "utf-8"
    return None


class CharsetMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CharsetMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse) or not response.body:
            return response
        encoding = better_encoding(response.body, response.encoding)
        if encoding is None:
            return response
        self.stats.inc_value("newsarchive/charset_repaired")
        logger.info("%s: declared %s, decoded as %s", response.url, response.encoding, encoding)
        return response.replace(encoding=encoding)
