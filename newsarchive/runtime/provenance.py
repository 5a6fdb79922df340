"""The run's WARC file: where every fetched listing response is kept, as it came over the wire.

The downloader middleware (`newsarchive.middlewares.warc`) hands each exchange here; records are
written on the crawl's writer thread, and each page's `Capture` learns its record's offset
there, before the page's stories are stored on the same thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from twisted.internet.defer import Deferred

from newsarchive.items import Capture
from newsarchive.runtime.writer import Writer
from newsarchive.warc import WarcFile

logger = logging.getLogger(__name__)


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

    def record(self, exchange: dict[str, Any]) -> Capture:
        """Queue one exchange for writing; the returned capture gets its offset once written."""
        if self.path is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            run = f"-run{self.run_id}" if self.run_id else ""
            self.path = self.directory / f"newsarchive-{stamp}{run}.warc.gz"
            logger.info("writing listing pages to %s", self.path)
        capture = Capture(str(self.path))
        self.writer.submit(self._write, capture, exchange)
        return capture

    def _write(self, capture: Capture, exchange: dict[str, Any]) -> None:
        if self.error is not None:
            return  # the file is broken: nothing after the failure would be readable
        try:
            if self.file is None:
                info = {"isPartOf": f"run {self.run_id}"} if self.run_id else {}
                self.file = WarcFile(self.path, info)
            capture.offset = self.file.write_exchange(**exchange)
        except OSError as error:
            self._failed(error)

    def close(self) -> Deferred:
        """Close the file once everything queued before is written."""
        return self.writer.submit(self._close)

    def _close(self) -> None:
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
