"""Articles: storing each fetch of a story's article page, and choosing which pages to fetch.

A fetch updates the story's one `articles` row and, for each thing it found changed (a first
text, a rewritten title, a changed text, a correction, a deletion, a redirect, a paywall), adds
an `article_versions` row of that kind; the text it found goes with the first of them. A failed fetch never erases what an earlier one found.
The article fills the story's missing date and author, and its canonical URL becomes the story's
key: two listing URLs with one canonical URL are merged into one story, their tags, sightings
and versions together, the other URLs kept as aliases. One transaction per batch of fetches.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    and_,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    update,
)

from newsarchive.items import ArticleFields, ArticlePage
from newsarchive.status import ArticleChange, ArticleStatus
from newsarchive.storage import bulk
from newsarchive.storage.aliases import story_ids
from newsarchive.storage.clauses import story_clauses
from newsarchive.storage.schema import (
    article_versions,
    articles,
    sightings,
    stories,
    story_aliases,
    story_tags,
    story_versions,
)
from newsarchive.storage.selection import StoryFilter
from newsarchive.urls import canonical_url, host_of, is_web_url

# The `reason` of a fetch that found only a paywall stub.
PAYWALL = "paywall stub"
# The article's values kept in `articles`, as read from ArticleFields.
CONTENT = (
    "title", "text", "words", "published_at", "modified_at", "authors", "section", "tags",
    "language", "canonical_url", "image_url",
)  # fmt: skip
# Story fields an article may fill where the listing gave none.
FILLED = ("published_at", "author")
_GOOD = (ArticleStatus.OK, ArticleStatus.REDIRECTED)
# Versions that keep the text the fetch found.
WITH_TEXT = (
    ArticleChange.FIRST, ArticleChange.RESTORED, ArticleChange.TITLE, ArticleChange.CORRECTION,
    ArticleChange.TEXT,
)  # fmt: skip


@dataclass(slots=True)
class ArticleResult:
    """What storing a batch of fetches did."""

    stored: int = 0
    changed: int = 0  # versions recorded
    merged: int = 0  # stories re-keyed or merged by their canonical URL
    filled: int = 0  # stories that got a date or author from their article


@dataclass(frozen=True, slots=True)
class Due:
    """A story whose article is to be fetched: its URL and the site its listing was on."""

    url: str
    listing_url: str | None


@dataclass(frozen=True, slots=True)
class Articles:
    """The article pages of an archive's stories: storing fetches, choosing what to fetch."""

    engine: Engine

    # -- what to fetch --------------------------------------------------------------------------

    def wanted(self, urls: Iterable[str], *, attempts: int) -> set[str]:
        """Which of these story URLs need their article fetched: never fetched, or failed
        fewer than `attempts` times in a row. A URL the archive does not have yet is wanted."""
        urls = list(dict.fromkeys(urls))
        settled: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in bulk.chunks(urls):
                ids = story_ids(conn, chunk)
                if not ids:
                    continue
                query = select(articles.c.story_id).where(
                    articles.c.story_id.in_(list(set(ids.values()))),
                    or_(articles.c.status != ArticleStatus.ERROR, articles.c.attempts >= attempts),
                )
                done = set(conn.execute(query).scalars())
                settled.update(url for url, id_ in ids.items() if id_ in done)
        return {url for url in urls if url not in settled}

    def due(
        self,
        *,
        where: StoryFilter | None = None,
        recheck: Sequence[float] | None = None,
        every: bool = False,
        attempts: int = 3,
        now: datetime | None = None,
        limit: int | None = None,
    ) -> list[Due]:
        """Stories (matching `where`) whose article is to be fetched now, newest first.

        By default those never fetched and those that failed fewer than `attempts` times in a
        row. With `recheck` (ages in seconds), the fetched articles that reached one of these
        ages since their first fetch and were not fetched since; with `every`, every fetched
        article.
        """
        now = now or datetime.now(UTC)
        listing = (
            select(func.min(sightings.c.listing_url))
            .where(sightings.c.story_id == stories.c.id)
            .scalar_subquery()
        )
        query = select(stories.c.url, listing.label("listing_url")).select_from(
            stories.outerjoin(articles, articles.c.story_id == stories.c.id)
        )
        if every:
            condition: ColumnElement[bool] = articles.c.story_id.is_not(None)
        elif recheck:
            condition = or_(false(), *(self._reached(age, now) for age in recheck))
        else:
            condition = or_(
                articles.c.story_id.is_(None),
                and_(articles.c.status == ArticleStatus.ERROR, articles.c.attempts < attempts),
            )
        query = query.where(condition, *story_clauses(where)).order_by(stories.c.id.desc())
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [Due(url, listing_url) for url, listing_url in conn.execute(query)]

    def _reached(self, age: float, now: datetime) -> ColumnElement[bool]:
        """Articles first fetched at least `age` seconds ago and not fetched since that age."""
        first, last = (
            _seconds(self.engine, articles.c.first_fetched_at),
            _seconds(self.engine, articles.c.fetched_at),
        )
        return and_(first <= now.timestamp() - age, last < first + age)

    # -- storing fetches ------------------------------------------------------------------------

    def store(self, run_id: int, pages: Sequence[ArticlePage]) -> ArticleResult:
        """Store a batch of article fetches in one transaction (see the module's docstring)."""
        result = ArticleResult()
        if not pages:
            return result
        with self.engine.begin() as conn:
            recorded = {p.capture.warc_file for p in pages if p.capture and p.capture.offset}
            warc_ids = bulk.warc_file_ids(conn, run_id, recorded)
            for page in pages:
                story = _story(conn, page.story_url)
                if story is None:
                    continue  # its story's batch was not stored (the crawl is failing)
                seen = _moment(page.fetched_at)
                story, merged = _reconcile(conn, run_id, story, page, seen)
                result.merged += merged
                changed, filled = _observe(conn, run_id, story, page, seen, warc_ids)
                result.stored += 1
                result.changed += changed
                result.filled += filled
        return result


