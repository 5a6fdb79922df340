"""One background thread per crawl for its writes: WARC records and story batches, in order.

Compressing pages into the WARC file and committing batches to the database release the GIL,
so on this thread they run beside parsing and extraction instead of between them. A single
thread keeps submission order: a batch is stored only after the WARC records of its pages are
written, which is how a sighting learns its record's offset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

# Tasks allowed to wait for the thread before submitters are made to wait too (bounded memory).
BACKLOG = 64


class Writer:
    """The crawl's writer thread; the run recorder starts it and stops it after the last write."""

    def __init__(self) -> None:
        from twisted.internet import reactor  # the one Scrapy installed: never import it earlier

        self.reactor = reactor
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="newsarchive-writer")
        self.pending = 0

    def submit(self, function: Callable[..., Any], *args: Any) -> Deferred:
        """Run `function(*args)` on the writer thread after everything submitted before it."""
        if not self.pool.started:
            self.pool.start()
        self.pending += 1
        done = deferToThreadPool(self.reactor, self.pool, function, *args)
        done.addBoth(self._finished)
        return done

    def busy(self) -> bool:
        return self.pending >= BACKLOG

    def drained(self) -> Deferred:
        """Fires once everything submitted so far has run."""
        return self.submit(lambda: None)

    def stop(self) -> None:
        if self.pool.started:
            self.pool.stop()

    def _finished(self, result: Any) -> Any:
        self.pending -= 1
        return result
