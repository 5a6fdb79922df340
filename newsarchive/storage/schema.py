"""The archive's tables (SQLAlchemy Core), portable between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, stored naive so SQLite sorts them right."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


metadata = MetaData()

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("headline", Text, nullable=False),
    Column("teaser", Text),
    # ISO 8601 as precise as the page gives it: a date, a local date-time or one with an offset.
    Column("published_at", String(40)),
    Column("date_source", String(20)),
    Column("author", Text),
    Column("image_url", Text),
    Column("site", String(255), nullable=False),
    Column("extraction_method", String(40)),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("first_run_id", ForeignKey("crawl_runs.id", ondelete="SET NULL")),
)
Index("ix_stories_site", stories.c.site)
Index("ix_stories_published_at", stories.c.published_at)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", String(255), nullable=False),
    Column("name", Text, nullable=False),
    UniqueConstraint("site", "name", name="uq_tags_site_name"),
)

story_tags = Table(
    "story_tags",
    metadata,
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)
Index("ix_story_tags_tag", story_tags.c.tag_id)

crawl_runs = Table(
    "crawl_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("start_urls", Text, nullable=False),  # JSON list
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("status", String(20), nullable=False),  # a newsarchive.status.RunStatus
    Column("pages", Integer, nullable=False, default=0),
    Column("stories_new", Integer, nullable=False, default=0),
    Column("stories_existing", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    # What produced the run, for citing it: software version and the settings that differ
    # from the defaults (JSON object).
    Column("software_version", String(40)),
    Column("settings", Text),
)

# One row per walk of a start URL's pages in a run (a run may continue an unfinished walk besides
# walking from page 1): how it went, how many stories it listed, where it would go on.
listing_walks = Table(
    "listing_walks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False),
    Column("start_url", Text, nullable=False),  # canonical
    Column("tag_id", ForeignKey("tags.id", ondelete="SET NULL")),
    Column("mode", String(20), nullable=False),  # a newsarchive.status.WalkMode
    Column("pages", Integer, nullable=False),
    Column("stories", Integer, nullable=False),  # stories listed, page by page
    # A newsarchive.status.WalkEnd, or none when the run stopped before the walk ended.
    Column("end_reason", String(40)),
    # The page the walk began at (1, or where it continued an earlier walk) and the deepest it
    # fetched; where it would go on (the next page it did not fetch, or the page that failed).
    Column("first_page", Integer, nullable=False, server_default="1"),
    Column("first_url", Text),
    Column("last_page", Integer),
    Column("next_url", Text),
    Column("next_page", Integer),
)
Index("ix_listing_walks_start_url", listing_walks.c.start_url, listing_walks.c.run_id)
Index("ix_listing_walks_run", listing_walks.c.run_id)

# Listing pages a run could not fetch or read: an HTTP error, a timeout, not an HTML page.
listing_failures = Table(
    "listing_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False),
    Column("start_url", Text, nullable=False),  # canonical, as in listing_walks
    Column("url", Text, nullable=False),
    Column("page_number", Integer, nullable=False),
    Column("http_status", Integer),  # for an HTTP error
    Column("reason", Text, nullable=False),  # one line: "HTTP 404", "TimeoutError" …
)
Index("ix_listing_failures_run", listing_failures.c.run_id)

# The WARC files a run wrote its fetched listing pages to.
warc_files = Table(
    "warc_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="SET NULL")),
    Column("path", Text, nullable=False, unique=True),
)

sightings = Table(
    "sightings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE")),
    Column("listing_url", Text, nullable=False),
    Column("page_number", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    # The WARC record (a gzip member starting at this offset) holding the listing page.
    Column("warc_file_id", ForeignKey("warc_files.id", ondelete="SET NULL")),
    Column("warc_offset", Integer),
)
Index("ix_sightings_story", sightings.c.story_id)
Index("ix_sightings_run", sightings.c.run_id)

# Values a story showed before a site changed them; the current values live in `stories`.
story_versions = Table(
    "story_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("headline", Text, nullable=False),
    Column("teaser", Text),
    Column("published_at", String(40)),
    Column("author", Text),
    Column("image_url", Text),
    Column("first_seen_at", UTCDateTime, nullable=False),  # when these values were first seen
    Column("last_seen_at", UTCDateTime, nullable=False),  # ... and last seen
    Column("replaced_at", UTCDateTime, nullable=False),  # when newer values were first seen
    Column("replaced_in_run_id", ForeignKey("crawl_runs.id", ondelete="SET NULL")),
)
Index("ix_story_versions_story", story_versions.c.story_id)

# A story's article page as last fetched (one row per story followed): the status of that fetch,
# and the newest values the page gave (a failed fetch keeps the values of the last good one).
articles = Table(
    "articles",
    metadata,
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("url", Text, nullable=False),  # the page requested
    Column("final_url", Text),  # where redirects ended
    Column("status", String(20), nullable=False),  # a newsarchive.status.ArticleStatus
    Column("http_status", Integer),
    Column("reason", Text),  # why the last fetch failed, in one line
    Column("attempts", Integer, nullable=False, default=0),  # failed fetches in a row
    Column("title", Text),
    Column("text", Text),
    Column("words", Integer),
    # ISO 8601 as precise as the page gives it, with its offset when it names one.
    Column("published_at", String(40)),
    Column("modified_at", String(40)),
    Column("authors", Text),  # joined with "; "
    Column("section", Text),
    Column("tags", Text),  # the article's own tags or categories, joined with "; "
    Column("language", String(35)),
    Column("canonical_url", Text),
    Column("image_url", Text),
    Column("filled", String(60)),  # story fields the article supplied, space-separated
    Column("first_fetched_at", UTCDateTime, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="SET NULL")),
    Column("warc_file_id", ForeignKey("warc_files.id", ondelete="SET NULL")),
    Column("warc_offset", Integer),
)
Index("ix_articles_status", articles.c.status)
Index("ix_articles_first_fetched_at", articles.c.first_fetched_at)

# Each fetch of an article that found something changed, with what it found.
article_versions = Table(
    "article_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # a newsarchive.status.ArticleChange
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="SET NULL")),
    Column("status", String(20), nullable=False),
    Column("http_status", Integer),
    Column("final_url", Text),
    Column("title", Text),
    Column("text", Text),  # the text as found, when it changed
    Column("words", Integer),
    Column("words_changed", Integer),  # words added plus words removed since the previous text
    Column("published_at", String(40)),
    Column("modified_at", String(40)),
    Column("warc_file_id", ForeignKey("warc_files.id", ondelete="SET NULL")),
    Column("warc_offset", Integer),
)
Index("ix_article_versions_story", article_versions.c.story_id)

# Other URLs of a story: listing URLs whose article named another canonical URL, and stories
# merged into this one. A listing that shows such a URL again is a sighting of this story.
story_aliases = Table(
    "story_aliases",
    metadata,
    Column("url", Text, primary_key=True),
    Column("story_id", ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("merged_at", UTCDateTime, nullable=False),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="SET NULL")),
)
Index("ix_story_aliases_story", story_aliases.c.story_id)
