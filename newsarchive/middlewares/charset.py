"""Repairing the two charset mislabels seen on news sites, without touching the body bytes.

cp1252 bytes served as UTF-8 decode to replacement characters; UTF-8 bytes served as Latin-1 or
cp1252 decode to mojibake ("PerÃº"). Both are recognisable by the multi-byte UTF-8 sequences in
the body, which real cp1252 text almost never forms: a page with none of them and invalid bytes
is cp1252, a page made of them is UTF-8. A few stray bytes do not overturn that — a UTF-8 page
with a cp1252 "©" in its footer stays UTF-8, that one byte replaced.
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
        valid, _ = utf8_sequences(body)
        # Any UTF-8 text beyond ASCII says the label is right and the invalid bytes are strays.
        return "cp1252" if valid == 0 else None
    if name in SINGLE_BYTE_WESTERN and not body.isascii():
        valid, invalid = utf8_sequences(body)
        return "utf-8" if valid > invalid else None
    return None


def utf8_sequences(body: bytes) -> tuple[int, int]:
    """(valid multi-byte UTF-8 characters, invalid bytes) in `body`."""
    text = body.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    return len(text) - len(text.encode("ascii", "ignore")) - invalid, invalid


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
