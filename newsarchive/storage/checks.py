"""Integrity checks of an archive: what `newsarchive db check` reports.

Each check is one statement, so it sees one committed state even while a crawl writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Select, Table, exists, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from newsarchive.status import RunStatus
from newsarchive.storage.lock import is_locked
from newsarchive.storage.schema import crawl_runs, sightings, stories, story_tags, tags


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