# -- the stories of fetched articles --------------------------------------------------------------


def _story(conn: Connection, url: str) -> Row | None:
    ids = story_ids(conn, [url])
    if not ids:
        return None
    return conn.execute(select(stories).where(stories.c.id == ids[url])).first()


def _reconcile(
    conn: Connection, run_id: int, story: Row, page: ArticlePage, seen: datetime
) -> tuple[Row, int]:
    """Key the story by the URL its article names as canonical (or was redirected to), on the
    same site: re-key it, or merge it into the story that has that URL already."""
    fields = page.fields
    if page.status not in _GOOD or fields is None or fields.paywalled:
        return story, 0
    named = fields.canonical_url or (
        page.final_url if page.status == ArticleStatus.REDIRECTED else None
    )
    if not named or not is_web_url(named):
        return story, 0
    target_url = canonical_url(named)
    if target_url == story.url or host_of(target_url) != story.site:
        return story, 0
    target = _story(conn, target_url)
    if target is not None and target.id == story.id:
        return story, 0  # the canonical URL is one of this story's aliases already
    alias = {"url": story.url, "merged_at": seen, "run_id": run_id}
    if target is None:
        conn.execute(update(stories).where(stories.c.id == story.id).values(url=target_url))
        conn.execute(insert(story_aliases).values(story_id=story.id, **alias))
        return conn.execute(select(stories).where(stories.c.id == story.id)).one(), 1
    _merge(conn, story, target)
    conn.execute(insert(story_aliases).values(story_id=target.id, **alias))
    return conn.execute(select(stories).where(stories.c.id == target.id)).one(), 1


def _merge(conn: Connection, source: Row, target: Row) -> None:
    """Move everything of `source` to `target` and delete it: tags, sightings, versions,
    aliases and article; `target` keeps its values and takes those it lacks."""
    tag_ids = conn.execute(
        select(story_tags.c.tag_id).where(story_tags.c.story_id == source.id)
    ).scalars()
    bulk.insert_many(
        conn, story_tags, ("story_id", "tag_id"), [(target.id, tag) for tag in tag_ids],
        ignore_conflicts=True,
    )  # fmt: skip
    for table in (sightings, story_versions, article_versions, story_aliases):
        conn.execute(update(table).where(table.c.story_id == source.id).values(story_id=target.id))
    has_article = conn.execute(
        select(articles.c.story_id).where(articles.c.story_id == target.id)
    ).first()
    if has_article:
        conn.execute(delete(articles).where(articles.c.story_id == source.id))
    else:
        conn.execute(
            update(articles).where(articles.c.story_id == source.id).values(story_id=target.id)
        )
    earlier = source.first_seen_at < target.first_seen_at
    values: dict[str, Any] = {
        "first_seen_at": min(source.first_seen_at, target.first_seen_at),
        "first_run_id": source.first_run_id if earlier else target.first_run_id,
        "last_seen_at": max(source.last_seen_at, target.last_seen_at),
    }
    for name in ("teaser", "author", "image_url"):
        if getattr(target, name) is None and getattr(source, name) is not None:
            values[name] = getattr(source, name)
    if target.published_at is None and source.published_at is not None:
        values |= {"published_at": source.published_at, "date_source": source.date_source}
    conn.execute(delete(stories).where(stories.c.id == source.id))
    conn.execute(update(stories).where(stories.c.id == target.id).values(**values))


# -- one fetch ------------------------------------------------------------------------------------


