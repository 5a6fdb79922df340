"""Listing and article pages as WARC records: written while crawling, read back to re-extract.

Each fetched listing page becomes a response record (the HTTP headers and the body as they came
over the wire, content encoding included), the request record that asked for it, and a metadata
record naming the start URL and page number, so a page can be re-extracted without the
database. Feeds, sitemaps, robots.txt and article pages are kept the same way, their metadata
naming their `kind` (and an article's story). A page whose payload is the same as the last record of its URL becomes a revisit
record instead (the identical-payload-digest profile: the new headers, no body, and the response
record that holds the bytes). A web archive's capture read by a backfill is recorded at its
original URL and capture time, its metadata record naming where it was read from. Every record
is its own gzip member; a sighting points at its response (or revisit) record's offset.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from newsarchive import __version__
from newsarchive.items import WarcRecord

WARC_VERSION = "WARC/1.1"  # 1.1 allows WARC-Date with microseconds: sightings keep that time
# Hop-by-hop framing the HTTP client already removed from the body we record.
_FRAMING_HEADERS = frozenset({"transfer-encoding"})


@dataclass(slots=True)
class ArchivedPage:
    """A listing response read back from a WARC file; `body` has its content encoding undone."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # empty for a revisit: its bytes are the original's (`refers_to`)
    fetched_at: str
    offset: int
    record_id: str = ""
    refers_to: str | None = None  # a revisit's original: its WARC-Record-ID
    start_url: str | None = None
    page_number: int | None = None
    kind: str = "listing"  # or feed, sitemap, robots, article (the metadata record's `kind`)
    replayed_from: str | None = None  # a web archive's capture: where a backfill read it


