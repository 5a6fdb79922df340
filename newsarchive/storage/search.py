"""Full-text search over headline, teaser and article text: SQLite FTS5, PostgreSQL full-text
search.

Stories and their articles have an index each; a story matches when all the query's words are
in its headline and teaser, or all in its article's title and text (the article repeats what
the listing said). Article rows are few and written one fetch at a time, so triggers index them.

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
    union_all,
)
from sqlalchemy.exc import DBAPIError

from newsarchive.storage.schema import articles, stories

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
ARTICLES_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
    "content_rowid='story_id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.story_id, new.title, new.text); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.story_id, old.title, old.text); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF story_id, title, text ON articles "
    "WHEN old.story_id IS NOT new.story_id OR old.title IS NOT new.title "
    "OR old.text IS NOT new.text BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.story_id, old.title, old.text); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.story_id, new.title, new.text); "
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
ARTICLES_POSTGRESQL_DDL = (
    f"CREATE INDEX ix_articles_search ON articles USING gin (to_tsvector('{POSTGRESQL_CONFIG}', "
    "coalesce(title, '') || ' ' || coalesce(text, '')))",
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
    create_article_index(conn)


def create_article_index(conn: Connection) -> None:
    """Create the search index of article text (revision 0010 adds it to older archives)."""
    postgresql = conn.dialect.name == "postgresql"
    for statement in ARTICLES_POSTGRESQL_DDL if postgresql else ARTICLES_SQLITE_DDL:
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
    with the matched words between MARK_START and MARK_END. A story whose headline and teaser
    do not match but whose article does shows its headline and a snippet of the article."""
    parts = _postgresql(query, where) if dialect == "postgresql" else _sqlite(query, where)
    found = union_all(*parts).subquery("found")
    return (
        select(found.c.url, found.c.site, found.c.published_at, found.c.headline, found.c.snippet)
        .order_by(found.c.rank)
        .limit(limit)
    )


def _sqlite(query: str, where: list[ColumnElement[bool]]) -> tuple[Select, Select]:
    fts = table("stories_fts", column("rowid"), column("rank"))
    name = literal_column("stories_fts")
    article_fts = table("articles_fts", column("rowid"), column("rank"))
    article_name = literal_column("articles_fts")
    by_story = (
        select(
            stories.c.url,
            stories.c.site,
            stories.c.published_at,
            func.highlight(name, 0, MARK_START, MARK_END).label("headline"),
            func.snippet(name, 1, MARK_START, MARK_END, ELLIPSIS, SNIPPET_WORDS).label("snippet"),
            fts.c.rank.label("rank"),
        )
        .select_from(fts.join(stories, stories.c.id == fts.c.rowid))
        .where(name.op("MATCH")(literal(query)), *where)
    )
    story_matches = select(fts.c.rowid).where(name.op("MATCH")(literal(query)))
    by_article = (
        select(
            stories.c.url,
            stories.c.site,
            stories.c.published_at,
            stories.c.headline,
            func.snippet(article_name, 1, MARK_START, MARK_END, ELLIPSIS, SNIPPET_WORDS).label(
                "snippet"
            ),
            article_fts.c.rank.label("rank"),
        )
        .select_from(article_fts.join(stories, stories.c.id == article_fts.c.rowid))
        .where(article_name.op("MATCH")(literal(query)), stories.c.id.not_in(story_matches), *where)
    )
    return by_story, by_article


def _postgresql(query: str, where: list[ColumnElement[bool]]) -> tuple[Select, Select]:
    config = literal_column(f"'{POSTGRESQL_CONFIG}'::regconfig")
    document = func.to_tsvector(
        config, func.coalesce(stories.c.headline, "") + " " + func.coalesce(stories.c.teaser, "")
    )
    article_document = func.to_tsvector(
        config, func.coalesce(articles.c.title, "") + " " + func.coalesce(articles.c.text, "")
    )
    wanted = func.websearch_to_tsquery(config, query)
    marks = f"StartSel={MARK_START}, StopSel={MARK_END}, FragmentDelimiter={ELLIPSIS}"
    snippet = f"{marks}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}"
    by_story = select(
        stories.c.url,
        stories.c.site,
        stories.c.published_at,
        func.ts_headline(config, stories.c.headline, wanted, marks + ", HighlightAll=true").label(
            "headline"
        ),
        func.ts_headline(config, func.coalesce(stories.c.teaser, ""), wanted, snippet).label(
            "snippet"
        ),
        (-func.ts_rank(document, wanted)).label("rank"),
    ).where(document.op("@@")(wanted), *where)
    by_article = (
        select(
            stories.c.url,
            stories.c.site,
            stories.c.published_at,
            stories.c.headline,
            func.ts_headline(config, func.coalesce(articles.c.text, ""), wanted, snippet).label(
                "snippet"
            ),
            (-func.ts_rank(article_document, wanted)).label("rank"),
        )
        .select_from(articles.join(stories, stories.c.id == articles.c.story_id))
        .where(
            article_document.op("@@")(wanted),
            ~document.op("@@", is_comparison=True)(wanted),
            *where,
        )
    )
    return by_story, by_article
