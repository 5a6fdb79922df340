"""Feeds and sitemaps, the second witness: what a run fetched, the stories they listed, and the
fields they give a story whose listing left them out.

Recorded at the end of a run, once its listing pages are stored, so a feed entry meets the
stories the same run archived. A listing's own feed keeps every entry (with the feed's tag); a
sitemap, which may list a whole site, keeps the entries of stories the archive holds and those
whose keywords name a tag of the site.

The listing's values come first: a feed or sitemap fills `published_at` (with `date_source`
`feed` or `sitemap`) and `author` only where the story has none, and `modified_at`, which a
listing never shows, with the latest value it gave. Filling a gap is no change by the site, so
it keeps no version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select

from newsarchive.items import FeedFetch
from newsarchive.slugs import tag_slug
from newsarchive.status import FEED_READ
from newsarchive.storage import bulk
from newsarchive.storage.schema import feed_fetches, feed_sightings, stories, tags
from newsarchive.storage.write import _seen

SIGHTING_COLUMNS = (
    "fetch_id", "run_id", "url", "tag_id", "position", "seen_at", "title", "published_at",
    "modified_at", "author",
)  # fmt: skip
# Which witness's date a story takes when both have one: the listing's own feed first.
_PRECEDENCE = {"feed": 0, "sitemap": 1}


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What recording a run's feeds and sitemaps did."""

    sightings: int = 0
    dated: int = 0  # stories that got their publication date from a feed or sitemap


@dataclass(frozen=True, slots=True)
class Feeds:
    """The `feed_fetches` and `feed_sightings` of an archive."""

    engine: Engine

    def record(self, run_id: int, fetches: Sequence[FeedFetch]) -> FeedResult:
        """Store a run's feed and sitemap fetches and their sightings, then fill the fields
        the listings left out of the stories they date; one transaction."""
        if not fetches:
            return FeedResult()
        with self.engine.begin() as conn:
            tag_ids = bulk.tag_ids(conn, {(f.site, f.tag) for f in fetches if f.tag})
            site_tags = _site_tags(conn, {f.site for f in fetches if f.kind == "sitemap"})
            known = _known(conn, [e.url for f in fetches if f.kind == "sitemap" for e in f.entries])
            warc_ids = bulk.warc_file_ids(
                conn, run_id, {f.capture.warc_file for f in fetches if _recorded(f)}
            )
            rows = []
            for fetch in fetches:
                fetch_id = _insert_fetch(conn, run_id, fetch, tag_ids, warc_ids)
                if fetch.outcome not in FEED_READ:
                    continue
                seen = bulk.db_time(conn, _seen(fetch.fetched_at))
                own_tag = tag_ids.get((fetch.site, fetch.tag)) if fetch.tag else None
                for position, entry in enumerate(fetch.entries, start=1):
                    if fetch.kind == "feed":
                        entry_tags = [own_tag]
                    else:
                        named = {tag_slug(word) for word in entry.keywords}
                        entry_tags = [
                            t for slug, t in site_tags.get(fetch.site, ()) if slug in named
                        ]
                        if not entry_tags and entry.url in known:
                            entry_tags = [None]
                    rows += [
                        (
                            fetch_id, run_id, entry.url, tag_id, position, seen, entry.title,
                            entry.published_at, entry.modified_at, entry.author,
                        )
                        for tag_id in entry_tags
                    ]  # fmt: skip
            bulk.insert_many(conn, feed_sightings, SIGHTING_COLUMNS, rows)
            dated = _fill(conn, run_id, {row[2] for row in rows})
        return FeedResult(sightings=len(rows), dated=dated)


