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
    pending: int = 0  # items and requests yielded but not yet settled
    finished: bool = False  # the callback or errback is over: nothing more will be yielded
    batch: int = 0  # the latest store batch its stories went into (0: none)


class Ledger:
    """The leases one worker holds and what each is still waiting for.

    Store batches are numbered in the order they go to the writer thread, which commits them in
    that order: a lease whose stories went into batch N is safe once N batches are committed.
    """

    def __init__(
        self, ack: Callable[[list[str]], object], release: Callable[[list[str]], object]
    ) -> None:
        self._ack = ack
        self._release = release
        self._leases: dict[str, _Lease] = {}
        self._awaiting_commit: set[str] = set()
        self.batch = 1  # the store batch being filled
        self.committed = 0  # how many batches the writer has committed (or given up on)

    @property
    def held(self) -> list[str]:
        return list(self._leases)

    @property
    def awaiting_commit(self) -> bool:
        return bool(self._awaiting_commit)

    def hold(self, lease: str) -> None:
        self._leases[lease] = _Lease()

    def expect(self, lease: str | None) -> None:
        """The lease's callback yielded a listing page or a request."""
        if state := self._leases.get(lease):
            state.pending += 1

    def settle(self, lease: str | None, *, stored: bool = False) -> None:
        """A page went into the store batch (`stored`) or was dropped, or a request was queued."""
        if state := self._leases.get(lease):
            state.pending -= 1
            if stored:
                state.batch = self.batch
            self._maybe_done(lease, state)

    def finish(self, lease: str | None) -> None:
        """The lease's callback or errback is over, or its request was replaced (a retry)."""
        if state := self._leases.get(lease):
            state.finished = True
            self._maybe_done(lease, state)

    def sealed(self) -> None:
        """The batch being filled went to the writer; later stories go into the next one."""
        self.batch += 1

    def commit_done(self) -> None:
        """The writer finished the oldest batch sealed and not yet done."""
        self.committed += 1
        done = {
            lease for lease in self._awaiting_commit if self._leases[lease].batch <= self.committed
        }
        self._awaiting_commit -= done
        self._done(sorted(done))

    def release_all(self) -> None:
        """Give back every lease not yet done (closing, or a batch that failed to commit)."""
        leases = self.held
        self._leases.clear()
        self._awaiting_commit.clear()
        if leases:
            self._release(leases)

    def _maybe_done(self, lease: str, state: _Lease) -> None:
        if not state.finished or state.pending or lease in self._awaiting_commit:
            return
        if state.batch > self.committed:
            self._awaiting_commit.add(lease)
        else:
            self._done([lease])

    def _done(self, leases: list[str]) -> None:
        for lease in leases:
            del self._leases[lease]
        if leases:
            self._ack(leases)
