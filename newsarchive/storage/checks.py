"""Integrity checks of an archive: what `newsarchive db check` reports.

Each check is one statement, so it sees one committed state even while a crawl writes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    Integer,
    Select,
    String,
    Table,
    case,
    exists,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from newsarchive.status import RunStatus
from newsarchive.storage.lock import is_locked
from newsarchive.storage.schema import (
    crawl_runs,
    metadata,
    sightings,
    stories,
    story_tags,
    tags,
)

# A date-time as SQLAlchemy reads one back from SQLite: ISO 8601, the date first.
_SQLITE_TIME_GLOB = "[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]*"


@dataclass(frozen=True, slots=True)
class Finding:
    """A count; when `problem` is set, a non-zero count means the archive is damaged."""

    name: str
    count: int
    problem: bool = True
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.problem and self.count > 0


def check_archive(engine: Engine, location: str) -> list[Finding]:
    """Totals, then every integrity check, in the order `db check` prints them."""
    findings: list[Finding] = []
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            findings.append(_integrity(conn))
            if findings[0].failed:
                return findings  # a damaged file: counting rows would only repeat the error
        findings += [
            _total(conn, "stories", stories),
            _total(conn, "sightings", sightings),
            _total(conn, "crawl runs", crawl_runs),
            _stale_runs(conn, location),
            Finding("orphan sightings", _count(conn, _orphan_sightings())),
            Finding("orphan story tags", _count(conn, _orphan_story_tags())),
            Finding("stories without sightings", _count(conn, _unsighted_stories())),
        ]
        if sqlite:
            violations = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            findings.append(Finding("foreign key violations", len(violations)))
            findings.append(_unreadable_values(conn))
    return findings


def _total(conn: Connection, name: str, table: Table) -> Finding:
    return Finding(name, _count(conn, select(func.count()).select_from(table)), problem=False)


def _integrity(conn: Connection) -> Finding:
    try:
        rows = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
    except SQLAlchemyError as exc:
        rows = [str(getattr(exc, "orig", None) or exc)]
    # One problem per line; SQLite may put several lines in one row.
    lines = (line.strip() for row in rows for line in row.splitlines())
    messages = [line for line in lines if line and not line.startswith("***")]
    if messages == ["ok"]:
        return Finding("integrity check errors", 0)
    return Finding("integrity check errors", len(messages), detail=messages[0])


def _stale_runs(conn: Connection, location: str) -> Finding:
    """Runs marked running while no crawl holds the lock: a crash; the next crawl closes them."""
    running = _count(
        conn,
        select(func.count())
        .select_from(crawl_runs)
        .where(crawl_runs.c.status == RunStatus.RUNNING),
    )
    if running and is_locked(location):
        running = 0  # a crawl is running now
    note = "the next crawl marks them interrupted"
    return Finding("runs left running by a crawl that died", running, problem=False, detail=note)


def _orphan_sightings() -> Select:
    missing_story = ~exists().where(stories.c.id == sightings.c.story_id)
    missing_run = ~exists().where(crawl_runs.c.id == sightings.c.run_id)
    missing_tag = sightings.c.tag_id.is_not(None) & ~exists().where(tags.c.id == sightings.c.tag_id)
    return (
        select(func.count()).select_from(sightings).where(missing_story | missing_run | missing_tag)
    )


def _orphan_story_tags() -> Select:
    missing_story = ~exists().where(stories.c.id == story_tags.c.story_id)
    missing_tag = ~exists().where(tags.c.id == story_tags.c.tag_id)
    return select(func.count()).select_from(story_tags).where(missing_story | missing_tag)


def _unsighted_stories() -> Select:
    return (
        select(func.count())
        .select_from(stories)
        .where(~exists().where(sightings.c.story_id == stories.c.id))
    )


def _count(conn: Connection, query: Select) -> int:
    return conn.execute(query).scalar_one()


def _unreadable_values(conn: Connection) -> Finding:
    """Values SQLite keeps but newsarchive cannot read back: text that is not UTF-8, a number or
    a date-time that is none. The integrity check looks at pages, not inside values; bytes
    scribbled over a value pass it, and then fail an export."""
    count, first = 0, ""
    for table in metadata.sorted_tables:
        typed = [(c, wrong) for c in table.columns if (wrong := _mistyped(c)) is not None]
        sums = [func.coalesce(func.sum(case((wrong, 1), else_=0)), 0) for _, wrong in typed]
        found = zip(
            [column for column, _ in typed],
            conn.execute(select(*sums).select_from(table)).one(),
            strict=True,
        )
        for column, n in [*found, *_not_utf8(conn, table)]:
            count += n
            first = first or (f"first in {table.name}.{column.name}" if n else "")
    return Finding("unreadable values", count, detail=first)


def _mistyped(column: Column) -> ColumnElement[bool] | None:
    """True for a value of `column` that is not of the type the schema declares."""
    kind = func.typeof(column)
    declared = getattr(column.type, "impl", column.type)
    if isinstance(declared, DateTime):
        pattern = literal(_SQLITE_TIME_GLOB, String())
        return kind.not_in(["text", "null"]) | column.op("NOT GLOB")(pattern)
    if isinstance(declared, Integer):
        return kind.not_in(["integer", "null"])
    if isinstance(declared, String):
        return kind.not_in(["text", "null"])
    return None


def _not_utf8(conn: Connection, table: Table) -> list[tuple[Column, int]]:
    """Text values of `table` that are not UTF-8. sqlite3 decodes every text value in C as it
    reads it; only a table where that fails is read again as bytes, to count them."""
    texts = [column.name for column in table.columns if isinstance(column.type, String)]
    if not texts:
        return []
    raw = conn.connection.driver_connection
    try:
        cursor = raw.execute(f"SELECT {', '.join(texts)} FROM {table.name}")
        while cursor.fetchmany(5000):
            pass
        return []
    except sqlite3.OperationalError as error:
        if "decode" not in str(error):
            raise
    found = []
    for name in texts:
        query = f"SELECT CAST({name} AS BLOB) FROM {table.name} WHERE typeof({name}) = 'text'"
        found.append((table.c[name], sum(not _is_utf8(value) for (value,) in raw.execute(query))))
    return found


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
