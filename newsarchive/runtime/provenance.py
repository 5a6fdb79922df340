"""The run's WARC file: where every fetched listing response is kept, as it came over the wire.

The downloader middleware (`newsarchive.middlewares.warc`) hands each exchange here; records are
written on the crawl's writer thread, and each page's `Capture` learns its record's offset
there, before the page's stories are stored on the same thread.

A page whose payload digest equals that of the last record of its URL (in this run, else in the
archive's record index, looked up off the reactor thread) is written as a revisit of the
response holding those bytes: a daily crawl of unchanged pages writes headers, not pages again.
Every record written goes to the archive's record index, in batches, on the writer thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from newsarchive.items import Capture, WarcRecord
from newsarchive.runtime.writer import Writer
from newsarchive.warc import WarcFile, payload_digest

if TYPE_CHECKING:
    from newsarchive.storage import Archive

logger = logging.getLogger(__name__)
# Records indexed per transaction (and whatever is left when the file closes).
INDEX_BATCH = 100


class WarcRecording:
    """One WARC file per run, named when the first page arrives and written on the writer thread.

    A page that cannot be written (a full disk, a read-only directory) keeps a capture without
    an offset, so its sightings claim no bytes; the first such error is kept in `error`, and the
    run recorder fails the run with it: provenance is never lost silently.
    """

    def __init__(self, directory: Path, writer: Writer) -> None:
        self.directory = directory.expanduser().resolve()
        self.writer = writer
        self.run_id: int | None = None
        self.path: Path | None = None
        self.file: WarcFile | None = None  # opened and written on the writer thread only
        self.error: OSError | None = None
        self.on_error: list[Callable[[OSError], object]] = []
        # The archive, once the run recorder has opened it: its record index.
        self.archive: Archive | None = None
        # Per URL recorded in this run, the response holding its last record's bytes.
        self.last: dict[str, WarcRecord] = {}
        self.unindexed: list[WarcRecord] = []  # written, not yet indexed (writer thread)

    async def record(
        self, url: str, date: datetime, status: int, exchange: dict[str, Any]
    ) -> Capture:
        """Queue one exchange for writing: the page at `url` as of `date` (its fetch time, or a
        web archive's capture time), a revisit when its payload has not changed since the last
        record of `url`. The returned capture gets its offset once written."""
        if self.path is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            run = f"-run{self.run_id}" if self.run_id else ""
            self.path = self.directory / f"newsarchive-{stamp}{run}.warc.gz"
            logger.info("writing listing pages to %s", self.path)
        record = WarcRecord(
            url, date, f"<urn:uuid:{uuid4()}>", payload_digest(exchange["body"]), str(self.path)
        )
        previous = await self._previous(url) if status == 200 else None
        if previous is not None and previous.payload_digest == record.payload_digest:
            record.original = previous
        self.last[url] = record.original or record
        capture = Capture(str(self.path))
        self.writer.submit(self._write, capture, record, exchange)
        return capture

    async def _previous(self, url: str) -> WarcRecord | None:
        if url in self.last or self.archive is None:
            return self.last.get(url)
        lookup = deferToThread(self.archive.provenance.latest_original, url)
        return await maybe_deferred_to_future(lookup)

    def _write(self, capture: Capture, record: WarcRecord, exchange: dict[str, Any]) -> None:
        if self.error is not None:
            return  # the file is broken: nothing after the failure would be readable
        try:
            if self.file is None:
                info = {"isPartOf": f"run {self.run_id}"} if self.run_id else {}
                self.file = WarcFile(self.path, info)
            capture.offset = record.offset = self.file.write_exchange(record=record, **exchange)
        except OSError as error:
            self._failed(error)
            return
        self.unindexed.append(record)
        if len(self.unindexed) >= INDEX_BATCH:
            self._index()

    def _index(self) -> None:
        """On the writer thread: add the records written so far to the archive's index."""
        records, self.unindexed = self.unindexed, []
        if self.archive is None or not records:
            return
        try:
            self.archive.provenance.index(self.run_id, records)
        except Exception as error:  # the database failed: the stories' store will say so too
            logger.error("cannot index %d WARC record(s) of %s: %s", len(records), self.path, error)

    def close(self) -> Deferred:
        """Close the file once everything queued before is written."""
        return self.writer.submit(self._close)

    def _close(self) -> None:
        self._index()
        if self.file is not None:
            try:
                self.file.close()
            except OSError as error:
                self._failed(error)
            self.file = None

    def _failed(self, error: OSError) -> None:
        """On the writer thread: keep the first error and tell the recorder (on the reactor)."""
        if self.error is None:
            self.error = error
            for callback in self.on_error:
                self.writer.reactor.callFromThread(callback, error)
