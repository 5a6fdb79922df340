"""Writing sightings: each batch upserts its stories, links their tags, keeps the values a site
replaced as versions and records where every story was seen, in one transaction.

A batch's sightings of one story are applied in the order they were made. A crawl's come after
everything the archive knows of the story; a backfill's may come before it or in between, and
then take their place in the story's history (`timeline.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

from sqlalchemy import Connection, Engine, Row, delete, exists, func, select, update
from sqlalchemy.exc import DBAPIError

from newsarchive.items import ArchivedCapture, Story
from newsarchive.storage import bulk, search
from newsarchive.storage.aliases import aliases_of
from newsarchive.storage.columns import TRACKED_FIELDS
from newsarchive.storage.schema import (
    archived_captures,
    crawl_runs,
    sightings,
    stories,
    story_tags,
    story_versions,
    warc_files,
)
from newsarchive.storage.timeline import Period, observe, periods_of

# PostgreSQL errors that abort a batch without fault of its own: another writer's transaction
# crossed it (deadlock detected, serialization failure). The batch is simply written again.
_RETRY_SQLSTATES = ("40P01", "40001")
_STORE_ATTEMPTS = 5
# A story's own values, as a listing shows them.
STORY_FIELDS = (
    "headline", "teaser", "published_at", "date_source", "author", "image_url", "extraction_method",
    "date_precision", "author_source", "teaser_source", "confidence",
)  # fmt: skip
NEW_STORY_COLUMNS = (
    "url", *STORY_FIELDS, "site", "first_seen_at", "last_seen_at", "first_run_id",
)  # fmt: skip
KNOWN_STORY_COLUMNS = (*STORY_FIELDS, "first_seen_at", "first_run_id", "last_seen_at")
SIGHTING_COLUMNS = (
    "story_id", "run_id", "tag_id", "listing_url", "page_number", "position", "seen_at",
    "warc_file_id", "warc_offset", "archived_capture_id",
)  # fmt: skip
CAPTURE_COLUMNS = ("run_id", "url", "timestamp", "captured_at", "replay_url", "digest")
VERSION_COLUMNS = (
    "story_id", *TRACKED_FIELDS, "first_seen_at", "last_seen_at", "replaced_at",
    "replaced_in_run_id",
)  # fmt: skip


@dataclass(slots=True)
class BatchResult:
    """How many distinct stories of a batch were new to the archive and how many it already had;
    for a replayed run, also how many of its sightings were kept as they were (their pages were
    not read again) and how many stories it removed (no page lists them any more)."""

    new: int = 0
    existing: int = 0
    kept: int = 0
    removed: int = 0


@dataclass(frozen=True, slots=True)
class StoryWriter:
    """The archive's one write path for stories: a crawl's batches, and replayed runs."""

    engine: Engine

    def store(self, run_id: int, batch: Sequence[Story], pages: int = 0) -> BatchResult:
        """Upsert a batch of sightings in one transaction: stories, their tags, and sightings.

        A story whose headline, teaser, date, author or image changed keeps its earlier values
        as a version. The run's page count grows by the `pages` the batch came from in the same
        transaction, so a run that is killed still shows the pages whose stories it stored.
        Safe while other processes store the same stories (frontier workers on PostgreSQL):
        see `_store`.
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
                            pages=crawl_runs.c.pages + pages,
                        )
                    )
                return result
            except DBAPIError as exc:
                sqlstate = getattr(exc.orig, "sqlstate", None)
                if sqlstate not in _RETRY_SQLSTATES or attempt == _STORE_ATTEMPTS:
                    raise
                attempt += 1

    def replay(self, run_id: int, batch: Sequence[Story]) -> BatchResult:
        """Replace the sightings of a past run's pages with `batch`, re-extracted from the WARC
        records its stories name (`Story.capture`).

        Only the sightings of those pages are replaced: a sighting without a WARC record, or
        whose record could not be read or gives no story now, stays as it was, so nothing is
        lost to a damaged file or a broken extractor. Stories missed before are added; a story
        takes the re-extracted values only when this run is its latest sighting, and the
        correction is not a version (the site did not change, the extraction did). A story that
        no sighting is left for (the current extractors do not find it on the page they once
        did) is removed. One transaction: a failure leaves the run as it was.
        """
        pages = {(s.capture.warc_file, s.capture.offset) for s in batch if _recorded(s)}
        with self.engine.begin() as conn:
            dropped = _drop_sightings(conn, run_id, pages)
            result = self._store(conn, run_id, batch, replay=True) if batch else BatchResult()
            result.removed = _remove_unsighted(conn, dropped)
            result.kept = conn.execute(
                select(func.count()).where(sightings.c.run_id == run_id)
            ).scalar_one() - len(batch)
            return result

    def _store(
        self, conn: Connection, run_id: int, batch: Sequence[Story], *, replay: bool
    ) -> BatchResult:
        """Write one batch. With concurrent writers (PostgreSQL), rows are locked and written in
        URL order, so two batches wait for each other rather than deadlock (and one that does is
        retried by `store`); a story counts as new only if this writer's insert created it: one
        another writer inserted since the look-up is known, and updated like the others."""
        _resolve_aliases(conn, batch)
        seen = {value: _seen(value) for value in {s.fetched_at for s in batch}}
        # Each story's sightings in the order they were made, in URL order.
        observed: dict[str, list[Story]] = {}
        for story in sorted(batch, key=lambda s: (s.url, seen[s.fetched_at])):
            observed.setdefault(story.url, []).append(story)
        current = _current(conn, observed)
        fresh = [group[0] for url, group in observed.items() if url not in current]
        inserted = _insert_stories(conn, run_id, fresh, seen)
        if len(inserted) < len(fresh):
            current |= _current(conn, [s.url for s in fresh if s.url not in inserted])
        result = BatchResult(
            new=len(inserted),
            existing=sum(1 for row in current.values() if row.first_run_id != run_id),
        )
        ids = {url: row.id for url, row in current.items()} | inserted
        # A story inserted from its first sighting here takes its later ones as a known story.
        again = [url for url in inserted if len(observed[url]) > 1]
        current |= _current(conn, again)
        pending = {url: observed[url][1:] if url in inserted else observed[url] for url in current}
        _update_known(conn, run_id, pending, current, seen, replay=replay)
        tag_ids = bulk.tag_ids(conn, dict.fromkeys((s.site or "", s.tag) for s in batch if s.tag))
        links = {(ids[s.url], tag_ids[(s.site or "", s.tag)]) for s in batch if s.tag}
        bulk.insert_many(
            conn, story_tags, ("story_id", "tag_id"), sorted(links), ignore_conflicts=True
        )
        # A page whose WARC record could not be written claims no bytes: no file, no offset.
        recorded = [
            s.capture if s.capture and s.capture.offset is not None else None for s in batch
        ]
        warc_ids = bulk.warc_file_ids(conn, run_id, {c.warc_file for c in recorded if c})
        capture_ids = capture_rows(conn, run_id, {s.archived for s in batch if s.archived})
        seen_at = {value: bulk.db_time(conn, moment) for value, moment in seen.items()}
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
                    capture_ids[s.archived] if s.archived else None,
                )
                for s, capture in zip(batch, recorded, strict=True)
            ],
        )
        return result