def _insert_fetch(
    conn: Connection,
    run_id: int,
    fetch: FeedFetch,
    tag_ids: dict[tuple[str, str], int],
    warc_ids: dict[str, int],
) -> int:
    recorded = _recorded(fetch)
    return conn.execute(
        feed_fetches.insert().values(
            run_id=run_id, kind=fetch.kind, url=fetch.url, site=fetch.site,
            start_url=fetch.start_url,
            tag_id=tag_ids.get((fetch.site, fetch.tag)) if fetch.tag else None,
            found_by=fetch.found_by, outcome=fetch.outcome, http_status=fetch.http_status,
            format=fetch.format, entries=len(fetch.entries), left_out=fetch.left_out,
            reason=fetch.reason,
            warc_file_id=warc_ids[fetch.capture.warc_file] if recorded else None,
            warc_offset=fetch.capture.offset if recorded else None,
        )
    ).inserted_primary_key[0]  # fmt: skip


def _fill(conn: Connection, run_id: int, seen_urls: set[str]) -> int:
    """Give the stories these URLs name, and those this run archived, the fields their listings
    left out, from their latest feed and sitemap sightings; returns how many got a date."""
    first_seen_now = select(stories.c.url).where(
        stories.c.first_run_id == run_id,
        stories.c.published_at.is_(None) | stories.c.author.is_(None),
    )
    urls = sorted(seen_urls | set(conn.execute(first_seen_now).scalars()))
    updates, dated = [], 0
    for chunk in bulk.chunks(urls):
        current = conn.execute(
            select(
                stories.c.id, stories.c.url, stories.c.published_at, stories.c.date_source,
                stories.c.author, stories.c.modified_at,
            ).where(stories.c.url.in_(chunk))
        ).all()  # fmt: skip
        if not current:
            continue
        witnessed = conn.execute(
            select(
                feed_sightings.c.url, feed_fetches.c.kind, feed_sightings.c.published_at,
                feed_sightings.c.author, feed_sightings.c.modified_at,
            )
            .select_from(feed_sightings.join(feed_fetches))
            .where(feed_sightings.c.url.in_([row.url for row in current]))
            .order_by(feed_sightings.c.seen_at.desc(), feed_sightings.c.id.desc())
        ).all()  # fmt: skip
        by_url: dict[str, list] = {}
        for sighting in witnessed:  # latest first, then the feed before a sitemap
            by_url.setdefault(sighting.url, []).append(sighting)
        for row in current:
            found = sorted(by_url.get(row.url, ()), key=lambda s: _PRECEDENCE[s.kind])
            values = _filled(row, found, by_url.get(row.url, ()))
            if values is not None:
                dated += row.published_at is None and values[0] is not None
                updates.append((*values, row.id))
    bulk.update_many(
        conn, stories, ("published_at", "date_source", "author", "modified_at"), updates
    )
    return dated


def _filled(row, by_precedence: Iterable, latest_first: Iterable) -> tuple | None:
    """The story's published_at, date_source, author and modified_at once filled from its
    sightings; None when nothing changes."""
    published, source, author, modified = (
        row.published_at, row.date_source, row.author, row.modified_at
    )  # fmt: skip
    for sighting in by_precedence:
        if published is None and sighting.published_at:
            published, source = sighting.published_at, sighting.kind
        if author is None and sighting.author:
            author = sighting.author
    modified = next((s.modified_at for s in latest_first if s.modified_at), modified)
    values = (published, source, author, modified)
    return (
        None
        if values == (row.published_at, row.date_source, row.author, row.modified_at)
        else values
    )


def _site_tags(conn: Connection, sites: set[str]) -> dict[str, list[tuple[str, int]]]:
    """Each site's tags as (slug, id): where a sitemap entry's keywords may point."""
    found: dict[str, list[tuple[str, int]]] = {}
    if sites:
        query = select(tags.c.site, tags.c.name, tags.c.id).where(tags.c.site.in_(sorted(sites)))
        for site, name, tag_id in conn.execute(query):
            found.setdefault(site, []).append((tag_slug(name), tag_id))
    return found


def _known(conn: Connection, urls: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in bulk.chunks(sorted(set(urls))):
        found.update(conn.execute(select(stories.c.url).where(stories.c.url.in_(chunk))).scalars())
    return found


def _recorded(fetch: FeedFetch) -> bool:
    return fetch.capture is not None and fetch.capture.offset is not None