class WarcFile:
    """One gzip WARC file, opened for writing when it is created."""

    def __init__(self, path: Path, info: dict[str, str] | None = None) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._out: BinaryIO = path.open("xb")
        self._writer = WARCWriter(self._out, gzip=True, warc_version=WARC_VERSION)
        fields = {"software": f"newsarchive/{__version__}", "format": "WARC File Format 1.1"}
        self._writer.write_record(
            self._writer.create_warcinfo_record(path.name, fields | (info or {}))
        )
        self._out.flush()

    def write_exchange(
        self,
        *,
        record: WarcRecord,
        request_line: str | None,
        request_headers: list[tuple[str, str]],
        status_line: str,
        protocol: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        page: dict[str, str],
        truncated: str | None = None,
    ) -> int:
        """Write the page's response record, the request record (unless `request_line` is None:
        nothing was sent to this URL) and the metadata record; returns the offset of the first.

        For a `record` with an original, a revisit record instead of the response, and no
        request record: the revisit holds what changed (the response headers), and the request
        is the one the original's records keep. A page that did not change costs some 800 bytes.
        `truncated` is the WARC-Truncated reason of a body cut short ("length").
        """
        date = iso_date(record.date)
        headers = [(k, v) for k, v in response_headers if k.lower() not in _FRAMING_HEADERS]
        http = StatusAndHeaders(status_line, headers, protocol=protocol)
        identity = {"WARC-Date": date, "WARC-Record-ID": record.record_id}
        original = record.original
        if original is None:
            response = self._writer.create_warc_record(
                record.url, "response", payload=BytesIO(body), length=len(body),
                http_headers=http,
                warc_headers_dict=identity
                | {"WARC-Payload-Digest": record.payload_digest}
                | ({"WARC-Truncated": truncated} if truncated else {}),
            )  # fmt: skip
        else:
            response = self._writer.create_revisit_record(
                record.url, record.payload_digest, original.url, iso_date(original.date),
                http_headers=http, warc_headers_dict=identity,
            )  # fmt: skip
            response.rec_headers.add_header("WARC-Refers-To", original.record_id)
        linked = {"WARC-Date": date, "WARC-Concurrent-To": record.record_id}
        records = [response]
        if request_line is not None and original is None:
            records.append(
                self._writer.create_warc_record(
                    record.url,
                    "request",
                    payload=BytesIO(b""),
                    length=0,
                    warc_headers_dict=linked,
                    http_headers=StatusAndHeaders(
                        request_line, request_headers, protocol=protocol, is_http_request=True
                    ),
                )
            )
        fields = "".join(f"{name}: {value}\r\n" for name, value in page.items()).encode()
        records.append(
            self._writer.create_warc_record(
                record.url,
                "metadata",
                payload=BytesIO(fields),
                length=len(fields),
                warc_content_type="application/warc-fields",
                warc_headers_dict=linked,
            )
        )
        offset = self._out.tell()
        for written in records:
            self._writer.write_record(written)
        self._out.flush()
        return offset

    def close(self) -> None:
        self._out.close()


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest of a body as recorded: SHA-1 in base 32, as warcio and pywb write it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def iso_date(moment: datetime) -> str:
    """A WARC-Date: UTC, with microseconds (WARC/1.1)."""
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def read_body(path: Path, offset: int) -> bytes:
    """The body of the response record at `offset` (its content encoding undone)."""
    with path.open("rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        if record.rec_type != "response":
            raise ValueError(f"no response record at {path} @ {offset}")
        return record.content_stream().read()


def read_pages(path: Path) -> Iterator[ArchivedPage]:
    """The listing responses and revisits of a WARC file in the order they were fetched.

    A page counts once its exchange is whole: the metadata record that ends it names its start
    URL and page number. A file cut short (a crash, a full disk) yields the pages before the
    damaged record, never a response whose exchange was not finished.
    """
    pending: ArchivedPage | None = None
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                kind = record.rec_type
                if kind in ("response", "revisit"):
                    body = record.content_stream().read()  # before asking for the offset
                    pending = _page(record, body, records.get_record_offset())
                    if kind == "revisit":
                        pending.body = b""
                        pending.refers_to = record.rec_headers.get_header("WARC-Refers-To")
                elif kind == "metadata" and pending:
                    fields = _fields(record.content_stream().read())
                    pending.start_url = fields.get("start-url")
                    pending.kind = fields.get("kind", pending.kind)
                    number = fields.get("page-number", "")
                    pending.page_number = int(number) if number.isdigit() else None
                    pending.replayed_from = fields.get("replayed-from")
                    yield pending
                    pending = None
        except (ArchiveLoadFailed, EOFError, zlib.error):
            pass  # the damaged tail; what came before stands


def locate(path: Path, search_dirs: Sequence[Path]) -> Path | None:
    """A WARC file where it was written, else by its name in one of `search_dirs` (moved)."""
    if path.is_file():
        return path
    for directory in search_dirs:
        if (directory / path.name).is_file():
            return directory / path.name
    return None


def record_at(path: Path, offset: int) -> tuple[bytes, ArchivedPage]:
    """The response record at `offset` of a WARC file: its bytes as stored (a gzip member, itself
    a one-record WARC file) and the page it holds. Raises ValueError when none starts there."""
    with path.open("rb") as stream:
        stream.seek(offset)
        records = ArchiveIterator(stream)
        try:
            record = next(records)
            # Bytes in the middle of a record can pass for a record without HTTP headers.
            if record.rec_type != "response" or record.http_headers is None:
                raise ValueError(f"no response record at {path} @ {offset}")
            page = _page(record, record.content_stream().read(), offset)
            records.read_to_end(record)
            length = records.get_record_length()
        except (ArchiveLoadFailed, EOFError, StopIteration, zlib.error) as error:
            raise ValueError(f"no WARC record at {path} @ {offset}: {error}") from None
        stream.seek(offset)
        return stream.read(length), page


def _page(record, body: bytes, offset: int) -> ArchivedPage:
    http = record.http_headers
    return ArchivedPage(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(http.get_statuscode() or 0),
        headers=list(http.headers),
        body=body,
        fetched_at=record.rec_headers.get_header("WARC-Date"),
        offset=offset,
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
    )


def _fields(payload: bytes) -> dict[str, str]:
    found = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            found[name.strip().lower()] = value.strip()
    return found
