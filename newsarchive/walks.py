"""Walks that finish: what a run should walk for a start URL, from how earlier runs walked it.

A start URL's listing is complete once a walk reached its end. A walk cut short (by
`--max-pages`, an error, an interruption) leaves a resume point, and later runs continue it
from there until it reaches the end (or, where the listing had been complete and a later walk
left a gap, until it meets stories the archive knows). Folding the walks of earlier runs in
order gives the plan; nothing else is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from newsarchive.status import REACHED_END, UNFINISHED, WalkMode
from newsarchive.urls import canonical_url


@dataclass(frozen=True, slots=True)
class WalkRecord:
    """One stored walk, as the plan needs it (a row of `listing_walks`)."""

    mode: str
    end_reason: str | None
    pages: int = 0
    first_page: int = 1
    first_url: str | None = None
    next_url: str | None = None
    next_page: int | None = None


@dataclass(frozen=True, slots=True)
class Resume:
    """Where an unfinished walk goes on, and whether it goes to the end or until known stories."""

    url: str
    page_number: int
    until_known: bool

    @property
    def mode(self) -> WalkMode:
        return WalkMode.CATCH_UP if self.until_known else WalkMode.RESUME


@dataclass(slots=True)
class WalkPlan:
    """What earlier runs left for a start URL: walked at all, the end reached, walks to go on."""

    walked: bool = False
    complete: bool = False
    resume: list[Resume] = field(default_factory=list)

    @property
    def head_mode(self) -> WalkMode:
        """How to walk from page 1: to the end until the archive has the listing, else until
        known stories (what lies beyond them is complete, or a resume point continues it)."""
        return WalkMode.INCREMENTAL if self.complete or self.resume else WalkMode.FULL


def plan(walks: Iterable[WalkRecord]) -> WalkPlan:
    """The plan after these walks of one start URL, oldest first."""
    found = WalkPlan()
    pending: dict[str, Resume] = {}
    for walk in walks:
        if walk.mode == WalkMode.BACKFILL:
            continue  # a web archive's captures, not a walk of the live listing
        found.walked = found.walked or walk.pages > 0
        continued = walk.mode in (WalkMode.RESUME, WalkMode.CATCH_UP)
        if continued and walk.first_url:
            pending.pop(canonical_url(walk.first_url), None)
        if walk.end_reason in REACHED_END:
            if walk.mode in (WalkMode.FULL, WalkMode.INCREMENTAL):
                pending.clear()  # a walk from page 1 to the end covered every gap
            if walk.mode != WalkMode.CATCH_UP:
                found.complete = True
        elif walk.end_reason in UNFINISHED and walk.next_url and walk.next_page:
            until_known = walk.mode == WalkMode.CATCH_UP or (
                found.complete and walk.mode != WalkMode.RESUME
            )
            point = Resume(walk.next_url, walk.next_page, until_known)
            pending[canonical_url(point.url)] = point
    found.resume = sorted(pending.values(), key=lambda point: -point.page_number)
    return found
