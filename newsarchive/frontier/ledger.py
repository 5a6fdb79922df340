"""When a worker may let go of what it took from the frontier.

Taking a request from the shared queue leases it. The lease is acknowledged only once everything
that came of it is safe: its callback or errback is over, each story it yielded is committed to
the archive (or was dropped), and each request it yielded is in the shared queue (or was
filtered as a duplicate). Until then the worker renews the lease; if the worker dies, the lease
expires, the request goes back to the queue and another worker fetches it: nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Lease:
    pending: int = 0  # stories and requests yielded but not yet settled
    finished: bool = False  # the callback or errback is over: nothing more will be yielded
    stored: bool = False  # a story of it went into the store batch


class Ledger:
    """The leases one worker holds and what each is still waiting for."""

    def __init__(
        self, ack: Callable[[list[str]], object], release: Callable[[list[str]], object]
    ) -> None:
        self._ack = ack
        self._release = release
        self._leases: dict[str, _Lease] = {}
        self._awaiting_flush: set[str] = set()
        # Set by the store pipeline: the batch holds stories not yet committed.
        self.batch_pending = False

    @property
    def held(self) -> list[str]:
        return list(self._leases)

    def hold(self, lease: str) -> None:
        self._leases[lease] = _Lease()

    def expect(self, lease: str | None) -> None:
        """The lease's callback yielded a story or a request."""
        if state := self._leases.get(lease):
            state.pending += 1

    def settle(self, lease: str | None, *, stored: bool = False) -> None:
        """A story went into the store batch (`stored`) or was dropped, or a request was queued."""
        if state := self._leases.get(lease):
            state.pending -= 1
            state.stored |= stored
            self._maybe_done(lease, state)

    def finish(self, lease: str | None) -> None:
        """The lease's callback or errback is over, or its request was replaced (a retry)."""
        if state := self._leases.get(lease):
            state.finished = True
            self._maybe_done(lease, state)

    def flushed(self) -> None:
        """The store batch was committed: every story stored so far is safe."""
        self.batch_pending = False
        done, self._awaiting_flush = self._awaiting_flush, set()
        self._done(sorted(done))

    def release_all(self) -> None:
        """Give back every lease not yet done (closing, or a batch that failed to commit)."""
        leases = self.held
        self._leases.clear()
        self._awaiting_flush.clear()
        self.batch_pending = False
        if leases:
            self._release(leases)

    def _maybe_done(self, lease: str, state: _Lease) -> None:
        if not state.finished or state.pending or lease in self._awaiting_flush:
            return
        if state.stored and self.batch_pending:
            self._awaiting_flush.add(lease)
        else:
            self._done([lease])

    def _done(self, leases: list[str]) -> None:
        for lease in leases:
            del self._leases[lease]
        if leases:
            self._ack(leases)
