"""Coverage per start URL: how complete the archive of each listing is, and what its feed and
the site's sitemaps say the listing did not show (or showed alone).

Every figure is a query over walks and sightings: `walk_complete` is the walk plan's (a walk
reached the listing's end once), `deepest_page` the deepest page any walk fetched, the stories
those the tag listed, and the triangulation counts compare the listing's stories with the feed
and sitemap sightings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, exists, func, or_, select

from newsarchive.status import FEED_READ
from newsarchive.storage.schema import (
    crawl_runs,
    feed_fetches,
    feed_sightings,
    listing_walks,
    stories,
    story_tags,
    tags,
)
from newsarchive.urls import host_of, site_key
from newsarchive.walks import WalkRecord, plan

_PLAN_COLUMNS = ("mode", "end_reason", "pages", "first_page", "first_url", "next_url", "next_page")


@dataclass(slots=True)
class StartCoverage:
    """How complete the archive of one start URL's listing is (`newsarchive coverage`).

    `feed_only` are the canonical URLs of stories that the listing's feed, or a sitemap entry
    naming its tag, listed and the listing never did; `listing_only` counts the listing's
    stories published since the feed's oldest entry that the feed never listed (None without
    a feed); `in_feed` and `in_sitemap` count the listing's stories the feed and the site's
    sitemaps also listed.
    """

    start_url: str
    tag: str | None
    site: str
    stories: int = 0
    newest_published: str | None = None
    oldest_published: str | None = None
    deepest_page: int | None = None
    walk_complete: bool = False
    runs: int = 0
    last_run_id: int | None = None
    last_run_at: datetime | None = None
    last_run_status: str | None = None
    feed_url: str | None = None
    sitemap_urls: list[str] = field(default_factory=list)
    feed_stories: int = 0
    in_feed: int = 0
    in_sitemap: int = 0
    dated_by_feed: int = 0
    feed_only: list[str] = field(default_factory=list)
    listing_only: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Coverage:
    """Coverage of an archive's start URLs."""

    engine: Engine

    def per_start_url(
        self, tags_: Sequence[str] = (), sites: Sequence[str] = ()
    ) -> list[StartCoverage]:
        """One row per start URL ever walked (under any of `tags_` and of any of `sites`, when
        given; tag names match whatever their case), by site, tag and start URL."""
        with self.engine.connect() as conn:
            found = [_start(conn, url) for url in conn.execute(_start_urls()).scalars()]
        wanted_tags = {name.lower() for name in tags_}
        wanted_sites = {site_key(site) for site in sites}
        found = [
            row
            for row in found
            if (not wanted_tags or (row.tag or "").lower() in wanted_tags)
            and (not wanted_sites or row.site in wanted_sites)
        ]
        return sorted(found, key=lambda row: (row.site, row.tag or "", row.start_url))


def _start_urls():
    return select(listing_walks.c.start_url).distinct().order_by(listing_walks.c.start_url)


def _start(conn: Connection, start_url: str) -> StartCoverage:
    walks = conn.execute(
        select(
            listing_walks.c.run_id, listing_walks.c.tag_id, listing_walks.c.last_page,
            *(listing_walks.c[name] for name in _PLAN_COLUMNS),
        )
        .where(listing_walks.c.start_url == start_url)
        .order_by(listing_walks.c.run_id, listing_walks.c.id)
    ).all()  # fmt: skip
    tag_id = next((walk.tag_id for walk in reversed(walks) if walk.tag_id is not None), None)
    tag = conn.execute(select(tags.c.name, tags.c.site).where(tags.c.id == tag_id)).first()
    row = StartCoverage(
        start_url, tag.name if tag else None, tag.site if tag else host_of(start_url)
    )
    row.walk_complete = plan(
        WalkRecord(**{name: getattr(walk, name) for name in _PLAN_COLUMNS}) for walk in walks
    ).complete
    row.deepest_page = max((w.last_page for w in walks if w.last_page), default=None)
    run_ids = sorted({walk.run_id for walk in walks})
    row.runs = len(run_ids)
    if run_ids:
        last = conn.execute(select(crawl_runs).where(crawl_runs.c.id == run_ids[-1])).one()
        row.last_run_id, row.last_run_at, row.last_run_status = (
            last.id,
            last.started_at,
            last.status,
        )
    if tag_id is not None:
        _listing(conn, row, tag_id)
    _witnesses(conn, row, tag_id)
    return row


