"""Many rows in one statement, without SQLAlchemy's per-parameter processing.

The crawl writes tens of thousands of rows a minute; compiling each statement once and handing
the driver plain tuples keeps that cost to the driver's own. Only the storage layer uses it, for
the few hot statements; the SQL is generated from the table definitions for the connection's
dialect and paramstyle, so SQLite and PostgreSQL run the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, select

from newsarchive.slugs import tag_slug
from newsarchive.storage.schema import tags, warc_files

T = TypeVar("T")
# SQLAlchemy's SQLite DateTime storage format: what its readers parse back.
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
# Rows per multi-row statement, and bound parameters per IN (...) look-up: well under every
# backend's limit.
CHUNK = 500


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def db_time(conn: Connection, moment: datetime) -> datetime | str:
    """An aware datetime as the UTCDateTime column stores it on this connection's database."""
    naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    return naive.strftime(_SQLITE_TIME) if conn.dialect.name == "sqlite" else naive


def insert_many(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    ignore_conflicts: bool = False,
) -> None:
    """INSERT the rows (tuples in `columns` order); with `ignore_conflicts`, skip duplicates."""
    if rows:
        sql = _insert_sql(_marker(conn), table.name, tuple(columns))
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        conn.exec_driver_sql(sql, list(rows))


def insert_new(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    key: str,
) -> dict[Any, int]:
    """INSERT the rows in their order, skipping those that conflict; returns the ids of the
    rows this statement inserted, by their `key` column (multi-row VALUES ... RETURNING)."""
    inserted: dict[Any, int] = {}
    marker = _marker(conn)
    row_sql = f"({', '.join([marker] * len(columns))})"
    for part in chunks(rows):
        sql = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
            f"{', '.join([row_sql] * len(part))} ON CONFLICT DO NOTHING RETURNING {key}, id"
        )
        params = tuple(value for row in part for value in row)
        inserted.update((found, id_) for found, id_ in conn.exec_driver_sql(sql, params))
    return inserted


def update_many(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """UPDATE rows by id: each tuple is the new values in `columns` order, then the id."""
    if rows:
        marker = _marker(conn)
        assignments = ", ".join(f"{name} = {marker}" for name in columns)
        conn.exec_driver_sql(
            f"UPDATE {table.name} SET {assignments} WHERE id = {marker}", list(rows)
        )


@cache
def _insert_sql(marker: str, table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join([marker] * len(columns))})"


def _marker(conn: Connection) -> str:
    """The driver's positional parameter marker: `?` (sqlite3) or `%s` (psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def tag_ids(conn: Connection, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The ids of these (site, name) tags, adding those the archive does not have yet.

    Spellings of one name (one slug) are one tag; a new tag keeps the name it is first wanted
    by, in `wanted`'s order. Rows are added in slug order, so concurrent writers take the
    unique index's locks in the same order.
    """
    slugs = {(site, name): tag_slug(name) for site, name in wanted}
    if not slugs:
        return {}
    names: dict[tuple[str, str], str] = {}
    for (site, name), slug in slugs.items():
        names.setdefault((site, slug), name)
    rows = [(site, slug, name) for (site, slug), name in sorted(names.items())]
    insert_many(conn, tags, ("site", "slug", "name"), rows, ignore_conflicts=True)
    found: dict[tuple[str, str], int] = {}
    for site in {site for site, _ in names}:
        keys = [slug for s, slug in names if s == site]
        for chunk in chunks(keys):
            query = select(tags.c.slug, tags.c.id).where(
                tags.c.site == site, tags.c.slug.in_(chunk)
            )
            found.update(((site, slug), id_) for slug, id_ in conn.execute(query))
    return {key: found[(key[0], slug)] for key, slug in slugs.items()}


def warc_file_ids(conn: Connection, run_id: int, paths: set[str]) -> dict[str, int]:
    """The ids of these WARC files, recording those the archive does not have yet for the run."""
    if not paths:
        return {}
    insert_many(
        conn, warc_files, ("run_id", "path"), [(run_id, path) for path in sorted(paths)],
        ignore_conflicts=True,
    )  # fmt: skip
    query = select(warc_files.c.path, warc_files.c.id).where(warc_files.c.path.in_(paths))
    return {path: id_ for path, id_ in conn.execute(query)}
