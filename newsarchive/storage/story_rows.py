"""Stories as the rows of a file: the lean read path exports stream.

An export of a million stories is mostly per-row work, so the database does what it can in
the one query: text for a spreadsheet gets its formula guard, text for JSON is quoted as JSON.
What it cannot write as Python would, a story's tags in order and its times in ISO 8601, comes
in few distinct values (a page's stories share their tags and the time they were seen): each
distinct value is written once, a chunk of rows a column at a time, by C loops (`zip`, `map`).

`story_query` also serves `StoryReader.iter_stories`, so a field reads the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    Text,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
)

from newsarchive.status import ArticleStatus
from newsarchive.storage.clauses import story_clauses
from newsarchive.storage.errors import UnreadableValue
from newsarchive.storage.schema import UTCDateTime, articles, stories, story_tags, tags
from newsarchive.storage.selection import Cells, StoryFilter, json_text

# Between a story's tag names as the database aggregates them; no tag name holds it.
_TAG_SEPARATOR = "\x1f"
# The columns that hold times, and those that hold numbers.
_TIMES = frozenset(
    column.name for column in stories.columns if isinstance(column.type, UTCDateTime)
) | {"article_fetched_at"}
_NUMBERS = frozenset(column.name for column in stories.columns if isinstance(column.type, Float))
# Fields read from the story's article row.
_ARTICLE = "article_"
# Distinct values remembered at most: the few of a chunk of rows, not the many of an archive.
_REMEMBERED = 10_000
# The code point of a value's first character, to compare with the characters of `quote_leading`.
_FIRST_CHARACTER: dict[str, Callable[[ColumnElement[Any]], ColumnElement[Any]]] = {
    "sqlite": func.unicode,
    "postgresql": func.ascii,
}
# A value as JSON text, exactly as `json_text` writes it (a test holds the two together).
_JSON_TEXT: dict[str, Callable[[ColumnElement[Any]], ColumnElement[Any]]] = {
    "sqlite": lambda column: func.json_quote(column, type_=Text),
    "postgresql": lambda column: func.coalesce(cast(func.to_json(column), Text), "null"),
}


def _postgresql_json_number(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """A float as JSON text as Python writes it: PostgreSQL writes 1.0 as `1`."""
    text = _JSON_TEXT["postgresql"](column)
    return case((column == func.trunc(column), text + literal(".0", Text)), else_=text)


_JSON_NUMBER: dict[str, Callable[[ColumnElement[Any]], ColumnElement[Any]]] = {
    "sqlite": _JSON_TEXT["sqlite"],
    "postgresql": _postgresql_json_number,
}


def story_query(
    dialect: str, fields: Sequence[str], where: StoryFilter | None, cells: Cells | None = None
) -> Select:
    """The stories matching `where`, in archive order, with a column per field: their values as
    stored (times as datetimes); with `cells`, their text as `cells` says, times as the
    database keeps them (`_time_writer` writes them).

    `tags` are the names joined with _TAG_SEPARATOR, in no particular order.
    """
    columns: list[ColumnElement[Any]] = []
    for name in fields:
        stored = _stored(name)
        if name == "tags":
            column = tag_names()
        elif name in _TIMES:
            column = type_coerce(stored, Text) if cells else stored
        elif cells and cells.json:
            json_of = _JSON_NUMBER if name in _NUMBERS else _JSON_TEXT
            column = json_of[dialect](stored)
        elif cells and cells.quote_leading and name not in _NUMBERS:
            column = _quoted(stored, _FIRST_CHARACTER[dialect], cells.quote_leading)
        else:
            column = stored
        columns.append(column.label(name))
    query = select(*columns)
    if any(name.startswith(_ARTICLE) for name in fields):
        query = query.select_from(stories.outerjoin(articles, articles.c.story_id == stories.c.id))
    return query.where(*story_clauses(where)).order_by(stories.c.id)


def _stored(name: str) -> ColumnElement[Any] | None:
    """The column a field reads: the story's own, or its article's (`article_<column>`); a
    story without an article row has article_status `not_fetched`."""
    if name == "article_status":
        return func.coalesce(articles.c.status, literal(ArticleStatus.NOT_FETCHED, Text))
    if name.startswith(_ARTICLE):
        return articles.c[name.removeprefix(_ARTICLE)]
    return stories.c.get(name)


def tag_names() -> ColumnElement[Any]:
    """A story's tag names joined with _TAG_SEPARATOR, in no particular order (`tag_list` reads
    them), for a query over `stories`."""
    return (
        select(func.aggregate_strings(tags.c.name, _TAG_SEPARATOR))
        .select_from(story_tags.join(tags))
        .where(story_tags.c.story_id == stories.c.id)
        .scalar_subquery()
    )


def stream(
    conn: Connection, fields: Sequence[str], where: StoryFilter | None, cells: Cells, chunk: int
) -> Iterator[list[tuple[Any, ...]]]:
    """The stories matching `where` a chunk of rows at a time, each row a tuple of `fields`
    written as `cells` says."""
    tag_texts = _Written(lambda names: cells.tags_text(tag_list(names)))
    time_texts = _Written(_time_writer(cells))
    made = {
        index: tag_texts if name == "tags" else time_texts
        for index, name in enumerate(fields)
        if name == "tags" or name in _TIMES
    }
    query = story_query(conn.dialect.name, fields, where, cells)
    # SQLite's driver steps through the rows as they are fetched; another needs a server-side
    # cursor to not load them all at once (on SQLite, SQLAlchemy's buffer would only add work).
    streaming = conn.dialect.name != "sqlite"
    result = conn.execution_options(stream_results=streaming).execute(query)
    for part in result.partitions(chunk):
        # Column by column: each a C loop over the chunk, rather than Python code per row.
        columns = list(zip(*part, strict=True))
        for index, written in made.items():
            columns[index] = map(written.__getitem__, columns[index])
        yield list(zip(*columns, strict=True))
        for written in (tag_texts, time_texts):
            if len(written) > _REMEMBERED:
                written.clear()


def tag_list(names: str | None) -> list[str]:
    """The names of an aggregated tags value, in order."""
    return sorted(names.split(_TAG_SEPARATOR)) if names else []


class _Written(dict):
    """The text of each distinct value, written on first use by `write`."""

    def __init__(self, write: Callable[[Any], Any]) -> None:
        super().__init__()
        self.write = write

    def __missing__(self, value: Any) -> Any:
        text = self[value] = self.write(value)
        return text


def _time_writer(cells: Cells) -> Callable[[str | datetime | None], Any]:
    """A stored UTC time as `datetime.isoformat()` writes it (in JSON, as JSON text)."""

    def iso(value: str | datetime | None) -> str | None:
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else value
            return moment.replace(tzinfo=UTC).isoformat()
        except (ValueError, TypeError, AttributeError):
            raise UnreadableValue(f"{value!r} is no date-time") from None

    return (lambda value: json_text(iso(value))) if cells.json else iso


def _quoted(
    column: ColumnElement[Any],
    first: Callable[[ColumnElement[Any]], ColumnElement[Any]],
    leading: tuple[str, ...],
) -> ColumnElement[Any]:
    """`column`, with an apostrophe before values whose first character is one of `leading`;
    most text starts with a letter, past the code points of `leading`, and is decided at once."""
    codes = [ord(character) for character in leading]
    starts = (first(column) <= max(codes)) & first(column).in_(codes)
    return case((starts, literal("'", Text) + column), else_=column)
