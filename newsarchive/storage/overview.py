"""Read-only summaries of an archive for reports: totals, weekly coverage per tag, top sites."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, String, cast, distinct, func, select

from newsarchive.status import ArticleChange, ArticleStatus
from newsarchive.storage.schema import (
    article_versions,
    articles,
    crawl_runs,
    stories,
    story_tags,
    story_versions,
    tags,
)


@dataclass(frozen=True, slots=True)
class Totals:
    stories: int
    tags: int
    sites: int
    runs: int
    first_seen: datetime | None
    last_seen: datetime | None


@dataclass(frozen=True, slots=True)
class ArticleTotals:
    """How many stories' articles were fetched, read, rewritten since, and deleted since."""

    fetched: int
    read: int
    rewritten: int  # a title, text or correction change recorded
    deleted: int  # gone (404, 410) when last fetched


# Changes that rewrite an article.
REWRITES = (ArticleChange.TITLE, ArticleChange.TEXT, ArticleChange.CORRECTION)


@dataclass(frozen=True, slots=True)
class WeekCount:
    week: date  # the Monday the week starts on
    tag: str
    stories: int


@dataclass(frozen=True, slots=True)
class HeadlineChange:
    url: str
    old: str
    new: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Overview:
    """Summaries of a whole archive: what a report shows."""

    engine: Engine

    def totals(self) -> Totals:
        with self.engine.connect() as conn:
            story_row = conn.execute(
                select(
                    func.count(),
                    func.count(distinct(stories.c.site)),
                    func.min(stories.c.first_seen_at),
                    func.max(stories.c.last_seen_at),
                ).select_from(stories)
            ).one()
            tag_count = conn.execute(select(func.count()).select_from(tags)).scalar_one()
            run_count = conn.execute(select(func.count()).select_from(crawl_runs)).scalar_one()
        count, sites, first_seen, last_seen = story_row
        return Totals(count, tag_count, sites, run_count, first_seen, last_seen)

    def article_totals(self) -> ArticleTotals:
        status = articles.c.status
        query = select(
            func.count(),
            func.count().filter(status.in_((ArticleStatus.OK, ArticleStatus.REDIRECTED))),
            func.count().filter(status == ArticleStatus.DELETED),
        ).select_from(articles)
        rewritten = select(func.count(distinct(article_versions.c.story_id))).where(
            article_versions.c.kind.in_(REWRITES)
        )
        with self.engine.connect() as conn:
            fetched, read, deleted = conn.execute(query).one()
            return ArticleTotals(fetched, read, conn.execute(rewritten).scalar_one(), deleted)

    def weekly_coverage(self) -> list[WeekCount]:
        """Stories per tag per week, weeks with none left out, in week then tag order.

        A story counts in the week it was published, or, when its listing gave no date, in the
        week the archive first saw it; a tag's name gets its site when several sites are archived.
        """
        query = (
            select(
                tags.c.id,
                tags.c.name,
                tags.c.site,
                func.substr(stories.c.published_at, 1, 10),
                func.substr(cast(stories.c.first_seen_at, String), 1, 10),
                func.count(),
            )
            .select_from(stories.join(story_tags).join(tags))
            .group_by(
                tags.c.id,
                tags.c.name,
                tags.c.site,
                func.substr(stories.c.published_at, 1, 10),
                func.substr(cast(stories.c.first_seen_at, String), 1, 10),
            )
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        several_sites = len({site for _id, _name, site, *_ in rows}) > 1
        counts: Counter[tuple[date, str]] = Counter()
        for _id, name, site, published, first_seen, count in rows:
            day = _day(published) or _day(first_seen)
            if day is None:
                continue
            label = f"{name} ({site})" if several_sites else name
            counts[(day - timedelta(days=day.weekday()), label)] += count
        return [WeekCount(week, tag, n) for (week, tag), n in sorted(counts.items())]

    def changed_headlines(self, limit: int = 50) -> list[HeadlineChange]:
        """The latest headline rewrites: each earlier headline and the one that replaced it."""
        query = (
            select(
                stories.c.url,
                story_versions.c.story_id,
                story_versions.c.headline,
                story_versions.c.replaced_at,
                stories.c.headline,
            )
            .select_from(story_versions.join(stories))
            .order_by(story_versions.c.story_id, story_versions.c.replaced_at, story_versions.c.id)
        )
        changes = []
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        for index, (url, story_id, old, replaced_at, current) in enumerate(rows):
            following = rows[index + 1] if index + 1 < len(rows) else None
            new = following[2] if following and following[1] == story_id else current
            if old != new:
                changes.append(HeadlineChange(url, old, new, replaced_at))
        changes.sort(key=lambda change: change.changed_at, reverse=True)
        return changes[:limit]

    def top_sites(self, limit: int = 10) -> list[tuple[str, int]]:
        """The sites with the most stories, most first."""
        count = func.count().label("stories")
        query = (
            select(stories.c.site, count)
            .group_by(stories.c.site)
            .order_by(count.desc(), stories.c.site)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(site, n) for site, n in conn.execute(query)]


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