def capture_rows(
    conn: Connection, run_id: int, captures: set[ArchivedCapture]
) -> dict[ArchivedCapture, int]:
    """The ids of these web archive captures, recording those the archive does not have yet."""
    if not captures:
        return {}
    rows = [
        (run_id, c.url, c.timestamp, bulk.db_time(conn, c.captured_at), c.replay_url, c.digest)
        for c in sorted(captures, key=lambda c: (c.url, c.timestamp))
    ]
    bulk.insert_many(conn, archived_captures, CAPTURE_COLUMNS, rows, ignore_conflicts=True)
    wanted = {(c.url, c.timestamp): c for c in captures}
    found: dict[ArchivedCapture, int] = {}
    for chunk in bulk.chunks(sorted({c.url for c in captures})):
        query = select(
            archived_captures.c.url, archived_captures.c.timestamp, archived_captures.c.id
        ).where(archived_captures.c.url.in_(chunk))
        for url, timestamp, id_ in conn.execute(query):
            if (url, timestamp) in wanted:
                found[wanted[(url, timestamp)]] = id_
    return found


def _resolve_aliases(conn: Connection, batch: Sequence[Story]) -> None:
    """Give stories listed under another URL of an archived story (an alias: see
    storage/articles.py) that story's URL."""
    aliases = aliases_of(conn, {story.url for story in batch})
    for story in batch:
        story.url = aliases.get(story.url, story.url)


