"""Which stories a search or an export covers: tags, sites and a date range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, exists, func, select

from newsarchive.storage.schema import stories, story_tags, tags
from newsarchive.urls import site_key


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Stories under any of `tags`, on any of `sites`, dated within [since, until].

    Dates apply to `published_at` as the page wrote it (stories without one are left out), or
    to when the archive first saw the story with `by_first_seen`. A bare date as `until`
    covers that whole day.
    """

    tags: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    by_first_seen: bool = False

    def clauses(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.sites:
            where.append(stories.c.site.in_([site_key(site) for site in self.sites]))
        if self.tags:
            names = [name.lower() for name in self.tags]
            where.append(
                exists(
                    select(1)
                    .select_from(story_tags.join(tags))
                    .where(
                        story_tags.c.story_id == stories.c.id, func.lower(tags.c.name).in_(names)
                    )
                )
            )
        if self.by_first_seen:
            if self.since:
                where.append(stories.c.first_seen_at >= _as_utc(self.since))
            if self.until:
                where.append(stories.c.first_seen_at < _end_of(self.until))
        else:
            if self.since:
                where.append(stories.c.published_at >= self.since.isoformat())
            if isinstance(self.until, datetime):
                where.append(stories.c.published_at <= self.until.isoformat())
            elif self.until:
                next_day = self.until + timedelta(days=1)
                where.append(stories.c.published_at < next_day.isoformat())
        return where

    def describe(self) -> dict[str, object]:
        """The filter as plain values, for a dataset's description."""
        return {
            "tags": list(self.tags),
            "sites": list(self.sites),
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "dates_on": "first_seen_at" if self.by_first_seen else "published_at",
        }


def _as_utc(moment: date) -> datetime:
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(), UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _end_of(moment: date) -> datetime:
    """The first instant after `moment`: the next midnight for a bare date."""
    if isinstance(moment, datetime):
        return _as_utc(moment) + timedelta(microseconds=1)
    return _as_utc(moment + timedelta(days=1))