def _listing(conn: Connection, row: StartCoverage, tag_id: int) -> None:
    """The stories the tag listed: how many, their dates, how many a feed or sitemap dated."""
    listed = stories.join(story_tags).join(tags)
    from_feed = stories.c.date_source.in_(("feed", "sitemap"))
    figures = conn.execute(
        select(
            func.count(),
            func.max(stories.c.published_at),
            func.min(stories.c.published_at),
            func.count().filter(from_feed),
        )
        .select_from(listed)
        .where(tags.c.id == tag_id)
    ).one()
    row.stories, row.newest_published, row.oldest_published, row.dated_by_feed = figures


def _witnesses(conn: Connection, row: StartCoverage, tag_id: int | None) -> None:
    """The feed and the sitemaps, and how their stories compare with the listing's."""
    read = feed_fetches.c.outcome.in_(FEED_READ)
    own_feed = and_(feed_fetches.c.kind == "feed", feed_fetches.c.start_url == row.start_url)
    latest_feed = conn.execute(
        select(feed_fetches.c.id, feed_fetches.c.url)
        .where(own_feed, read)
        .order_by(feed_fetches.c.run_id.desc(), feed_fetches.c.id.desc())
        .limit(1)
    ).first()
    site_maps = and_(feed_fetches.c.kind == "sitemap", feed_fetches.c.site == row.site)
    latest_run = select(func.max(feed_fetches.c.run_id)).where(site_maps, read).scalar_subquery()
    row.sitemap_urls = list(
        conn.execute(
            select(feed_fetches.c.url)
            .where(site_maps, read, feed_fetches.c.run_id == latest_run)
            .where(feed_fetches.c.format != "sitemapindex")
            .order_by(feed_fetches.c.url)
        ).scalars()
    )
    listed = (
        select(stories.c.url)
        .join(story_tags)
        .where(story_tags.c.tag_id == tag_id, stories.c.url == feed_sightings.c.url)
    )
    witnessed = (
        select(feed_sightings.c.url).select_from(feed_sightings.join(feed_fetches)).distinct()
    )
    mine = own_feed
    if tag_id is not None:  # and the sitemap entries whose keywords name the tag
        named = and_(feed_fetches.c.kind == "sitemap", feed_sightings.c.tag_id == tag_id)
        mine = or_(own_feed, named)
    row.feed_only = list(
        conn.execute(
            witnessed.where(mine, ~exists(listed)).order_by(feed_sightings.c.url)
        ).scalars()
    )
    if latest_feed is None:
        return
    row.feed_url = latest_feed.url
    row.feed_stories = _count(conn, witnessed.where(own_feed))
    if tag_id is None:
        return
    in_tag = (
        select(stories.c.url, stories.c.published_at)
        .join(story_tags)
        .where(story_tags.c.tag_id == tag_id)
    )
    fed = feed_sightings.join(feed_fetches)
    in_feed = exists(
        select(1).select_from(fed).where(own_feed, feed_sightings.c.url == stories.c.url)
    )
    in_sitemap = exists(
        select(1).select_from(fed).where(site_maps, feed_sightings.c.url == stories.c.url)
    )
    row.in_feed = _count(conn, in_tag.where(in_feed))
    row.in_sitemap = _count(conn, in_tag.where(in_sitemap))
    # The feed's reach: the publication time of the oldest entry its latest fetch held.
    entries = conn.execute(
        select(feed_sightings.c.published_at).where(feed_sightings.c.fetch_id == latest_feed.id)
    ).scalars()
    times = [moment for value in entries if (moment := _moment(value)) is not None]
    if not times:
        return
    oldest = min(times)
    since = (oldest - timedelta(days=1)).date().isoformat()  # any offset: a day before
    newer = conn.execute(in_tag.where(stories.c.published_at >= since, ~in_feed)).all()
    row.listing_only = sum(1 for story in newer if _moment(story.published_at) > oldest)


def _count(conn: Connection, query) -> int:
    return conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def _moment(value: str | None) -> datetime | None:
    """An ISO 8601 time or date as an aware datetime (UTC when it names no offset)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
