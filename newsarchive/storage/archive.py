"""The archive: the one object the rest of the program uses to read and write stories."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from newsarchive import __version__
from newsarchive.items import ListingWalk, Story
from newsarchive.status import COMPLETE_WALKS, RunStatus
from newsarchive.storage import migrations, rows, search
from newsarchive.storage.engine import (
    DatabaseError,
    database_url,
    display_url,
    make_engine,
    scrub,
)
from newsarchive.storage.filters import StoryFilter
from newsarchive.storage.schema import (
    crawl_runs,
    listing_walks,
    metadata,
    sightings,
    stories,
    story_tags,
    story_versions,
    tags,
    warc_files,
)

# Bound parameters per IN (...) look-up; well under every backend's limit.
_CHUNK = 500
_TAG_SEPARATOR = "\x1f"
# PostgreSQL advisory lock key held while creating, stamping or migrating the tables; not the
# crawl lock's key (newsarchive.storage.lock), which a crawl holds while its pipeline opens this.
_SCHEMA_LOCK = 0x6E657778
# PostgreSQL errors that abort a batch without fault of its own: another writer's transaction
# crossed it (deadlock detected, serialization failure). The batch is simply written again.
_RETRY_SQLSTATES = ("40P01", "40001")
_STORE_ATTEMPTS = 5
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
# A change to one of these keeps the earlier values as a version.
TRACKED_FIELDS = ("headline", "teaser", "published_at", "author", "image_url")


class SchemaOutdated(DatabaseError):
    """The archive was written with an older schema; `newsarchive db upgrade` migrates it."""


class SchemaTooNew(DatabaseError):
    """The archive was written by a newer newsarchive than this one."""


class SearchSyntaxError(ValueError):
    """A search query the full-text engine cannot parse; the message says why."""


@dataclass(slots=True)
class BatchResult:
    """How many distinct stories of a batch were new to the archive and how many it already had."""

    new: int = 0
    existing: int = 0


@dataclass(slots=True)
class Shortfall:
    """A start URL whose pages listed far fewer stories than in its previous run."""

    start_url: str
    per_page: float
    previous_per_page: float
    previous_run_id: int


@dataclass(slots=True)
class Upgrade:
    """What `upgrade` did: the revisions before and after, and where the old archive was kept."""

    before: str | None
    after: str
    backup: Path | None


class Archive:
    """A story archive in any SQLAlchemy database; creates its tables on first use."""

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location
        self.dialect = engine.dialect.name
        self._insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert

    @classmethod
    def open(cls, target: str | None = None, *, create: bool = True) -> Archive:
        """Open the archive at a file path or SQLAlchemy URL (default `data/archive.sqlite`).

        Raises SchemaOutdated for an archive an older version wrote, so nothing touches it
        before `upgrade`.
        """
        archive = cls._connect(target, create=create)
        try:
            with archive.engine.begin() as conn:
                revision = migrations.revision(conn)
                if revision is None:
                    archive._lock_schema(conn)
                    revision = migrations.revision(conn)  # another process may have been first
                if revision is None:
                    metadata.create_all(conn)
                    search.create_index(conn)
                    migrations.stamp_head(conn)
                elif revision != migrations.HEAD:
                    raise archive._version_error(revision)
        except SQLAlchemyError as exc:
            archive.close()
            raise DatabaseError(
                f"cannot open the archive at {archive.location}: "
                f"{scrub(_reason(exc), archive.engine.url)}"
            ) from None
        except DatabaseError:
            archive.close()
            raise
        return archive

    @classmethod
    def upgrade(cls, target: str | None = None, *, backup: bool = True) -> Upgrade:
        """Migrate an archive in place to the current schema; a SQLite file is copied first."""
        archive = cls._connect(target, create=False)
        try:
            with archive.engine.connect() as conn:
                before = migrations.revision(conn)
            if before == migrations.HEAD:
                return Upgrade(before, before, None)
            if before is not None and before > migrations.HEAD:
                raise archive._version_error(before)
            copy = archive._backup(before) if backup and before is not None else None
            with archive.engine.begin() as conn:
                if archive.dialect == "postgresql":  # workers may be opening it right now
                    conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
                if before is None:
                    metadata.create_all(conn)
                    search.create_index(conn)
                    migrations.stamp_head(conn)
                else:
                    migrations.upgrade(conn)
            return Upgrade(before, migrations.HEAD, copy)
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"cannot upgrade the archive at {archive.location}: "
                f"{scrub(_reason(exc), archive.engine.url)}"
            ) from None
        finally:
            archive.close()

    def _lock_schema(self, conn: Connection) -> None:
        """Until this transaction ends, be the only process creating the schema: workers may
        open a new archive at the same moment; one creates it, in one transaction, and the
        others then find it whole."""
        if self.dialect == "postgresql":
            conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
        elif self.dialect == "sqlite":
            # The driver would begin only at the first INSERT, after CREATE TABLE ran unguarded.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    @classmethod
    def _connect(cls, target: str | None, *, create: bool) -> Archive:
        url = database_url(target)
        is_file = url.get_backend_name() == "sqlite"
        if not create and is_file and not (url.database and Path(url.database).exists()):
            raise DatabaseError(f"no archive at {display_url(url)}")
        try:
            engine = make_engine(url)
        except (SQLAlchemyError, ImportError) as exc:
            raise DatabaseError(f"cannot use the database {display_url(url)}: {exc}") from None
        return cls(engine, display_url(url))

    def _version_error(self, revision: str) -> DatabaseError:
        if revision > migrations.HEAD:
            return SchemaTooNew(
                f"the archive at {self.location} has schema {revision}, newer than this "
                f"newsarchive ({migrations.HEAD}); upgrade newsarchive"
            )
        return SchemaOutdated(
            f"the archive at {self.location} has schema {revision}, older than "
            f"{migrations.HEAD}: run `newsarchive db upgrade --db {self.location}` first"
        )

    def _backup(self, revision: str) -> Path | None:
        """A consistent copy of a SQLite archive next to it, before migrating it."""
        if self.dialect != "sqlite" or not self.engine.url.database:
            return None
        source = Path(self.engine.url.database)
        copy = source.with_name(f"{source.stem}.schema-{revision}{source.suffix}")
        number = 1
        while copy.exists():
            number += 1
            copy = source.with_name(f"{source.stem}.schema-{revision}.{number}{source.suffix}")
        with self.engine.connect() as conn:
            conn.exec_driver_sql("VACUUM INTO ?", (str(copy),))
        return copy

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- crawl runs ---------------------------------------------------------------------------

    def begin_run(self, start_urls: Sequence[str], settings: dict[str, Any] | None = None) -> int:
        """Record a crawl run as running and return its id."""
        with self.engine.begin() as conn:
            return conn.execute(
                crawl_runs.insert().values(
                    start_urls=json.dumps(list(start_urls)),
                    started_at=_now(),
                    status=RunStatus.RUNNING,
                    pages=0,
                    stories_new=0,
                    stories_existing=0,
                    errors=0,
                    software_version=__version__,
                    settings=json.dumps(settings or {}, sort_keys=True, default=str),
                )
            ).inserted_primary_key[0]

    def interrupt_stale_runs(self) -> int:
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
            tag_ids = self._tag_ids(conn, {(w.site or "", w.tag) for w in walks if w.tag})
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

    def finish_run(self, run_id: int, status: str, *, pages: int, errors: int) -> None:
        """Close a run with its outcome; story counts were kept up to date by `store`."""
        with self.engine.begin() as conn:
            conn.execute(
                update(crawl_runs)
                .where(crawl_runs.c.id == run_id)
                .values(status=status, finished_at=_now(), pages=pages, errors=errors)
            )

    def run(self, run_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(crawl_runs).where(crawl_runs.c.id == run_id)).first()
        return dict(row._mapping) if row else None

    def run_ids(self, where: StoryFilter | None = None) -> list[int]:
        """The runs that saw any story matching `where`, oldest first."""
        matching = select(stories.c.id).where(*(where.clauses() if where else []))
        query = (
            select(sightings.c.run_id)
            .where(sightings.c.story_id.in_(matching.scalar_subquery()))
            .distinct()
            .order_by(sightings.c.run_id)
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def runs(
        self, *, limit: int | None = None, ids: Sequence[int] | None = None
    ) -> list[dict[str, Any]]:
        """The latest runs first (or the runs `ids`), each with its walks and WARC files."""
        with self.engine.connect() as conn:
            query = select(crawl_runs).order_by(crawl_runs.c.id.desc()).limit(limit)
            if ids is not None:
                query = query.where(crawl_runs.c.id.in_(list(ids)))
            found = [dict(row._mapping) for row in conn.execute(query)]
            ids = [run["id"] for run in found]
            walks: dict[int, list[dict[str, Any]]] = {}
            files: dict[int, list[str]] = {}
            for chunk in _chunks(ids):
                walk_query = (
                    select(listing_walks, tags.c.name.label("tag"))
                    .select_from(listing_walks.outerjoin(tags))
                    .where(listing_walks.c.run_id.in_(chunk))
                    .order_by(listing_walks.c.id)
                )
                for row in conn.execute(walk_query):
                    walks.setdefault(row.run_id, []).append(dict(row._mapping))
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
            current = conn.execute(
                select(listing_walks).where(
                    listing_walks.c.run_id == run_id, listing_walks.c.pages > 0
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

    # -- writing ------------------------------------------------------------------------------

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these canonical story URLs the archive holds: one indexed query per 500."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(urls))):
                query = select(stories.c.url).where(stories.c.url.in_(chunk))
                found.update(conn.execute(query).scalars())
        return found

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

    def replay_run(self, run_id: int, batch: Sequence[Story]) -> BatchResult:
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
        latest: dict[str, Story] = {}
        for story in batch:
            latest[story.url] = story
        latest = dict(sorted(latest.items()))
        current = self._current(conn, latest)
        fresh = [story for url, story in latest.items() if url not in current]
        inserted = self._insert_stories(conn, run_id, fresh)
        if len(inserted) < len(fresh):
            current |= self._current(conn, [s.url for s in fresh if s.url not in inserted])
        result = BatchResult(
            new=len(inserted),
            existing=sum(1 for row in current.values() if row.first_run_id != run_id),
        )
        ids = {url: row.id for url, row in current.items()} | inserted
        self._update_known(conn, run_id, latest, current, replay=replay)
        tag_ids = self._tag_ids(conn, {(s.site or "", s.tag) for s in batch if s.tag})
        links = {(ids[s.url], tag_ids[(s.site or "", s.tag)]) for s in batch if s.tag}
        rows.insert_many(
            conn, story_tags, ("story_id", "tag_id"), sorted(links), ignore_conflicts=True
        )
        # A page whose WARC record could not be written claims no bytes: no file, no offset.
        recorded = [
            s.capture if s.capture and s.capture.offset is not None else None for s in batch
        ]
        warc_ids = self._warc_ids(conn, run_id, {c.warc_file for c in recorded if c})
        seen_at = {
            value: rows.db_time(conn, _parse_time(value)) for value in {s.fetched_at for s in batch}
        }
        rows.insert_many(
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

    def _insert_stories(self, conn: Connection, run_id: int, fresh: list[Story]) -> dict[str, int]:
        """Insert stories new to the archive and index their text; returns their ids by URL."""
        if not fresh:
            return {}
        sqlite_file = self.dialect == "sqlite"
        before = 0
        if sqlite_file:
            before = conn.execute(select(func.max(stories.c.id))).scalar() or 0
        times: dict[str | None, Any] = {}
        for story in fresh:
            if story.fetched_at not in times:
                times[story.fetched_at] = rows.db_time(conn, _parse_time(story.fetched_at))
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
            return rows.insert_new(conn, stories, NEW_STORY_COLUMNS, new_rows, key="url")
        rows.insert_many(conn, stories, NEW_STORY_COLUMNS, new_rows, ignore_conflicts=True)
        # The insert took SQLite's one write lock; stories another process committed before it
        # (after `before` was read) have other run ids, and those of this run are in `fresh`.
        wanted = {story.url for story in fresh}
        query = select(stories.c.url, stories.c.id, stories.c.first_run_id).where(
            stories.c.id > before
        )
        inserted = {
            url: id_
            for url, id_, first_run in conn.execute(query)
            if first_run == run_id and url in wanted
        }
        if inserted:
            # Every row from our first id on is ours: the lock was held since before it.
            search.index_new_stories(conn, after_id=min(inserted.values()) - 1)
        return inserted

    def _current(self, conn: Connection, urls: Iterable[str]) -> dict[str, Row]:
        """What the archive holds for each URL it already has (`urls` in URL order)."""
        columns = [stories.c[name] for name in STORY_FIELDS]
        found: dict[str, Row] = {}
        for chunk in _chunks(list(urls)):
            query = select(
                stories.c.id, stories.c.url, stories.c.first_run_id, stories.c.first_seen_at,
                stories.c.last_seen_at, *columns,
            ).where(stories.c.url.in_(chunk))  # fmt: skip
            if self.dialect != "sqlite":
                # Held to the commit, taken in URL order: concurrent writers update in turn.
                query = query.order_by(stories.c.url).with_for_update()
            found.update((row.url, row) for row in conn.execute(query))
        return found

    def _update_known(
        self,
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
            seen = _parse_time(story.fetched_at)
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
                    rows.db_time(conn, seen if earlier else row.first_seen_at),
                    run_id if earlier else row.first_run_id,
                    rows.db_time(conn, max(seen, row.last_seen_at)),
                    row.id,
                )
            )
        if replaced:
            self._keep_versions(conn, run_id, replaced)
        rows.update_many(conn, stories, KNOWN_STORY_COLUMNS, updates)

    def _keep_versions(
        self, conn: Connection, run_id: int, replaced: list[tuple[Row, datetime]]
    ) -> None:
        """Store the values each story showed until `seen`, from when they were first seen."""
        since: dict[int, datetime] = {}
        for chunk in _chunks([row.id for row, _ in replaced]):
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

    def _tag_ids(
        self, conn: Connection, wanted: set[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        if not wanted:
            return {}
        conn.execute(
            self._insert(tags).on_conflict_do_nothing(),
            [{"site": site, "name": name} for site, name in sorted(wanted)],
        )
        found: dict[tuple[str, str], int] = {}
        for site in {site for site, _ in wanted}:
            names = [name for s, name in wanted if s == site]
            query = select(tags.c.name, tags.c.id).where(
                tags.c.site == site, tags.c.name.in_(names)
            )
            found.update(((site, name), id_) for name, id_ in conn.execute(query))
        return found

    def _warc_ids(self, conn: Connection, run_id: int, paths: set[str]) -> dict[str, int]:
        if not paths:
            return {}
        conn.execute(
            self._insert(warc_files).on_conflict_do_nothing(),
            [{"run_id": run_id, "path": path} for path in paths],
        )
        query = select(warc_files.c.path, warc_files.c.id).where(warc_files.c.path.in_(paths))
        return {path: id_ for path, id_ in conn.execute(query)}

    # -- reading ------------------------------------------------------------------------------

    def count_stories(self, where: StoryFilter | None = None) -> int:
        query = select(func.count()).select_from(stories)
        if where:
            query = query.where(*where.clauses())
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def iter_stories(
        self, where: StoryFilter | None = None, *, batch_size: int = 1000
    ) -> Iterator[dict[str, Any]]:
        """Every story (matching `where`) with its tags, in archive order, in constant memory."""
        aggregate = (
            func.string_agg(tags.c.name, _TAG_SEPARATOR)
            if self.dialect == "postgresql"
            else func.group_concat(tags.c.name, _TAG_SEPARATOR)
        )
        tag_list = (
            select(aggregate)
            .select_from(story_tags.join(tags))
            .where(story_tags.c.story_id == stories.c.id)
            .scalar_subquery()
        )
        query = select(
            stories.c.url,
            stories.c.headline,
            stories.c.teaser,
            stories.c.published_at,
            stories.c.date_source,
            stories.c.author,
            stories.c.image_url,
            stories.c.site,
            tag_list.label("tags"),
            stories.c.extraction_method,
            stories.c.first_seen_at,
            stories.c.last_seen_at,
        ).order_by(stories.c.id)
        if where:
            query = query.where(*where.clauses())
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
                query
            )
            for row in result:
                record = row._asdict()
                record["tags"] = (
                    sorted(record["tags"].split(_TAG_SEPARATOR)) if record["tags"] else []
                )
                yield record

    def search(
        self, query: str, where: StoryFilter | None = None, *, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Stories whose headline or teaser match `query`, best first, with marked snippets."""
        if self.dialect == "sqlite":
            problem = search.sqlite_syntax_error(query)
            if problem:
                raise SearchSyntaxError(problem)
        statement = search.search_query(
            self.dialect, query, where.clauses() if where else [], limit
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(statement)]

    def story(self, url: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(stories).where(stories.c.url == url)).first()
        return row._asdict() if row else None

    def versions(self, story_id: int) -> list[dict[str, Any]]:
        """Earlier values of a story, oldest first."""
        query = (
            select(story_versions)
            .where(story_versions.c.story_id == story_id)
            .order_by(story_versions.c.replaced_at, story_versions.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def sightings(self, story_id: int) -> list[dict[str, Any]]:
        """Every sighting of a story, oldest first, with its tag and WARC record."""
        query = (
            select(
                sightings.c.run_id,
                sightings.c.seen_at,
                sightings.c.listing_url,
                sightings.c.page_number,
                sightings.c.position,
                sightings.c.tag_id,
                tags.c.name.label("tag"),
                tags.c.site.label("tag_site"),
                warc_files.c.path.label("warc_file"),
                sightings.c.warc_offset,
            )
            .select_from(sightings.outerjoin(tags).outerjoin(warc_files))
            .where(sightings.c.story_id == story_id)
            .order_by(sightings.c.seen_at, sightings.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def tag_runs(self, tag_ids: Iterable[int]) -> list[dict[str, Any]]:
        """The runs that walked each of these tags, oldest first: (tag_id, run_id, started_at)."""
        query = (
            select(listing_walks.c.tag_id, crawl_runs.c.id.label("run_id"), crawl_runs.c.started_at)
            .select_from(listing_walks.join(crawl_runs))
            .where(listing_walks.c.tag_id.in_(list(tag_ids)), listing_walks.c.pages > 0)
            .order_by(crawl_runs.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def warc_runs(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """Runs with WARC files, oldest first: run_id and the paths of its files."""
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


def _story_row(story: Story, run_id: int) -> dict[str, Any]:
    seen = _parse_time(story.fetched_at)
    return {
        "url": story.url,
        **{name: getattr(story, name) for name in STORY_FIELDS},
        "site": story.site or "",
        "first_seen_at": seen,
        "last_seen_at": seen,
        "first_run_id": run_id,
    }


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: str | None) -> datetime:
    """An ISO 8601 time as an aware datetime (UTC when it names no offset); None is now."""
    if not value:
        return _now()
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's one-line message, without SQL or parameters."""
    original = getattr(exc, "orig", None)
    return str(original or exc).splitlines()[0]
