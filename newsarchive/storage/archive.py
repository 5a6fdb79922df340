"""The archive: the one object the rest of the program uses to read and write stories."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from newsarchive.items import Story
from newsarchive.storage.engine import DatabaseError, database_url, display_url, make_engine
from newsarchive.storage.schema import crawl_runs, metadata, sightings, stories, story_tags, tags

# Bound parameters per IN (...) look-up; well under every backend's limit.
_CHUNK = 500
_TAG_SEPARATOR = "\x1f"
# PostgreSQL advisory lock key held while creating the tables.
_SCHEMA_LOCK = 0x6E657773
STORY_FIELDS = (
    "headline", "teaser", "published_at", "date_source", "author", "image_url", "extraction_method",
)  # fmt: skip


@dataclass(slots=True)
class BatchResult:
    """How many distinct stories of a batch were new to the archive and how many it already had."""

    new: int = 0
    existing: int = 0


class Archive:
    """A story archive in any SQLAlchemy database; creates its tables on first use."""

    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @classmethod
    def open(cls, target: str | None = None, *, create: bool = True) -> Archive:
        """Open the archive at a file path or SQLAlchemy URL (default `data/archive.sqlite`)."""
        url = database_url(target)
        is_file = url.get_backend_name() == "sqlite"
        if not create and is_file and not (url.database and Path(url.database).exists()):
            raise DatabaseError(f"no archive at {display_url(url)}")
        try:
            engine = make_engine(url)
        except (SQLAlchemyError, ImportError) as exc:
            raise DatabaseError(f"cannot use the database {display_url(url)}: {exc}") from None
        archive = cls(engine, display_url(url))
        try:
            with archive.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    # Workers may open a new archive at once: one creates it, the others wait.
                    conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
                metadata.create_all(conn)
        except SQLAlchemyError as exc:
            archive.close()
            raise DatabaseError(
                f"cannot open the archive at {archive.location}: {_reason(exc)}"
            ) from None
        return archive

    def close(self) -> None:
        self.engine.dispose()

    # -- crawl runs ---------------------------------------------------------------------------

    def begin_run(self, start_urls: Sequence[str]) -> int:
        """Record a crawl run as running and return its id."""
        with self.engine.begin() as conn:
            return conn.execute(
                crawl_runs.insert().values(
                    start_urls=json.dumps(list(start_urls)),
                    started_at=_now(),
                    status="running",
                    pages=0,
                    stories_new=0,
                    stories_existing=0,
                    errors=0,
                )
            ).inserted_primary_key[0]

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

    # -- writing ------------------------------------------------------------------------------

    def store(self, run_id: int, batch: Sequence[Story]) -> BatchResult:
        """Upsert a batch of sightings in one transaction: stories, their tags, and sightings.

        Safe while other processes store the same stories: rows are written in URL order, so
        concurrent batches lock them in the same order, and whether a story is new is read from
        the upsert itself rather than from an earlier look-up another writer may have outdated.
        """
        if not batch:
            return BatchResult()
        latest: dict[str, Story] = {}
        for story in batch:
            latest[story.url] = story
        with self.engine.begin() as conn:
            earlier = self._stored_by(conn, run_id, latest)
            first_runs = self._upsert_stories(conn, run_id, [latest[url] for url in sorted(latest)])
            ids = {url: story_id for url, (story_id, _) in first_runs.items()}
            result = BatchResult(
                new=sum(
                    1
                    for url, (_, first) in first_runs.items()
                    if first == run_id and url not in earlier
                ),
                existing=sum(1 for _, first in first_runs.values() if first != run_id),
            )
            tag_ids = self._tag_ids(conn, {(s.site or "", s.tag) for s in batch if s.tag})
            links = {(ids[s.url], tag_ids[(s.site or "", s.tag)]) for s in batch if s.tag}
            if links:
                conn.execute(
                    self._insert(story_tags).on_conflict_do_nothing(),
                    [{"story_id": s, "tag_id": t} for s, t in sorted(links)],
                )
            conn.execute(
                sightings.insert(),
                [
                    {
                        "story_id": ids[s.url],
                        "run_id": run_id,
                        "tag_id": tag_ids.get((s.site or "", s.tag)) if s.tag else None,
                        "listing_url": s.listing_url or "",
                        "page_number": s.page_number or 0,
                        "position": s.position or 0,
                        "seen_at": _parse_time(s.fetched_at),
                    }
                    for s in batch
                ],
            )
            conn.execute(
                update(crawl_runs)
                .where(crawl_runs.c.id == run_id)
                .values(
                    stories_new=crawl_runs.c.stories_new + result.new,
                    stories_existing=crawl_runs.c.stories_existing + result.existing,
                )
            )
        return result

    def _stored_by(self, conn: Connection, run_id: int, urls: Iterable[str]) -> set[str]:
        """The URLs this run stored in an earlier batch (its own batches are never concurrent)."""
        found: set[str] = set()
        for chunk in _chunks(list(urls)):
            query = select(stories.c.url).where(
                stories.c.url.in_(chunk), stories.c.first_run_id == run_id
            )
            found.update(conn.execute(query).scalars())
        return found

    def _upsert_stories(
        self, conn: Connection, run_id: int, batch: Sequence[Story]
    ) -> dict[str, tuple[int, int | None]]:
        """Insert or update each story; returns url -> (story id, run that first stored it)."""
        rows = [
            {
                "url": s.url,
                "headline": s.headline,
                "teaser": s.teaser,
                "published_at": s.published_at,
                "date_source": s.date_source,
                "author": s.author,
                "image_url": s.image_url,
                "site": s.site or "",
                "extraction_method": s.extraction_method,
                "first_seen_at": _parse_time(s.fetched_at),
                "last_seen_at": _parse_time(s.fetched_at),
                "first_run_id": run_id,
            }
            for s in batch
        ]
        insert = self._insert(stories)
        excluded = insert.excluded
        # A listing that leaves out a field (no teaser this time) does not erase what we know.
        kept = {
            name: func.coalesce(excluded[name], stories.c[name])
            for name in STORY_FIELDS
            if name != "headline"
        }
        upsert = insert.on_conflict_do_update(
            index_elements=[stories.c.url],
            set_={
                "headline": excluded.headline,
                **kept,
                "last_seen_at": func.max(stories.c.last_seen_at, excluded.last_seen_at)
                if conn.dialect.name == "sqlite"
                else func.greatest(stories.c.last_seen_at, excluded.last_seen_at),
            },
        ).returning(stories.c.url, stories.c.id, stories.c.first_run_id)
        return {url: (id_, first) for url, id_, first in conn.execute(upsert, rows)}

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

    # -- reading ------------------------------------------------------------------------------

    def count_stories(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(stories)).scalar_one()

    def iter_stories(self, *, batch_size: int = 1000) -> Iterator[dict[str, Any]]:
        """Every story with its tags, in archive order, streamed in constant memory."""
        aggregate = (
            func.string_agg(tags.c.name, _TAG_SEPARATOR)
            if self.engine.dialect.name == "postgresql"
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
            stories.c.author,
            stories.c.image_url,
            stories.c.site,
            tag_list.label("tags"),
            stories.c.first_seen_at,
            stories.c.last_seen_at,
        ).order_by(stories.c.id)
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
                query
            )
            for row in result:
                record = dict(row._mapping)
                record["tags"] = (
                    sorted(record["tags"].split(_TAG_SEPARATOR)) if record["tags"] else []
                )
                yield record


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else _now()


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's one-line message, without SQL or parameters."""
    original = getattr(exc, "orig", None)
    return str(original or exc).splitlines()[0]
