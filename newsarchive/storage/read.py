"""Reading stories: counts, search, a story's history, and the lean rows exports stream.

Every story query is built by `_stories_query` from the field names of the column catalogue,
so a field reads the same in `iter_stories` (Python values) and in `rows` (text, for exports).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, Text, case, func, literal, select

from newsarchive.storage import rows as bulk
from newsarchive.storage import search
from newsarchive.storage.clauses import story_clauses
from newsarchive.storage.columns import FIELDS
from newsarchive.storage.errors import SearchSyntaxError
from newsarchive.storage.filters import StoryFilter
from newsarchive.storage.history import Timeline, timeline
from newsarchive.storage.schema import (
    UTCDateTime,
    crawl_runs,
    listing_walks,
    sightings,
    stories,
    story_tags,
    story_versions,
    tags,
    warc_files,
)

# Between a story's tag names as the database aggregates them; no tag name holds it.
_TAG_SEPARATOR = "\x1f"
# How `datetime.isoformat()` writes a UTC time, from each database's own text of it.
_ISO_TEXT = {
    # SQLAlchemy keeps SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff'.
    "sqlite": lambda column: func.replace(column, " ", "T"),
    "postgresql": lambda column: func.to_char(column, 'YYYY-MM-DD"T"HH24:MI:SS.US'),
}


class StoryReader:
    """The stories of an archive, read in one consistent snapshot per call."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(self, where: StoryFilter | None = None) -> int:
        query = select(func.count()).select_from(stories).where(*story_clauses(where))
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these canonical story URLs the archive holds: one indexed query per 500."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in bulk.chunks(list(dict.fromkeys(urls))):
                query = select(stories.c.url).where(stories.c.url.in_(chunk))
                found.update(conn.execute(query).scalars())
        return found

    def iter_stories(
        self, where: StoryFilter | None = None, *, batch_size: int = 1000
    ) -> Iterator[dict[str, Any]]:
        """Every story (matching `where`) as a dict of every export field, in archive order, in
        constant memory: times as aware datetimes, tags a sorted list."""
        query = self._stories_query(tuple(FIELDS), where, as_text=False)
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
                query
            )
            for row in result:
                record = row._asdict()
                record["tags"] = _tag_list(record["tags"])
                yield record

    def rows(
        self,
        fields: Sequence[str],
        where: StoryFilter | None = None,
        *,
        join_tags: str | None = None,
        quote_leading: tuple[str, ...] = (),
        chunk: int = 1000,
    ) -> Iterator[list[Sequence[Any]]]:
        """Stories (matching `where`) as chunks of rows of `fields`, in archive order, in constant
        memory: the lean path exports stream, with as little Python per row as can be.

        Values are text (or None) as a file shows them: times in ISO 8601 with their offset,
        `tags` a sorted list, or one string joined with `join_tags`. Text that starts with one of
        `quote_leading` gets a leading apostrophe, so a spreadsheet shows it as text instead of
        running it as a formula.
        """
        query = self._stories_query(fields, where, as_text=True, quote_leading=quote_leading)
        at = fields.index("tags") if "tags" in fields else None
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True).execute(query)
            for part in result.partitions(chunk):
                if at is None:
                    yield part
                elif join_tags is None:
                    yield [(*row[:at], _tag_list(row[at]), *row[at + 1 :]) for row in part]
                else:
                    yield [
                        (*row[:at], _joined(row[at], join_tags, quote_leading), *row[at + 1 :])
                        for row in part
                    ]

    def search(
        self, query: str, where: StoryFilter | None = None, *, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Stories whose headline or teaser match `query`, best first, with marked snippets."""
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            problem = search.sqlite_syntax_error(query)
            if problem:
                raise SearchSyntaxError(problem)
        statement = search.search_query(dialect, query, story_clauses(where), limit)
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(statement)]

    def story(self, url: str) -> dict[str, Any] | None:
        """The stored row of the story with this canonical URL, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(stories).where(stories.c.url == url)).first()
        return row._asdict() if row else None

    def timeline(self, url: str) -> Timeline | None:
        """The history of the story at `url` (any form of it), or None if it is not archived."""
        return timeline(self, url)

    def versions(self, story_id: int) -> list[dict[str, Any]]:
        """Earlier values of a story, oldest first."""
        query = (
            select(story_versions)
            .where(story_versions.c.story_id == story_id)
            .order_by(story_versions.c.replaced_at, story_versions.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def sightings(self, story_id: int) -> list[dict[str, Any]]:
        """Every sighting of a story, oldest first, with its tag and WARC record."""
        query = (
            select(
                sightings.c.run_id,
                sightings.c.seen_at,
                sightings.c.listing_url,
                sightings.c.page_number,
                sightings.c.position,
                sightings.c.tag_id,
                tags.c.name.label("tag"),
                tags.c.site.label("tag_site"),
                warc_files.c.path.label("warc_file"),
                sightings.c.warc_offset,
            )
            .select_from(sightings.outerjoin(tags).outerjoin(warc_files))
            .where(sightings.c.story_id == story_id)
            .order_by(sightings.c.seen_at, sightings.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def tag_walks(self, tag_ids: Iterable[int]) -> list[dict[str, Any]]:
        """The runs that walked each of these tags, oldest first: tag_id, run_id, started_at."""
        query = (
            select(listing_walks.c.tag_id, crawl_runs.c.id.label("run_id"), crawl_runs.c.started_at)
            .select_from(listing_walks.join(crawl_runs))
            .where(listing_walks.c.tag_id.in_(list(tag_ids)), listing_walks.c.pages > 0)
            .order_by(crawl_runs.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def _stories_query(
        self,
        fields: Sequence[str],
        where: StoryFilter | None,
        *,
        as_text: bool,
        quote_leading: tuple[str, ...] = (),
    ) -> Select:
        """The stories matching `where`, in archive order, with a column per field.

        `tags` are the names joined with _TAG_SEPARATOR, in no particular order; with `as_text`
        the times are ISO 8601 text, and `quote_leading` applies to the other text columns.
        """
        iso_text = _ISO_TEXT[self.engine.dialect.name]
        columns: list[ColumnElement[Any]] = []
        for name in fields:
            if name == "tags":
                column = (
                    select(func.aggregate_strings(tags.c.name, _TAG_SEPARATOR))
                    .select_from(story_tags.join(tags))
                    .where(story_tags.c.story_id == stories.c.id)
                    .scalar_subquery()
                )
            elif isinstance(stories.c[name].type, UTCDateTime):
                column = stories.c[name]
                if as_text:  # times look like 2024-08-01T05:17:02+00:00: never a formula
                    text = func.replace(iso_text(column), ".000000", "", type_=Text)
                    column = text.concat("+00:00")
            else:
                column = _quoted(stories.c[name], quote_leading)
            columns.append(column.label(name))
        return select(*columns).where(*story_clauses(where)).order_by(stories.c.id)


def _quoted(column: ColumnElement[Any], leading: tuple[str, ...]) -> ColumnElement[Any]:
    """`column`, with an apostrophe before values that start with one of `leading`."""
    if not leading:
        return column
    return case((func.substr(column, 1, 1).in_(leading), literal("'", Text) + column), else_=column)


def _tag_list(names: str | None) -> list[str]:
    return sorted(names.split(_TAG_SEPARATOR)) if names else []


def _joined(names: str | None, separator: str, quote_leading: tuple[str, ...]) -> str | None:
    if names is None:
        return None
    if _TAG_SEPARATOR in names:
        names = separator.join(sorted(names.split(_TAG_SEPARATOR)))
    return "'" + names if quote_leading and names.startswith(quote_leading) else names
