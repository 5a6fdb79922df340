"""Writing sightings: each batch upserts its stories, links their tags, keeps the values a site
replaced as versions and records where every story was seen, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Row, delete, func, select, update
from sqlalchemy.exc import DBAPIError

from newsarchive.items import Story
from newsarchive.storage import bulk, search
from newsarchive.storage.aliases import aliases_of
from newsarchive.storage.columns import TRACKED_FIELDS
from newsarchive.storage.schema import (
    crawl_runs,
    sightings,
    stories,
    story_tags,
    story_versions,
    warc_files,
)

# PostgreSQL errors that abort a batch without fault of its own: another writer's transaction
# crossed it (deadlock detected, serialization failure). The batch is simply written again.
_RETRY_SQLSTATES = ("40P01", "40001")
_STORE_ATTEMPTS = 5
# A story's own values, as a listing shows them.
STORY_FIELDS = (
    "headline", "teaser", "published_at", "date_source", "author", "image_url", "extraction_method",
)  # fmt: skip
NEW_STORY_COLUMNS = (
    "url", *STORY_FIELDS, "site", "first_seen_at", "last_seen_at", "first_run_id",
)  # fmt: skip
KNOWN_STORY_COLUMNS = (*STORY_FIELDS, "first_seen_at", "first_run_id", "last_seen_at")
SIGHTING_COLUMNS = (
    "story_id", "run_id", "tag_id", "listing_url", "page_number", "position", "seen_at",
    "warc_file_id", "warc_offset",
)  # fmt: skip


@dataclass(slots=True)
class BatchResult:
    """How many distinct stories of a batch were new to the archive and how many it already had."""

    new: int = 0
    existing: int = 0


@dataclass(frozen=True, slots=True)
class StoryWriter:
    """The archive's one write path for stories: a crawl's batches, and replayed runs."""

    engine: Engine

    def store(self, run_id: int, batch: Sequence[Story]) -> BatchResult:
        """Upsert a batch of sightings in one transaction: stories, their tags, and sightings.

        A story whose headline, teaser, date, author or image changed keeps its earlier values
        as a version. Safe while other processes store the same stories (frontier workers on
        PostgreSQL): see `_store`.
        """
        if not batch:
            return BatchResult()
        attempt = 1
        while True:
            try:
                with self.engine.begin() as conn:
                    result = self._store(conn, run_id, batch, replay=False)
                    conn.execute(
                        update(crawl_runs)
                        .where(crawl_runs.c.id == run_id)
                        .values(
                            stories_new=crawl_runs.c.stories_new + result.new,
                            stories_existing=crawl_runs.c.stories_existing + result.existing,
                        )
                    )
                return result
            except DBAPIError as exc:
                sqlstate = getattr(exc.orig, "sqlstate", None)
                if sqlstate not in _RETRY_SQLSTATES or attempt == _STORE_ATTEMPTS:
                    raise
                attempt += 1

    def replay(self, run_id: int, batch: Sequence[Story]) -> BatchResult:
        """Replace a past run's sightings with `batch`, re-extracted from its WARC files.

        Stories missed before are added; a story takes the re-extracted values only when this
        run is its latest sighting, and the correction is not a version (the site did not
        change, the extraction did). One transaction: a failure leaves the run as it was.
        """
        with self.engine.begin() as conn:
            conn.execute(delete(sightings).where(sightings.c.run_id == run_id))
            return self._store(conn, run_id, batch, replay=True) if batch else BatchResult()

    def _store(
        self, conn: Connection, run_id: int, batch: Sequence[Story], *, replay: bool
    ) -> BatchResult:
        """Write one batch. With concurrent writers (PostgreSQL), rows are locked and written in
        URL order, so two batches wait for each other rather than deadlock (and one that does is
        retried by `store`); a story counts as new only if this writer's insert created it: one
        another writer inserted since the look-up is known, and updated like the others."""
        _resolve_aliases(conn, batch)
        latest = dict(sorted({story.url: story for story in batch}.items()))
        current = _current(conn, latest)
        fresh = [story for url, story in latest.items() if url not in current]
        inserted = _insert_stories(conn, run_id, fresh)
        if len(inserted) < len(fresh):
            current |= _current(conn, [s.url for s in fresh if s.url not in inserted])
        result = BatchResult(
            new=len(inserted),
            existing=sum(1 for row in current.values() if row.first_run_id != run_id),
        )
        ids = {url: row.id for url, row in current.items()} | inserted
        _update_known(conn, run_id, latest, current, replay=replay)
        tag_ids = bulk.tag_ids(conn, {(s.site or "", s.tag) for s in batch if s.tag})
        links = {(ids[s.url], tag_ids[(s.site or "", s.tag)]) for s in batch if s.tag}
        bulk.insert_many(
            conn, story_tags, ("story_id", "tag_id"), sorted(links), ignore_conflicts=True
        )
        # A page whose WARC record could not be written claims no bytes: no file, no offset.
        recorded = [
            s.capture if s.capture and s.capture.offset is not None else None for s in batch
        ]
        warc_ids = warc_file_ids(conn, run_id, {c.warc_file for c in recorded if c})
        seen_at = {
            value: bulk.db_time(conn, _seen(value)) for value in {s.fetched_at for s in batch}
        }
        bulk.insert_many(
            conn,
            sightings,
            SIGHTING_COLUMNS,
            [
                (
                    ids[s.url],
                    run_id,
                    tag_ids.get((s.site or "", s.tag)) if s.tag else None,
                    s.listing_url or "",
                    s.page_number or 0,
                    s.position or 0,
                    seen_at[s.fetched_at],
                    warc_ids[capture.warc_file] if capture else None,
                    capture.offset if capture else None,
                )
                for s, capture in zip(batch, recorded, strict=True)
            ],
        )
        return result


def _resolve_aliases(conn: Connection, batch: Sequence[Story]) -> None:
    """Give stories listed under another URL of an archived story (an alias: see
    storage/articles.py) that story's URL."""
    aliases = aliases_of(conn, {story.url for story in batch})
    for story in batch:
        story.url = aliases.get(story.url, story.url)