def _insert_stories(
    conn: Connection, run_id: int, fresh: list[Story], seen: dict[str | None, datetime]
) -> dict[str, int]:
    """Insert stories new to the archive and index their text; returns their ids by URL."""
    if not fresh:
        return {}
    sqlite_file = conn.dialect.name == "sqlite"
    before = 0
    if sqlite_file:
        before = conn.execute(select(func.max(stories.c.id))).scalar() or 0
    times = {value: bulk.db_time(conn, seen[value]) for value in {s.fetched_at for s in fresh}}
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
    observed: dict[str, list[Story]],
    current: dict[str, Row],
    seen: dict[str | None, datetime],
    *,
    replay: bool,
) -> None:
    """Bring known stories up to date in one executemany; keep replaced values as versions.

    A single sighting after everything known takes the quick way; several, or one before the
    story's last sighting, are placed in its history (`_place`). A replayed run corrects values
    and never adds a version.
    """
    updates, replaced, placed = [], [], {}
    for url, row in current.items():
        group = observed[url]
        if not group:
            continue
        if not replay and (len(group) > 1 or seen[group[0].fetched_at] < row.last_seen_at):
            placed[url] = group
            continue
        story = group[-1]
        moment = seen[story.fetched_at]
        values = {name: getattr(row, name) for name in STORY_FIELDS}
        if moment >= row.last_seen_at:
            # A listing that leaves out a field (no teaser this time) does not erase it.
            incoming = {name: getattr(story, name) for name in STORY_FIELDS}
            values |= {name: value for name, value in incoming.items() if value is not None}
            if not replay and any(values[f] != getattr(row, f) for f in TRACKED_FIELDS):
                replaced.append((row, moment))
        first = seen[group[0].fetched_at]
        earlier = first < row.first_seen_at
        updates.append(
            (
                *(values[name] for name in STORY_FIELDS),
                bulk.db_time(conn, first if earlier else row.first_seen_at),
                run_id if earlier else row.first_run_id,
                bulk.db_time(conn, max(moment, row.last_seen_at)),
                row.id,
            )
        )
    if replaced:
        _keep_versions(conn, run_id, replaced)
    if placed:
        updates += _place(conn, run_id, placed, current, seen)
    bulk.update_many(conn, stories, KNOWN_STORY_COLUMNS, updates)