def _observe(
    conn: Connection,
    run_id: int,
    story: Row,
    page: ArticlePage,
    seen: datetime,
    warc_ids: dict[str, int],
) -> tuple[int, int]:
    """Update the story's article row with one fetch and record a version when it changed;
    returns (versions added, stories filled)."""
    previous = conn.execute(select(articles).where(articles.c.story_id == story.id)).first()
    fields = page.fields
    status, reason = page.status, page.reason
    paywalled = status in _GOOD and fields is not None and fields.paywalled
    if paywalled:
        status, reason = ArticleStatus.ERROR, PAYWALL
    good = status in _GOOD
    capture = page.capture
    recorded = capture is not None and capture.offset is not None
    row: dict[str, Any] = {
        "url": page.url,
        "final_url": page.final_url,
        "status": status,
        "http_status": page.http_status,
        "reason": None if good else reason,
        "fetched_at": seen,
        "run_id": run_id,
        "warc_file_id": warc_ids.get(capture.warc_file) if recorded else None,
        "warc_offset": capture.offset if recorded else None,
    }
    if status == ArticleStatus.ERROR:
        row["attempts"] = (previous.attempts if previous else 0) + 1
    else:
        row["attempts"] = 0
    content = _content(fields) if fields is not None else {}
    if good:
        row |= content
    elif paywalled and (previous is None or previous.text is None):
        row |= {name: value for name, value in content.items() if name not in ("text", "words")}
    kinds, words_changed = _changes(previous, page, status, reason, fields)
    filled = _fill(conn, story, fields) if fields is not None and (good or paywalled) else []
    if filled or previous is not None:
        earlier = previous.filled.split() if previous is not None and previous.filled else []
        row["filled"] = " ".join(dict.fromkeys([*earlier, *filled])) or None
    if previous is None:
        conn.execute(insert(articles).values(story_id=story.id, first_fetched_at=seen, **row))
    else:
        conn.execute(update(articles).where(articles.c.story_id == story.id).values(**row))
    text_kept = False
    for kind in kinds:
        # The text once per fetch, with the first kind that comes with one.
        with_text = not text_kept and kind in WITH_TEXT
        text_kept = text_kept or with_text
        conn.execute(
            insert(article_versions).values(
                story_id=story.id,
                kind=kind,
                fetched_at=seen,
                run_id=run_id,
                status=status,
                http_status=page.http_status,
                final_url=page.final_url,
                title=content.get("title"),
                text=content.get("text") if with_text else None,
                words=content.get("words") if with_text else None,
                words_changed=words_changed if kind in WITH_TEXT else None,
                published_at=content.get("published_at"),
                modified_at=content.get("modified_at"),
                warc_file_id=row["warc_file_id"],
                warc_offset=row["warc_offset"],
            )
        )
    return len(kinds), int(bool(filled))


def _content(fields: ArticleFields) -> dict[str, Any]:
    return {
        "title": fields.title,
        "text": fields.text,
        "words": fields.words if fields.text else None,
        "published_at": fields.published_at,
        "modified_at": fields.modified_at,
        "authors": "; ".join(fields.authors) or None,
        "section": fields.section,
        "tags": "; ".join(fields.tags) or None,
        "language": fields.language,
        "canonical_url": fields.canonical_url,
        "image_url": fields.image_url,
    }


def _changes(
    previous: Row | None,
    page: ArticlePage,
    status: str,
    reason: str | None,
    fields: ArticleFields | None,
) -> tuple[list[ArticleChange], int | None]:
    """What this fetch found changed since the previous one (none: nothing worth a version),
    weightiest first, and by how many words the text changed."""
    if status == ArticleStatus.DELETED:
        gone = previous is not None and previous.status == ArticleStatus.DELETED
        return ([] if gone else [ArticleChange.DELETED]), None
    if status == ArticleStatus.ERROR:
        stubbed = previous is not None and previous.reason == PAYWALL
        return ([ArticleChange.PAYWALLED] if reason == PAYWALL and not stubbed else []), None
    assert fields is not None  # a good fetch was read
    if previous is None or (previous.text is None and previous.title is None):
        return [ArticleChange.FIRST], None
    text_changed = (previous.text or "") != (fields.text or "")
    changed = _words_changed(previous.text, fields.text) if text_changed else None
    if previous.status == ArticleStatus.DELETED:
        return [ArticleChange.RESTORED], changed
    kinds = []
    if status == ArticleStatus.REDIRECTED and previous.final_url != page.final_url:
        kinds.append(ArticleChange.REDIRECTED)
    if previous.title and fields.title and previous.title != fields.title:
        kinds.append(ArticleChange.TITLE)
    if text_changed:
        noted = any(note not in (previous.text or "") for note in fields.corrections)
        kinds.append(ArticleChange.CORRECTION if noted else ArticleChange.TEXT)
    return kinds, changed


def _words_changed(before: str | None, after: str | None) -> int:
    """Words removed plus words added between two texts."""
    old, new = (before or "").split(), (after or "").split()
    matcher = difflib.SequenceMatcher(None, old, new)
    return sum(
        (i2 - i1) + (j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )


def _fill(conn: Connection, story: Row, fields: ArticleFields) -> list[str]:
    """Give the story the article's date and author where its listing gave none; returns the
    story fields filled."""
    values: dict[str, Any] = {}
    if story.published_at is None and fields.published_at:
        values |= {"published_at": fields.published_at, "date_source": "article"}
    if story.author is None and fields.authors:
        values["author"] = ", ".join(fields.authors)
    if values:
        conn.execute(update(stories).where(stories.c.id == story.id).values(**values))
    return [name for name in FILLED if name in values]


def _moment(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _seconds(engine: Engine, column: ColumnElement[Any]) -> ColumnElement[float]:
    """A stored UTC time as seconds since the epoch, in SQL."""
    if engine.dialect.name == "sqlite":
        return (func.julianday(column) - 2440587.5) * 86400.0
    return func.extract("epoch", column)