def _insert_stories(conn: Connection, run_id: int, fresh: list[Story]) -> dict[str, int]:
    """Insert stories new to the archive and index their text; returns their ids by URL."""
    if not fresh:
        return {}
    sqlite_file = conn.dialect.name == "sqlite"
    before = 0
    if sqlite_file:
        before = conn.execute(select(func.max(stories.c.id))).scalar() or 0
    times = {value: bulk.db_time(conn, _seen(value)) for value in {s.fetched_at for s in fresh}}
    new_rows = [
        (
            s.url,
            *(getattr(s, name) for name in STORY_FIELDS),
            s.site or "",
            times[s.fetched_at],
            times[s.fetched_at],
            run_id,
        )
        for s in fresh
    ]
    if not sqlite_file:
        # Another writer may insert some of these meanwhile: RETURNING names the ones we did.
        return bulk.insert_new(conn, stories, NEW_STORY_COLUMNS, new_rows, key="url")
    bulk.insert_many(conn, stories, NEW_STORY_COLUMNS, new_rows, ignore_conflicts=True)
    # The insert took SQLite's one write lock; stories another process committed before it
    # (after `before` was read) have other run ids, and those of this run are in `fresh`.
    wanted = {story.url for story in fresh}
    query = select(stories.c.url, stories.c.id, stories.c.first_run_id).where(stories.c.id > before)
    inserted = {
        url: id_
        for url, id_, first_run in conn.execute(query)
        if first_run == run_id and url in wanted
    }
    if inserted:
        # Every row from our first id on is ours: the lock was held since before it.
        search.index_new_stories(conn, after_id=min(inserted.values()) - 1)
    return inserted


def _current(conn: Connection, urls: Iterable[str]) -> dict[str, Row]:
    """What the archive holds for each URL it already has (`urls` in URL order)."""
    columns = [stories.c[name] for name in STORY_FIELDS]
    found: dict[str, Row] = {}
    for chunk in bulk.chunks(list(urls)):
        query = select(
            stories.c.id, stories.c.url, stories.c.first_run_id, stories.c.first_seen_at,
            stories.c.last_seen_at, *columns,
        ).where(stories.c.url.in_(chunk))  # fmt: skip
        if conn.dialect.name != "sqlite":
            # Held to the commit, taken in URL order: concurrent writers update in turn.
            query = query.order_by(stories.c.url).with_for_update()
        found.update((row.url, row) for row in conn.execute(query))
    return found


def _update_known(
    conn: Connection,
    run_id: int,
    latest: dict[str, Story],
    current: dict[str, Row],
    *,
    replay: bool,
) -> None:
    """Bring known stories up to date in one executemany; keep replaced values as versions."""
    updates, replaced = [], []
    for url, row in current.items():
        story = latest[url]
        seen = _seen(story.fetched_at)
        values = {name: getattr(row, name) for name in STORY_FIELDS}
        if seen >= row.last_seen_at:
            # A listing that leaves out a field (no teaser this time) does not erase it.
            incoming = {name: getattr(story, name) for name in STORY_FIELDS}
            values |= {name: value for name, value in incoming.items() if value is not None}
            if not replay and any(values[f] != getattr(row, f) for f in TRACKED_FIELDS):
                replaced.append((row, seen))
        earlier = seen < row.first_seen_at
        updates.append(
            (
                *(values[name] for name in STORY_FIELDS),
                bulk.db_time(conn, seen if earlier else row.first_seen_at),
                run_id if earlier else row.first_run_id,
                bulk.db_time(conn, max(seen, row.last_seen_at)),
                row.id,
            )
        )
    if replaced:
        _keep_versions(conn, run_id, replaced)
    bulk.update_many(conn, stories, KNOWN_STORY_COLUMNS, updates)


def _keep_versions(conn: Connection, run_id: int, replaced: list[tuple[Row, datetime]]) -> None:
    """Store the values each story showed until `seen`, from when they were first seen."""
    since: dict[int, datetime] = {}
    for chunk in bulk.chunks([row.id for row, _ in replaced]):
        query = (
            select(story_versions.c.story_id, func.max(story_versions.c.replaced_at))
            .where(story_versions.c.story_id.in_(chunk))
            .group_by(story_versions.c.story_id)
        )
        since.update((story_id, at) for story_id, at in conn.execute(query))
    conn.execute(
        story_versions.insert(),
        [
            {
                "story_id": row.id,
                **{name: getattr(row, name) for name in TRACKED_FIELDS},
                "first_seen_at": since.get(row.id, row.first_seen_at),
                "last_seen_at": row.last_seen_at,
                "replaced_at": seen,
                "replaced_in_run_id": run_id,
            }
            for row, seen in replaced
        ],
    )


def warc_file_ids(conn: Connection, run_id: int, paths: set[str]) -> dict[str, int]:
    if not paths:
        return {}
    bulk.insert_many(
        conn, warc_files, ("run_id", "path"), [(run_id, path) for path in paths],
        ignore_conflicts=True,
    )  # fmt: skip
    query = select(warc_files.c.path, warc_files.c.id).where(warc_files.c.path.in_(paths))
    return {path: id_ for path, id_ in conn.execute(query)}


def _seen(value: str | None) -> datetime:
    """When a sighting was made: its ISO 8601 fetch time (UTC when it names no offset), or now."""
    if not value:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
