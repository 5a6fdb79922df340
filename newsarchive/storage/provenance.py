"""Where the archive's bytes are: the index of WARC records, and the web archive captures read.

`archive.provenance` answers what a crawl asks before writing a page (the last record of its
URL, to write a revisit when the payload has not changed), what `reparse`, `history` and the
WACZ export ask afterwards (the response record a revisit stands for, the records of a run's
listing pages), and what a backfill asks before fetching (which captures it has read already).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, Row, and_, bindparam, func, select, update
from sqlalchemy.orm import aliased

from newsarchive.items import ArchivedCapture, WarcRecord
from newsarchive.storage import bulk
from newsarchive.storage.schema import (
    archived_captures,
    sightings,
    tags,
    warc_files,
    warc_records,
)
from newsarchive.storage.write import capture_rows

RECORD_COLUMNS = (
    "warc_file_id", "warc_offset", "kind", "url", "recorded_at", "record_id", "payload_digest",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListingRecord:
    """A listing page's record in a WARC file, as a replay tool's page list names it."""

    url: str
    recorded_at: datetime
    warc_file: str
    run_id: int
    tag: str | None
    page_number: int


@dataclass(frozen=True, slots=True)
class ProvenanceIndex:
    engine: Engine

    # -- the WARC record index ------------------------------------------------------------------

    def index(self, run_id: int, records: Sequence[WarcRecord]) -> None:
        """Remember records just written to the run's WARC file, in one transaction."""
        written = [r for r in records if r.warc_file and r.offset is not None]
        if not written:
            return
        with self.engine.begin() as conn:
            files = bulk.warc_file_ids(conn, run_id, {r.warc_file for r in written})
            bulk.insert_many(
                conn,
                warc_records,
                RECORD_COLUMNS,
                [
                    (
                        files[r.warc_file],
                        r.offset,
                        "revisit" if r.original else "response",
                        r.url,
                        bulk.db_time(conn, r.date),
                        r.record_id,
                        r.payload_digest,
                    )
                    for r in written
                ],
                ignore_conflicts=True,
            )
            revisits = [r for r in written if r.original]
            if revisits:
                ids = _ids_by_record_id(conn, {r.original.record_id for r in revisits})
                conn.execute(
                    update(warc_records)
                    .where(
                        warc_records.c.warc_file_id == bindparam("file"),
                        warc_records.c.warc_offset == bindparam("offset"),
                    )
                    .values(original_id=bindparam("original")),
                    [
                        {
                            "file": files[r.warc_file],
                            "offset": r.offset,
                            "original": ids.get(r.original.record_id),
                        }
                        for r in revisits
                    ],
                )

    def latest_original(self, url: str) -> WarcRecord | None:
        """The response record holding the bytes of the last record of `url`, with its payload
        digest; None when the archive has no record of it (or that response is gone)."""
        latest = aliased(warc_records)
        query = (
            select(latest.c.kind, latest.c.original_id, *_record_columns(warc_records))
            .select_from(
                latest.join(
                    warc_records,
                    warc_records.c.id == func.coalesce(latest.c.original_id, latest.c.id),
                ).join(warc_files, warc_files.c.id == warc_records.c.warc_file_id)
            )
            .where(latest.c.url == url)
            .order_by(latest.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or (row.kind == "revisit" and row.original_id is None):
            return None
        return _record(row)

    def original(self, record_id: str) -> WarcRecord | None:
        """The response record with this WARC-Record-ID, with its file and offset."""
        query = (
            select(*_record_columns(warc_records))
            .select_from(warc_records.join(warc_files))
            .where(warc_records.c.record_id == record_id, warc_records.c.kind == "response")
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _record(row) if row else None

    def listing_records(
        self, run_ids: Iterable[int], tag_names: Sequence[str] = ()
    ) -> list[ListingRecord]:
        """The listing pages the runs' sightings came from (of these tags only, if any named),
        in the order they were recorded."""
        query = (
            select(
                warc_records.c.url,
                warc_records.c.recorded_at,
                warc_files.c.path,
                sightings.c.run_id,
                tags.c.name,
                sightings.c.page_number,
            )
            .select_from(
                sightings.join(
                    warc_records,
                    and_(
                        warc_records.c.warc_file_id == sightings.c.warc_file_id,
                        warc_records.c.warc_offset == sightings.c.warc_offset,
                    ),
                )
                .join(warc_files, warc_files.c.id == warc_records.c.warc_file_id)
                .outerjoin(tags, tags.c.id == sightings.c.tag_id)
            )
            .where(sightings.c.run_id.in_(list(run_ids)))
            .distinct()
        )
        if tag_names:
            query = query.where(tags.c.name.in_(list(tag_names)))
        with self.engine.connect() as conn:
            found = {
                (url, at, path): ListingRecord(url, at, path, run, tag, page)
                for url, at, path, run, tag, page in conn.execute(query)
            }
        return sorted(found.values(), key=lambda r: (r.recorded_at, r.url))

    def originals_elsewhere(self, paths: Iterable[str]) -> list[str]:
        """The WARC files, other than these, that hold the originals of their revisits."""
        own = list(paths)
        original = aliased(warc_records)
        revisit_file = aliased(warc_files)
        query = (
            select(warc_files.c.path)
            .select_from(
                warc_records.join(revisit_file, revisit_file.c.id == warc_records.c.warc_file_id)
                .join(original, original.c.id == warc_records.c.original_id)
                .join(warc_files, warc_files.c.id == original.c.warc_file_id)
            )
            .where(revisit_file.c.path.in_(own), warc_files.c.path.not_in(own))
            .distinct()
        )
        with self.engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

    # -- web archive captures -------------------------------------------------------------------

    def captures_read(self, urls: Iterable[str]) -> set[tuple[str, str]]:
        """(url, timestamp) of the captures of these URLs that backfills have read already."""
        found: set[tuple[str, str]] = set()
        with self.engine.connect() as conn:
            for chunk in bulk.chunks(sorted(set(urls))):
                query = select(archived_captures.c.url, archived_captures.c.timestamp).where(
                    archived_captures.c.url.in_(chunk)
                )
                found.update((url, timestamp) for url, timestamp in conn.execute(query))
        return found

    def note_captures(self, run_id: int, captures: Iterable[ArchivedCapture]) -> None:
        """Record captures read that listed no story (those with stories come with them)."""
        with self.engine.begin() as conn:
            capture_rows(conn, run_id, set(captures))


def _ids_by_record_id(conn: Connection, record_ids: set[str]) -> dict[str, int]:
    found = {}
    for chunk in bulk.chunks(sorted(record_ids)):
        query = select(warc_records.c.record_id, warc_records.c.id).where(
            warc_records.c.record_id.in_(chunk), warc_records.c.kind == "response"
        )
        found.update((record_id, id_) for record_id, id_ in conn.execute(query))
    return found


def _record_columns(table) -> list:
    return [
        table.c.url, table.c.recorded_at, table.c.record_id, table.c.payload_digest,
        warc_files.c.path, table.c.warc_offset,
    ]  # fmt: skip


def _record(row: Row) -> WarcRecord:
    return WarcRecord(
        url=row.url,
        date=row.recorded_at,
        record_id=row.record_id,
        payload_digest=row.payload_digest,
        warc_file=row.path,
        offset=row.warc_offset,
    )
