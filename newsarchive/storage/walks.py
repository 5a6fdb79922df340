"""How start URLs were walked: each run's walks and failed pages, and the plan for the next run."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from newsarchive.items import ListingWalk, PageFailure
from newsarchive.storage import bulk
from newsarchive.storage.schema import listing_failures, listing_walks, tags
from newsarchive.walks import WalkPlan, WalkRecord, plan

_PLAN_COLUMNS = ("mode", "end_reason", "pages", "first_page", "first_url", "next_url", "next_page")


@dataclass(frozen=True, slots=True)
class Walks:
    """The `listing_walks` and `listing_failures` of an archive."""

    engine: Engine

    def record(
        self, run_id: int, walks: Sequence[ListingWalk], failures: Sequence[PageFailure] = ()
    ) -> None:
        """Record how a run walked each start URL and which listing pages it could not fetch."""
        with self.engine.begin() as conn:
            if walks:
                conn.execute(listing_walks.insert(), _walk_rows(conn, run_id, walks))
            if failures:
                conn.execute(
                    listing_failures.insert(),
                    [
                        {
                            "run_id": run_id, "start_url": f.start_url, "url": f.url,
                            "page_number": f.page_number, "http_status": f.http_status,
                            "reason": f.reason,
                        }
                        for f in failures
                    ],
                )  # fmt: skip

    def plan(self, start_url: str) -> WalkPlan:
        """What earlier runs left for this (canonical) start URL to walk."""
        query = (
            select(*(listing_walks.c[name] for name in _PLAN_COLUMNS))
            .where(listing_walks.c.start_url == start_url)
            .order_by(listing_walks.c.run_id, listing_walks.c.id)
        )
        with self.engine.connect() as conn:
            return plan(WalkRecord(**row._asdict()) for row in conn.execute(query))


def _walk_rows(conn: Connection, run_id: int, walks: Iterable[ListingWalk]) -> list[dict[str, Any]]:
    walks = list(walks)
    tag_ids = bulk.tag_ids(conn, {(w.site or "", w.tag) for w in walks if w.tag})
    return [
        {
            "run_id": run_id, "start_url": w.start_url, "mode": w.mode, "pages": w.pages,
            "tag_id": tag_ids.get((w.site or "", w.tag)) if w.tag else None,
            "stories": w.stories, "end_reason": w.end_reason, "first_page": w.first_page,
            "first_url": w.first_url, "last_page": w.last_page, "next_url": w.next_url,
            "next_page": w.next_page,
        }
        for w in walks
    ]  # fmt: skip


def walks_of_runs(conn: Connection, run_ids: list[int]) -> dict[int, dict[str, list]]:
    """Each run's walks (with their tag names) and failed pages, in the order recorded."""
    found: dict[int, dict[str, list]] = {}
    for chunk in bulk.chunks(run_ids):
        walk_query = (
            select(listing_walks, tags.c.name.label("tag"))
            .select_from(listing_walks.outerjoin(tags))
            .where(listing_walks.c.run_id.in_(chunk))
            .order_by(listing_walks.c.id)
        )
        failure_query = (
            select(listing_failures)
            .where(listing_failures.c.run_id.in_(chunk))
            .order_by(listing_failures.c.id)
        )
        for kind, query in (("walks", walk_query), ("failures", failure_query)):
            for row in conn.execute(query):
                run = found.setdefault(row.run_id, {"walks": [], "failures": []})
                run[kind].append(row._asdict())
    return found
