"""Listing pages as WARC records: written while crawling, read back to re-extract them.

Each fetched listing page becomes a response record (the HTTP headers and the body as they came
over the wire, content encoding included), the request record that asked for it, and a metadata
record naming the start URL and page number, so a page can be re-extracted without the
database. Every record is its own gzip member; a sighting points at its response record's offset.
"""

from __future__ import annotations

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

WARC_VERSION = "WARC/1.1"  # 1.1 allows WARC-Date with microseconds: sightings keep that time
# Hop-by-hop framing the HTTP client already removed from the body we record.
_FRAMING_HEADERS = frozenset({"transfer-encoding"})


@dataclass(slots=True)
class ArchivedPage:
    """A listing response read back from a WARC file; `body` has its content encoding undone."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: str
    offset: int
    start_url: str | None = None
    page_number: int | None = None


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
        url: str,
        fetched_at: datetime,
        request_line: str,
        request_headers: list[tuple[str, str]],
        status_line: str,
        protocol: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        page: dict[str, str],
    ) -> int:
        """Write response, request and metadata records; returns the response record's offset."""
        date = datetime_to_iso_date(
            fetched_at.astimezone(UTC).replace(tzinfo=None), use_micros=True
        )
        headers = [(k, v) for k, v in response_headers if k.lower() not in _FRAMING_HEADERS]
        http = StatusAndHeaders(status_line, headers, protocol=protocol)
        response = self._writer.create_warc_record(
            url, "response", payload=BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": date},
        )  # fmt: skip
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        linked = {"WARC-Date": date, "WARC-Concurrent-To": record_id}
        request = self._writer.create_warc_record(
            url, "request", payload=BytesIO(b""), length=0, warc_headers_dict=linked,
            http_headers=StatusAndHeaders(
                request_line, request_headers, protocol=protocol, is_http_request=True
            ),
        )  # fmt: skip
        fields = "".join(f"{name}: {value}\r\n" for name, value in page.items()).encode()
        metadata = self._writer.create_warc_record(
            url, "metadata", payload=BytesIO(fields), length=len(fields),
            warc_content_type="application/warc-fields", warc_headers_dict=linked,
        )  # fmt: skip
        offset = self._out.tell()
        for record in (response, request, metadata):
            self._writer.write_record(record)
        self._out.flush()
        return offset

    def close(self) -> None:
        self._out.close()


def read_pages(path: Path) -> Iterator[ArchivedPage]:
    """The listing responses of a WARC file in the order they were fetched.

    A file cut short by a crash yields the pages before the damaged record.
    """
    pending: ArchivedPage | None = None
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                kind = record.rec_type
                if kind == "response":
                    if pending:
                        yield pending
                    body = record.content_stream().read()  # before asking for the offset
                    pending = _page(record, body, records.get_record_offset())
                elif kind == "metadata" and pending:
                    fields = _fields(record.content_stream().read())
                    pending.start_url = fields.get("start-url")
                    number = fields.get("page-number", "")
                    pending.page_number = int(number) if number.isdigit() else None
        except (ArchiveLoadFailed, EOFError, zlib.error):
            pass  # the damaged tail; what came before stands
    if pending:
        yield pending


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
            if record.rec_type != "response":
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
    )


def _fields(payload: bytes) -> dict[str, str]:
    found = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            found[name.strip().lower()] = value.strip()
    return found