def _place(
    conn: Connection,
    run_id: int,
    placed: dict[str, list[Story]],
    current: dict[str, Row],
    seen: dict[str | None, datetime],
) -> list[tuple]:
    """Place sightings in the history of their stories: rewrite each one's versions and return
    the update of its row (current values, first and last seen)."""
    ids = [current[url].id for url in placed]
    versions: dict[int, list[dict]] = {}
    for chunk in bulk.chunks(ids):
        query = (
            select(story_versions)
            .where(story_versions.c.story_id.in_(chunk))
            .order_by(story_versions.c.replaced_at, story_versions.c.id)
        )
        for version in conn.execute(query):
            versions.setdefault(version.story_id, []).append(version._asdict())
    updates, rows = [], []
    for url, group in placed.items():
        row = current[url]
        periods = periods_of(row._asdict(), versions.get(row.id, []), TRACKED_FIELDS)
        for story in group:
            shown = {name: getattr(story, name) for name in TRACKED_FIELDS}
            observe(periods, seen[story.fetched_at], shown, run_id, _sighted(conn, row.id))
        # The untracked fields follow the newest sighting, when it is newer than the row.
        values = {name: getattr(row, name) for name in STORY_FIELDS}
        newest = group[-1]
        if seen[newest.fetched_at] >= row.last_seen_at:
            values |= {
                name: getattr(newest, name)
                for name in STORY_FIELDS
                if getattr(newest, name) is not None
            }
        values |= periods[-1].values
        rows += _version_rows(conn, row.id, periods)
        updates.append(
            (
                *(values[name] for name in STORY_FIELDS),
                bulk.db_time(conn, periods[0].first_seen),
                periods[0].first_run,
                bulk.db_time(conn, periods[-1].last_seen),
                row.id,
            )
        )
    for chunk in bulk.chunks(ids):
        conn.execute(delete(story_versions).where(story_versions.c.story_id.in_(chunk)))
    bulk.insert_many(conn, story_versions, VERSION_COLUMNS, rows)
    return updates


def _version_rows(conn: Connection, story_id: int, periods: list[Period]) -> list[tuple]:
    """The versions of a story with these periods: every period but the last (current) one."""
    return [
        (
            story_id,
            *(period.values[name] for name in TRACKED_FIELDS),
            bulk.db_time(conn, period.first_seen),
            bulk.db_time(conn, period.last_seen),
            bulk.db_time(conn, following.first_seen),
            following.first_run,
        )
        for period, following in pairwise(periods)
    ]


def _sighted(conn: Connection, story_id: int):
    """A story's stored sightings (seen_at, run_id), read only if asked for."""

    def read() -> list[tuple[datetime, int]]:
        query = (
            select(sightings.c.seen_at, sightings.c.run_id)
            .where(sightings.c.story_id == story_id)
            .order_by(sightings.c.seen_at)
        )
        return [(at, run) for at, run in conn.execute(query)]

    return read


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


def _recorded(story: Story) -> bool:
    return story.capture is not None and story.capture.offset is not None


def _drop_sightings(conn: Connection, run_id: int, pages: set[tuple[str, int]]) -> set[int]:
    """Delete the run's sightings of these pages (WARC file, offset); returns their stories."""
    offsets: dict[str, list[int]] = {}
    for path, offset in pages:
        offsets.setdefault(path, []).append(offset)
    files = select(warc_files.c.path, warc_files.c.id).where(warc_files.c.path.in_(offsets))
    dropped: set[int] = set()
    for path, file_id in conn.execute(files).all():
        for chunk in bulk.chunks(sorted(offsets[path])):
            where = (
                (sightings.c.run_id == run_id)
                & (sightings.c.warc_file_id == file_id)
                & sightings.c.warc_offset.in_(chunk)
            )
            dropped.update(conn.execute(select(sightings.c.story_id).where(where)).scalars())
            conn.execute(delete(sightings).where(where))
    return dropped


def _remove_unsighted(conn: Connection, story_ids: set[int]) -> int:
    """Remove those of these stories that no sighting is left for; returns how many.

    Their tags and earlier versions go with them (ON DELETE CASCADE), and their text leaves
    the search index (a trigger in SQLite, the expression index in PostgreSQL).
    """
    removed = 0
    for chunk in bulk.chunks(sorted(story_ids)):
        unsighted = ~exists().where(sightings.c.story_id == stories.c.id)
        done = conn.execute(delete(stories).where(stories.c.id.in_(chunk), unsighted))
        removed += done.rowcount
    return removed


def _seen(value: str | None) -> datetime:
    """When a sighting was made: its ISO 8601 fetch time (UTC when it names no offset), or now."""
    if not value:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
