"""What an archive file holds, read without writing to it, so the browser adapts to its tables.

Datasette only serves SQLite, so this reads the file with the standard library's sqlite3,
read-only as Datasette will (`mode=ro`), rather than through the storage layer's engines; the
file is first looked at as every command looks at it (`storage.sqlite_file`).
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from newsarchive.storage.errors import BadArchive, DatabaseError
from newsarchive.storage.sqlite_file import check_file, read_only_uri
from newsarchive.views.browse.queries import TAG_LABELS_SQL

STORIES = "stories"

# `content='stories'` (any quoting) in a CREATE VIRTUAL TABLE ... USING fts4/fts5 statement.
_CONTENT_OPTION = re.compile(r"""content\s*=\s*['"\[`]?(?P<table>\w+)['"\]`]?""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ArchiveTables:
    """The tables and views of one archive file, its full-text index over stories, if any, and
    its tags as the timeline labels them (each keeps its colour in every view of it)."""

    names: frozenset[str]
    stories_fts: str | None
    tags: tuple[str, ...] = ()

    def has(self, *names: str) -> bool:
        return all(name in self.names for name in names)


def inspect_archive(path: Path) -> ArchiveTables:
    """The tables of the archive at `path`, opened read-only; raises DatabaseError for a missing
    file, BadArchive for one that is no readable archive."""
    if not path.exists():
        raise DatabaseError(f"no archive at {path}")
    check_file(path)
    try:
        with closing(sqlite3.connect(read_only_uri(path), uri=True)) as conn:
            rows = conn.execute(
                "select name, type, sql from sqlite_master where type in ('table', 'view')"
            ).fetchall()
            names = frozenset(name for name, _type, _sql in rows)
            tags = tuple(tag for (tag,) in conn.execute(TAG_LABELS_SQL)) if "tags" in names else ()
    except sqlite3.OperationalError as error:  # cannot open it (permissions, say)
        raise DatabaseError(f"cannot read {path}: {error}") from None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:  # its pages are damaged
        raise BadArchive(f"{path} is not a readable SQLite archive: {error}") from None
    if STORIES not in names:
        raise BadArchive(f"{path} is not a newsarchive archive (it has no {STORIES} table)")
    return ArchiveTables(names=names, stories_fts=_stories_fts(rows), tags=tags)


def _stories_fts(rows: list[tuple[str, str, str | None]]) -> str | None:
    """The FTS4/FTS5 table indexing `stories` (rowid = stories.id), if the archive has one.

    Found by its `content=stories` option, or, for an index that keeps its own copy of the
    text, by the name `stories_fts`.
    """
    candidates = []
    for name, _type, sql in rows:
        text = (sql or "").lower()
        if not text.startswith("create virtual table") or " using fts" not in text:
            continue
        content = _CONTENT_OPTION.search(sql or "")
        if content and content.group("table") == STORIES:
            return name
        if name == f"{STORIES}_fts":
            candidates.append(name)
    return candidates[0] if candidates else None
