"""Full-text search over headline and teaser: SQLite FTS5, PostgreSQL full-text search.

In PostgreSQL an expression index follows the stories table by itself. In SQLite, triggers
keep the FTS5 index in step with changed and deleted stories, while new stories are indexed by
the storage layer's one write path in the same transaction, with one INSERT ... SELECT per batch:
ten times faster than a trigger firing for every row.
"""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.exc import DBAPIError

from newsarchive.storage.schema import stories

logger = logging.getLogger(__name__)

MARK_START, MARK_END, ELLIPSIS = "[", "]", "…"
SNIPPET_WORDS = 24

SQLITE_DDL = (
    # unicode61 with remove_diacritics: "Peru" finds "Perú", as Spanish readers expect.
    "CREATE VIRTUAL TABLE stories_fts USING fts5(headline, teaser, content='stories', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN "
    "INSERT INTO stories_fts(stories_fts, rowid, headline, teaser) "
    "VALUES ('delete', old.id, old.headline, old.teaser); END",
    # Every sighting updates last_seen_at; only a changed text touches the index.
    "CREATE TRIGGER stories_fts_update AFTER UPDATE OF headline, teaser ON stories "
    "WHEN old.headline IS NOT new.headline OR old.teaser IS NOT new.teaser BEGIN "
    "INSERT INTO stories_fts(stories_fts, rowid, headline, teaser) "
    "VALUES ('delete', old.id, old.headline, old.teaser); "
    "INSERT INTO stories_fts(rowid, headline, teaser) VALUES (new.id, new.headline, new.teaser); "
    "END",
)
# PostgreSQL: the `simple` configuration (no stemming, any language) that also folds accents
# through the unaccent extension, as FTS5's remove_diacritics does; without the extension (a
# server that lacks it or a role that may not create it), plain `simple`.
POSTGRESQL_CONFIG = "newsarchive_search"
POSTGRESQL_DDL = (
    f"CREATE INDEX ix_stories_search ON stories USING gin (to_tsvector('{POSTGRESQL_CONFIG}', "
    "coalesce(headline, '') || ' ' || coalesce(teaser, '')))",
)


def create_postgresql_config(conn: Connection) -> None:
    """Create the text search configuration the PostgreSQL index and queries use."""
    conn.exec_driver_sql(f"CREATE TEXT SEARCH CONFIGURATION {POSTGRESQL_CONFIG} (COPY = simple)")
    try:
        with conn.begin_nested():
            # An extension lives in one schema of the database: in `public`, where archives in
            # other schemas find it too, unless it was installed elsewhere before.
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
            home = conn.exec_driver_sql(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                "ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
            ).scalar()
            conn.exec_driver_sql(
                f"ALTER TEXT SEARCH CONFIGURATION {POSTGRESQL_CONFIG} "
                f'ALTER MAPPING FOR hword, hword_part, word WITH "{home}".unaccent, simple'
            )
    except DBAPIError:
        logger.warning("PostgreSQL's unaccent extension is not available: search keeps accents")


def index_new_stories(conn: Connection, after_id: int) -> None:
    """Add the stories with an id above `after_id` to SQLite's index (PostgreSQL needs nothing)."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "INSERT INTO stories_fts(rowid, headline, teaser) "
                "SELECT id, headline, teaser FROM stories WHERE id > :after"
            ),
            {"after": after_id},
        )


def create_index(conn: Connection) -> None:
    """Create the search index of a new archive (migrations create it for older ones)."""
    ddl = SQLITE_DDL
    if conn.dialect.name == "postgresql":
        create_postgresql_config(conn)
        ddl = POSTGRESQL_DDL
    for statement in ddl:
        conn.execute(text(statement))


def sqlite_syntax_error(query: str) -> str | None:
    """Why FTS5 cannot parse `query`, tried on an empty in-memory index; None when it can.

    Checked apart from the archive so a malformed query never looks like a database failure.
    """
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(headline, teaser)")
        probe.execute("SELECT * FROM probe WHERE probe MATCH ?", (query,)).fetchall()
    except sqlite3.OperationalError as error:
        return str(error).removeprefix("fts5: ")
    finally:
        probe.close()
    return None


def search_query(dialect: str, query: str, where: list[ColumnElement[bool]], limit: int) -> Select:
    """Stories matching `query`, best first: url, site, published_at, headline and snippet
    with the matched words between MARK_START and MARK_END."""
    if dialect == "postgresql":
        return _postgresql(query, where, limit)
    return _sqlite(query, where, limit)


def _sqlite(query: str, where: list[ColumnElement[bool]], limit: int) -> Select:
    fts = table("stories_fts", column("rowid"), column("rank"))
    name = literal_column("stories_fts")
    return (
        select(
            stories.c.url,
            stories.c.site,
            stories.c.published_at,
            func.highlight(name, 0, MARK_START, MARK_END).label("headline"),
            func.snippet(name, 1, MARK_START, MARK_END, ELLIPSIS, SNIPPET_WORDS).label("snippet"),
        )
        .select_from(fts.join(stories, stories.c.id == fts.c.rowid))
        .where(name.op("MATCH")(literal(query)), *where)
        .order_by(fts.c.rank)
        .limit(limit)
    )


def _postgresql(query: str, where: list[ColumnElement[bool]], limit: int) -> Select:
    config = literal_column(f"'{POSTGRESQL_CONFIG}'::regconfig")
    document = func.to_tsvector(
        config, func.coalesce(stories.c.headline, "") + " " + func.coalesce(stories.c.teaser, "")
    )
    wanted = func.websearch_to_tsquery(config, query)
    marks = f"StartSel={MARK_START}, StopSel={MARK_END}, FragmentDelimiter={ELLIPSIS}"
    return (
        select(
            stories.c.url,
            stories.c.site,
            stories.c.published_at,
            func.ts_headline(
                config, stories.c.headline, wanted, marks + ", HighlightAll=true"
            ).label("headline"),
            func.ts_headline(
                config,
                func.coalesce(stories.c.teaser, ""),
                wanted,
                f"{marks}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}",
            ).label("snippet"),
        )
        .where(document.op("@@")(wanted), *where)
        .order_by(func.ts_rank(document, wanted).desc())
        .limit(limit)
    )
