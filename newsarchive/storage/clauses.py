"""A StoryFilter as SQL: the WHERE clauses over `stories` that every read shares."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, exists, select

from newsarchive.slugs import tag_slug
from newsarchive.storage.schema import stories, story_tags, tags
from newsarchive.storage.selection import StoryFilter
from newsarchive.urls import site_key


def story_clauses(where: StoryFilter | None) -> list[ColumnElement[bool]]:
    """The conditions a story of `where` meets (none for no filter)."""
    if where is None:
        return []
    clauses: list[ColumnElement[bool]] = []
    if where.sites:
        clauses.append(stories.c.site.in_([site_key(site) for site in where.sites]))
    if where.tags:
        # Any spelling of a tag's name selects it: "peru", "PERU" and "Perú" alike.
        keys = sorted({tag_slug(name) for name in where.tags})
        clauses.append(
            exists(
                select(1)
                .select_from(story_tags.join(tags))
                .where(story_tags.c.story_id == stories.c.id, tags.c.slug.in_(keys))
            )
        )
    if where.by_first_seen:
        if where.since:
            clauses.append(stories.c.first_seen_at >= _as_utc(where.since))
        if where.until:
            clauses.append(stories.c.first_seen_at < _end_of(where.until))
    else:
        if where.since:
            clauses.append(stories.c.published_at >= where.since.isoformat())
        if isinstance(where.until, datetime):
            clauses.append(stories.c.published_at <= where.until.isoformat())
        elif where.until:
            next_day = where.until + timedelta(days=1)
            clauses.append(stories.c.published_at < next_day.isoformat())
    return clauses


def _as_utc(moment: date) -> datetime:
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(), UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _end_of(moment: date) -> datetime:
    """The first instant after `moment`: the next midnight for a bare date."""
    if isinstance(moment, datetime):
        return _as_utc(moment) + timedelta(microseconds=1)
    return _as_utc(moment + timedelta(days=1))
