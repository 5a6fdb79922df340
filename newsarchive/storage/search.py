"""Full-text search over headline, teaser and article text: SQLite FTS5, PostgreSQL full-text
search.

Stories and their articles have an index each; a story matches when all the query's words are
in its headline and teaser, or all in its article's title and text (the article repeats what
the listing said). Article rows are few and written one fetch at a time, so triggers index them.

A query is read in one place for both databases (`parse`): words and "phrases" must all match,
`OR` between two of them takes either, `word*` is a prefix; every other character is text, so
`covid-19`, `e-mail`, `U.S.`, `Perú's` or `C++` are searched as people mean them, never read
as operators. `raw` queries go to the database's own syntax unchanged (FTS5 query syntax,
PostgreSQL's web-search syntax).

In PostgreSQL an expression index follows the stories table by itself. In SQLite, triggers
keep the FTS5 index in step with changed and deleted stories, while new stories are indexed by
the storage layer's one write path in the same transaction, with one INSERT ... SELECT per batch:
ten times faster than a trigger firing for every row.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass

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

from newsarchive.storage.errors import SearchSyntaxError
from newsarchive.storage.schema import articles, stories
from newsarchive.storage.story_rows import tag_names

logger = logging.getLogger(__name__)

# Matched words come back between these private-use characters, which no headline holds, and
# leave as spans over the plain text (`spans`).
MARK_START, MARK_END, ELLIPSIS = "\ue000", "\ue001", "…"
SNIPPET_WORDS = 24
# A "phrase" (its closing quote may be missing), or a run of anything but spaces.
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?(?P<star>\*?)|(?P<word>\S+)')

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


@dataclass(frozen=True, slots=True)
class Term:
    """Words that must appear together (one word, or a phrase); `prefix`: the last may go on."""

    text: str
    prefix: bool = False


# A plain query: every group must match, any term of a group will do.
Query = list[list[Term]]


def parse(query: str) -> Query:
    """A plain query as groups of terms; raises SearchSyntaxError when it has no word at all."""
    groups: Query = []
    joining = False
    for token in _TOKEN.finditer(query):
        word = token["word"]
        if word == "OR" and groups:
            joining = True
            continue
        if word is not None:
            text, prefix = (
                (word[:-1], True) if len(word) > 1 and word.endswith("*") else (word, False)
            )
        else:
            text, prefix = token["phrase"], bool(token["star"])
        if not any(character.isalnum() for character in text):
            continue
        if joining:
            groups[-1].append(Term(text, prefix))
        else:
            groups.append([Term(text, prefix)])
        joining = False
    if not groups:
        raise SearchSyntaxError(f"no word to search for in {query!r}")
    return groups


def fts5_query(query: Query) -> str:
    """The query in FTS5 syntax: each term a quoted string, so its characters stay text."""

    def term(t: Term) -> str:
        return '"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "")

    return " ".join(
        term(group[0]) if len(group) == 1 else "(" + " OR ".join(map(term, group)) + ")"
        for group in query
    )


def tsquery(query: Query) -> str:
    """The query as PostgreSQL `to_tsquery` text: each term quoted, read by the same parser as
    the stories (a phrase becomes `<->`)."""

    def term(t: Term) -> str:
        quoted = "'" + t.text.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + (":*" if t.prefix else "")

    return " & ".join(
        term(group[0]) if len(group) == 1 else "( " + " | ".join(map(term, group)) + " )"
        for group in query
    )


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


@dataclass(frozen=True, slots=True)
class Search:
    """One search, as each database runs it: `query` as typed, plain unless `raw`."""

    dialect: str
    query: str
    raw: bool = False

    def expression(self) -> str:
        """What the database matches: FTS5 query text, or `to_tsquery` text on PostgreSQL."""
        if self.raw:
            if self.dialect == "sqlite" and (problem := sqlite_syntax_error(self.query)):
                raise SearchSyntaxError(problem)
            return self.query
        parsed = parse(self.query)
        return tsquery(parsed) if self.dialect == "postgresql" else fts5_query(parsed)

    def hits(self, where: list[ColumnElement[bool]], limit: int) -> Select:
        """The matching stories, best first: url, site, published_at, tags, score (higher is
        better), and headline, teaser and snippet with the matched words between marks. A story
        whose headline and teaser do not match but whose article does shows its headline and
        teaser as they are and a snippet of the article."""
        found = union_all(*self._parts(where)).subquery("found")
        return select(found).order_by(found.c.score.desc(), found.c.url).limit(limit)

    def total(self, where: list[ColumnElement[bool]]) -> Select:
        """How many stories match."""
        found = union_all(*self._parts(where)).subquery("found")
        return select(func.count()).select_from(found)

    def _parts(self, where: list[ColumnElement[bool]]) -> tuple[Select, Select]:
        """The stories whose own text matches, and those whose article alone does."""
        if self.dialect == "postgresql":
            return self._postgresql(where)
        return self._sqlite(where)

    def _sqlite(self, where: list[ColumnElement[bool]]) -> tuple[Select, Select]:
        expression = literal(self.expression())
        fts, name = (
            table("stories_fts", column("rowid"), column("rank")),
            literal_column("stories_fts"),
        )
        article_fts = table("articles_fts", column("rowid"), column("rank"))
        article_name = literal_column("articles_fts")
        by_story = (
            _hit(
                -fts.c.rank,
                func.highlight(name, 0, MARK_START, MARK_END),
                func.highlight(name, 1, MARK_START, MARK_END),
                func.snippet(name, 1, MARK_START, MARK_END, ELLIPSIS, SNIPPET_WORDS),
            )
            .select_from(fts.join(stories, stories.c.id == fts.c.rowid))
            .where(name.op("MATCH")(expression), *where)
        )
        story_matches = select(fts.c.rowid).where(name.op("MATCH")(expression))
        by_article = (
            _hit(
                -article_fts.c.rank,
                stories.c.headline,
                stories.c.teaser,
                func.snippet(article_name, 1, MARK_START, MARK_END, ELLIPSIS, SNIPPET_WORDS),
            )
            .select_from(article_fts.join(stories, stories.c.id == article_fts.c.rowid))
            .where(article_name.op("MATCH")(expression), stories.c.id.not_in(story_matches), *where)
        )
        return by_story, by_article

    def _postgresql(self, where: list[ColumnElement[bool]]) -> tuple[Select, Select]:
        config = literal_column(f"'{POSTGRESQL_CONFIG}'::regconfig")
        document = func.to_tsvector(
            config,
            func.coalesce(stories.c.headline, "") + " " + func.coalesce(stories.c.teaser, ""),
        )
        article_document = func.to_tsvector(
            config, func.coalesce(articles.c.title, "") + " " + func.coalesce(articles.c.text, "")
        )
        parse_query = func.websearch_to_tsquery if self.raw else func.to_tsquery
        wanted = parse_query(config, self.expression())
        marks = f"StartSel={MARK_START}, StopSel={MARK_END}, FragmentDelimiter={ELLIPSIS}"
        snippet = f"{marks}, MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}"
        whole = marks + ", HighlightAll=true"
        by_story = _hit(
            func.ts_rank(document, wanted),
            func.ts_headline(config, stories.c.headline, wanted, whole),
            func.ts_headline(config, stories.c.teaser, wanted, whole),
            func.ts_headline(config, func.coalesce(stories.c.teaser, ""), wanted, snippet),
        ).where(document.op("@@")(wanted), *where)
        by_article = (
            _hit(
                func.ts_rank(article_document, wanted),
                stories.c.headline,
                stories.c.teaser,
                func.ts_headline(config, func.coalesce(articles.c.text, ""), wanted, snippet),
            )
            .select_from(articles.join(stories, stories.c.id == articles.c.story_id))
            .where(
                article_document.op("@@")(wanted),
                ~document.op("@@", is_comparison=True)(wanted),
                *where,
            )
        )
        return by_story, by_article


def _hit(
    score: ColumnElement, headline: ColumnElement, teaser: ColumnElement, snippet: ColumnElement
) -> Select:
    """The columns of a search hit, whichever index found it: the story's own, and these."""
    return select(
        stories.c.url,
        stories.c.site,
        stories.c.published_at,
        tag_names().label("tags"),
        score.label("score"),
        headline.label("headline"),
        teaser.label("teaser"),
        snippet.label("snippet"),
    )


def spans(marked: str | None) -> tuple[str | None, list[tuple[int, int]]]:
    """Text with matches between MARK_START and MARK_END as the plain text and the [start, end)
    character offsets of each match in it."""
    if marked is None:
        return None, []
    plain: list[str] = []
    found: list[tuple[int, int]] = []
    length = 0
    start = 0
    for piece in re.split(f"([{MARK_START}{MARK_END}])", marked):
        if piece == MARK_START:
            start = length
        elif piece == MARK_END:
            if length > start:
                found.append((start, length))
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), found


def marked(text: str | None, matches: list[tuple[int, int]], start: str, end: str) -> str:
    """`text` with `start` and `end` around each match (spans as `spans` gives them)."""
    if not text:
        return text or ""
    pieces, at = [], 0
    for begin, finish in matches:
        pieces += [text[at:begin], start, text[begin:finish], end]
        at = finish
    return "".join(pieces) + text[at:]
