"""Reading stories: counts, search, a story's history, and the lean rows exports stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.orm import aliased

from newsarchive.status import WalkMode
from newsarchive.storage import bulk, search
from newsarchive.storage.aliases import aliases_of
from newsarchive.storage.clauses import story_clauses
from newsarchive.storage.columns import FIELDS
from newsarchive.storage.history import Timeline, timeline
from newsarchive.storage.schema import (
    archived_captures,
    article_versions,
    articles,
    crawl_runs,
    listing_walks,
    sightings,
    stories,
    story_aliases,
    story_tags,
    story_versions,
    tags,
    warc_files,
    warc_records,
)
from newsarchive.storage.selection import Cells, StoryFilter
from newsarchive.storage.story_rows import story_query, stream, tag_list


@dataclass(frozen=True, slots=True)
class StoryReader:
    """The stories of an archive, read in one consistent snapshot per call."""

    engine: Engine

    def count(self, where: StoryFilter | None = None) -> int:
        query = select(func.count()).select_from(stories).where(*story_clauses(where))
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def known_urls(self, urls: Iterable[str], tag: tuple[str, str] | None = None) -> set[str]:
        """Which of these canonical story URLs the archive holds (under the (site, name) `tag`,
        when given: a story archived under another tag is not yet known under this one).
        One indexed query per 500."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in bulk.chunks(list(dict.fromkeys(urls))):
                # A URL that is another story's alias stands for that story.
                aliases = aliases_of(conn, chunk)
                query = select(stories.c.url).where(
                    stories.c.url.in_([aliases.get(url, url) for url in chunk])
                )
                if tag is not None:
                    under_tag = (
                        select(story_tags.c.story_id)
                        .join(tags)
                        .where(tags.c.site == tag[0], tags.c.name == tag[1])
                    )
                    query = query.where(stories.c.id.in_(under_tag))
                stored = set(conn.execute(query).scalars())
                found.update(url for url in chunk if aliases.get(url, url) in stored)
        return found

    def iter_stories(
        self, where: StoryFilter | None = None, *, batch_size: int = 1000
    ) -> Iterator[dict[str, Any]]:
        """Every story (matching `where`) as a dict of every export field, in archive order, in
        constant memory: times as aware datetimes, tags a sorted list."""
        query = story_query(self.engine.dialect.name, tuple(FIELDS), where)
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(
                query
            )
            for row in result:
                record = row._asdict()
                record["tags"] = tag_list(record["tags"])
                yield record

    def rows(
        self,
        fields: Sequence[str],
        where: StoryFilter | None = None,
        cells: Cells | None = None,
        *,
        chunk: int = 1000,
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Stories (matching `where`) as chunks of rows of `fields`, in archive order, in constant
        memory, their values written as `cells` says (default: plain text, tags a tuple): the
        lean path exports stream. Times are written in ISO 8601 with their offset."""
        with self.engine.connect() as conn:
            yield from stream(conn, fields, where, cells or Cells(), chunk)

    def search(
        self, query: str, where: StoryFilter | None = None, *, limit: int = 20, raw: bool = False
    ) -> list[dict[str, Any]]:
        """Stories whose headline or teaser match `query`, best first (see `search.parse`; `raw`
        passes the database's own syntax): url, site, published_at, tags, score (higher is
        better), headline, teaser and snippet as plain text, and `matches`, the [start, end)
        character spans of the matched words in each of those three."""
        found = search.Search(self.engine.dialect.name, query, raw)
        statement = found.hits(story_clauses(where), limit)
        with self.engine.connect() as conn:
            rows = conn.execute(statement).all()
        hits = []
        for row in rows:
            hit = row._asdict()
            hit["tags"] = tag_list(hit["tags"])
            hit["matches"] = {}
            for name in ("headline", "teaser", "snippet"):
                hit[name], hit["matches"][name] = search.spans(hit[name])
            hit["snippet"] = hit["snippet"] or None
            hits.append(hit)
        return hits

    def search_total(
        self, query: str, where: StoryFilter | None = None, *, raw: bool = False
    ) -> int:
        """How many stories `search` would find without a limit."""
        found = search.Search(self.engine.dialect.name, query, raw)
        with self.engine.connect() as conn:
            return conn.execute(found.total(story_clauses(where))).scalar_one()

    def story(self, url: str) -> dict[str, Any] | None:
        """The stored row of the story with this canonical URL (or an alias of it), or None."""
        with self.engine.connect() as conn:
            url = aliases_of(conn, [url]).get(url, url)
            row = conn.execute(select(stories).where(stories.c.url == url)).first()
        return row._asdict() if row else None

    def article(self, story_id: int) -> dict[str, Any] | None:
        """The story's article as last fetched, with its WARC file; None if never fetched."""
        query = (
            select(articles, warc_files.c.path.label("warc_file"))
            .select_from(articles.outerjoin(warc_files))
            .where(articles.c.story_id == story_id)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return row._asdict() if row else None

    def article_versions(self, story_id: int) -> list[dict[str, Any]]:
        """What each fetch of the story's article found changed, oldest first."""
        query = (
            select(article_versions, warc_files.c.path.label("warc_file"))
            .select_from(article_versions.outerjoin(warc_files))
            .where(article_versions.c.story_id == story_id)
            .order_by(article_versions.c.fetched_at, article_versions.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def aliases(self, story_id: int) -> list[str]:
        """The story's other URLs (see storage/aliases.py)."""
        query = select(story_aliases.c.url).where(story_aliases.c.story_id == story_id)
        with self.engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

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
        """Every sighting of a story, oldest first, with its tag and WARC record: for a revisit
        record, also the response record holding the bytes; for a web archive's capture (a
        backfill), where it was replayed from."""
        record, original = aliased(warc_records), aliased(warc_records)
        original_file = aliased(warc_files)
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
                sightings.c.warc_file_id,
                warc_files.c.path.label("warc_file"),
                sightings.c.warc_offset,
                record.c.kind.label("warc_record"),
                original_file.c.path.label("original_warc_file"),
                original.c.warc_offset.label("original_warc_offset"),
                archived_captures.c.replay_url,
            )
            .select_from(
                sightings.outerjoin(tags)
                .outerjoin(warc_files)
                .outerjoin(
                    record,
                    and_(
                        record.c.warc_file_id == sightings.c.warc_file_id,
                        record.c.warc_offset == sightings.c.warc_offset,
                    ),
                )
                .outerjoin(original, original.c.id == record.c.original_id)
                .outerjoin(original_file, original_file.c.id == original.c.warc_file_id)
                .outerjoin(archived_captures)
            )
            .where(sightings.c.story_id == story_id)
            .order_by(sightings.c.seen_at, sightings.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]

    def tag_walks(self, tag_ids: Iterable[int]) -> list[dict[str, Any]]:
        """The runs that walked each of these tags' live pages, oldest first: tag_id, run_id,
        started_at."""
        query = (
            select(listing_walks.c.tag_id, crawl_runs.c.id.label("run_id"), crawl_runs.c.started_at)
            .select_from(listing_walks.join(crawl_runs))
            .where(
                listing_walks.c.tag_id.in_(list(tag_ids)),
                listing_walks.c.pages > 0,
                listing_walks.c.mode != WalkMode.BACKFILL,  # the live pages' walks
            )
            .order_by(crawl_runs.c.started_at, crawl_runs.c.id)
        )
        with self.engine.connect() as conn:
            return [row._asdict() for row in conn.execute(query)]
