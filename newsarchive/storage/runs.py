"""Crawl runs: their records from begin to finish, how each start URL was walked, and the
questions a crawl asks about earlier runs (walked before? far fewer stories than last time?)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Select, select, update

from newsarchive import __version__
from newsarchive.items import ListingWalk
from newsarchive.status import COMPLETE_WALKS, RunStatus, WalkMode
from newsarchive.storage import bulk
from newsarchive.storage.clauses import story_clauses
from newsarchive.storage.schema import (
    crawl_runs,
    listing_walks,
    sightings,
    stories,
    tags,
    warc_files,
)
from newsarchive.storage.selection import StoryFilter


@dataclass(slots=True)
class Shortfall:
    """A start URL whose pages listed far fewer stories than in its previous run."""

    start_url: str
    per_page: float
    previous_per_page: float
    previous_run_id: int


@dataclass(frozen=True, slots=True)
class Runs:
    """The `crawl_runs` of an archive, with their walks and WARC files."""

    engine: Engine

    # -- a run's life ---------------------------------------------------------------------------

    def begin(self, start_urls: Sequence[str], settings: dict[str, Any] | None = None) -> int:
        """Record a crawl run as running and return its id."""
        with self.engine.begin() as conn:
            return conn.execute(
                crawl_runs.insert().values(
                    start_urls=json.dumps(list(start_urls)),
                    started_at=datetime.now(UTC),
                    status=RunStatus.RUNNING,
                    pages=0,
                    stories_new=0,
                    stories_existing=0,
                    errors=0,
                    software_version=__version__,
                    settings=json.dumps(settings or {}, sort_keys=True, default=str),
                )
            ).inserted_primary_key[0]

    def interrupt_stale(self) -> int:
        """Mark runs still `running` as `interrupted`; returns how many.

        Only correct while holding the archive lock (`lock_archive`): then no live crawl can own
        a running run, so every one left is from a crawl that died (kill -9, power loss).
        """
        with self.engine.begin() as conn:
            return conn.execute(
                update(crawl_runs)
                .where(crawl_runs.c.status == RunStatus.RUNNING)
                .values(status=RunStatus.INTERRUPTED)
            ).rowcount

    def record_walks(self, run_id: int, walks: Sequence[ListingWalk]) -> None:
        """Record how each start URL of a run was walked."""
        if not walks:
            return
        with self.engine.begin() as conn:
            tag_ids = bulk.tag_ids(conn, {(w.site or "", w.tag) for w in walks if w.tag})
            conn.execute(
                listing_walks.insert(),
                [
                    {
                        "run_id": run_id,
                        "start_url": w.start_url,
                        "tag_id": tag_ids.get((w.site or "", w.tag)) if w.tag else None,
                        "mode": w.mode,
                        "pages": w.pages,
                        "stories": w.stories,
                        "end_reason": w.end_reason,
                    }
                    for w in walks
                ],
            )

    def finish(self, run_id: int, status: RunStatus, *, pages: int, errors: int) -> None:
        """Close a run with its outcome; story counts were kept up to date as batches were stored."""
        with self.engine.begin() as conn:
            conn.execute(
                update(crawl_runs)
                .where(crawl_runs.c.id == run_id)
                .values(status=status, finished_at=datetime.now(UTC), pages=pages, errors=errors)
            )

    # -- what earlier runs did ------------------------------------------------------------------

    def get(self, run_id: int) -> dict[str, Any] | None:
        """The run's record as stored, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(crawl_runs).where(crawl_runs.c.id == run_id)).first()
        return row._asdict() if row else None

    def latest(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The latest runs first, each with its walks and WARC files."""
        return self._described(select(crawl_runs).order_by(crawl_runs.c.id.desc()).limit(limit))

    def that_saw(self, where: StoryFilter | None = None) -> list[dict[str, Any]]:
        """The runs that saw any story matching `where`, latest first, described as `latest`."""
        matching = select(stories.c.id).where(*story_clauses(where))
        saw = (
            select(sightings.c.run_id)
            .where(sightings.c.story_id.in_(matching.scalar_subquery()))
            .distinct()
        )
        return self._described(
            select(crawl_runs).where(crawl_runs.c.id.in_(saw)).order_by(crawl_runs.c.id.desc())
        )

    def walked(self, start_url: str) -> bool:
        """Whether an earlier run walked this start URL's pages to their end (or to known ones)."""
        query = (
            select(listing_walks.c.id)
            .where(
                listing_walks.c.start_url == start_url,
                listing_walks.c.end_reason.in_(COMPLETE_WALKS),
            )
            .limit(1)
        )
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def shortfalls(self, run_id: int, ratio: float) -> list[Shortfall]:
        """Start URLs of a run whose pages listed fewer than `ratio` times the stories per page
        of the latest earlier run of the same start URL that listed any."""
        found = []
        with self.engine.connect() as conn:
            # A backfill reads old layouts: it neither sets nor meets the live pages' baseline.
            live = listing_walks.c.mode != WalkMode.BACKFILL
            current = conn.execute(
                select(listing_walks).where(
                    listing_walks.c.run_id == run_id, listing_walks.c.pages > 0, live
                )
            ).all()
            for walk in current:
                previous = conn.execute(
                    select(listing_walks.c.run_id, listing_walks.c.pages, listing_walks.c.stories)
                    .where(
                        listing_walks.c.start_url == walk.start_url,
                        listing_walks.c.run_id < run_id,
                        listing_walks.c.stories > 0,
                        listing_walks.c.pages > 0,
                        live,
                    )
                    .order_by(listing_walks.c.run_id.desc())
                    .limit(1)
                ).first()
                if previous is None:
                    continue
                per_page, before = walk.stories / walk.pages, previous.stories / previous.pages
                if per_page < ratio * before:
                    found.append(Shortfall(walk.start_url, per_page, before, previous.run_id))
        return found

    def warc_files(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """Runs with WARC files (or run `run_id`), oldest first: run_id and its files' paths."""
        query = select(warc_files.c.run_id, warc_files.c.path).where(
            warc_files.c.run_id.is_not(None)
        )
        if run_id is not None:
            query = query.where(warc_files.c.run_id == run_id)
        found: dict[int, list[str]] = {}
        with self.engine.connect() as conn:
            for run, path in conn.execute(query.order_by(warc_files.c.run_id, warc_files.c.id)):
                found.setdefault(run, []).append(path)
        return [{"run_id": run, "paths": paths} for run, paths in found.items()]

    def _described(self, query: Select) -> list[dict[str, Any]]:
        """The runs `query` selects, in its order, with their start URLs and settings decoded,
        their walks (with tag names) and the paths of their WARC files."""
        with self.engine.connect() as conn:
            found = [row._asdict() for row in conn.execute(query)]
            ids = [run["id"] for run in found]
            walks: dict[int, list[dict[str, Any]]] = {}
            files: dict[int, list[str]] = {}
            for chunk in bulk.chunks(ids):
                walk_query = (
                    select(listing_walks, tags.c.name.label("tag"))
                    .select_from(listing_walks.outerjoin(tags))
                    .where(listing_walks.c.run_id.in_(chunk))
                    .order_by(listing_walks.c.id)
                )
                for row in conn.execute(walk_query):
                    walks.setdefault(row.run_id, []).append(row._asdict())
                file_query = select(warc_files.c.run_id, warc_files.c.path).where(
                    warc_files.c.run_id.in_(chunk)
                )
                for run_id, path in conn.execute(file_query.order_by(warc_files.c.id)):
                    files.setdefault(run_id, []).append(path)
        for run in found:
            run["start_urls"] = json.loads(run["start_urls"])
            run["settings"] = json.loads(run["settings"]) if run["settings"] else {}
            run["walks"] = walks.get(run["id"], [])
            run["warc_files"] = files.get(run["id"], [])
        return found
