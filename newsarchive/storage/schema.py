"""The archive's tables (SQLAlchemy Core), portable between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    DateTime,
    Float,
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
    # Where the other fields came from, and how sure extraction was of the story (0 to 1).
    Column("date_precision", String(20)),
    Column("author_source", String(20)),
    Column("teaser_source", String(20)),
    Column("confidence", Float),
    # When the story was last changed, as its feed or sitemap says (listings do not say).
    Column("modified_at", String(40)),
)
Index("ix_stories_site", stories.c.site)
Index("ix_stories_published_at", stories.c.published_at)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", String(255), nullable=False),
    Column("name", Text, nullable=False),  # as the site first showed it
    # One key for every spelling of the name (newsarchive.slugs.tag_slug): "Perú", "peru" and
    # "PERU" are one tag. The default only lets SQLite add the column to existing rows.
    Column("slug", Text, nullable=False, server_default=""),
    UniqueConstraint("site", "name", name="uq_tags_site_name"),
)
Index("uq_tags_site_slug", tags.c.site, tags.c.slug, unique=True)

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
    # Listing pages whose stories were all of low confidence: likely misread (JSON list).
    Column("low_confidence_pages", Text),
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

# Each response or revisit record of a listing page in the WARC files, so that a page whose
# payload has not changed since the last record of its URL is written as a revisit of it.
warc_records = Table(
    "warc_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("warc_file_id", ForeignKey("warc_files.id", ondelete="CASCADE"), nullable=False),
    Column("warc_offset", Integer, nullable=False),
    Column("kind", String(10), nullable=False),  # response or revisit
    Column("url", Text, nullable=False),  # WARC-Target-URI
    Column("recorded_at", UTCDateTime, nullable=False),  # WARC-Date
    Column("record_id", String(100), nullable=False),  # WARC-Record-ID
    Column("payload_digest", String(100), nullable=False),
    # A revisit's original: the response record whose payload it stands for.
    Column("original_id", ForeignKey("warc_records.id", ondelete="SET NULL")),
    UniqueConstraint("warc_file_id", "warc_offset", name="uq_warc_records_file_offset"),
)
Index("ix_warc_records_url", warc_records.c.url, warc_records.c.id)
Index("ix_warc_records_record_id", warc_records.c.record_id)

# Captures of listing pages by a public web archive that a backfill read (one per capture).
archived_captures = Table(
    "archived_captures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="SET NULL")),
    Column("url", Text, nullable=False),  # the original URL, as the web archive names it
    Column("timestamp", String(14), nullable=False),  # the web archive's capture timestamp
    Column("captured_at", UTCDateTime, nullable=False),
    Column("replay_url", Text, nullable=False),  # where its original bytes were fetched from
    Column("digest", String(100)),  # the web archive's payload digest
    UniqueConstraint("url", "timestamp", name="uq_archived_captures_url_timestamp"),
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
    # For a sighting on a web archive's capture (a backfill): that capture.
    Column("archived_capture_id", ForeignKey("archived_captures.id", ondelete="SET NULL")),
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

# Feeds and sitemaps a run asked for: a listing's own feed (for its start URL) or one of a site's
# sitemaps, how the fetch went, and the WARC record of the response.
feed_fetches = Table(
    "feed_fetches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),  # feed or sitemap
    Column("url", Text, nullable=False),
    Column("site", String(255), nullable=False),
    Column("start_url", Text),  # canonical; none for a site's sitemap
    Column("tag_id", ForeignKey("tags.id", ondelete="SET NULL")),
    Column("found_by", String(20), nullable=False),
    Column("outcome", String(20), nullable=False),  # a newsarchive.status.FeedOutcome
    Column("http_status", Integer),
    Column("format", String(20)),
    Column("entries", Integer, nullable=False, server_default="0"),
    Column("left_out", Integer, nullable=False, server_default="0"),
    Column("reason", Text),
    Column("warc_file_id", ForeignKey("warc_files.id", ondelete="SET NULL")),
    Column("warc_offset", Integer),
)
Index("ix_feed_fetches_start_url", feed_fetches.c.start_url, feed_fetches.c.run_id)
Index("ix_feed_fetches_site", feed_fetches.c.site, feed_fetches.c.run_id)
Index("ix_feed_fetches_run", feed_fetches.c.run_id)

# Stories as a feed or sitemap listed them: the second witness of a listing. Keyed by the story's
# canonical URL, as a feed may list a story no listing showed (yet). A tag feed's entries carry
# its tag; a sitemap's entries are kept for stories the archive holds and for entries whose
# keywords name a tag of the site.
feed_sightings = Table(
    "feed_sightings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fetch_id", ForeignKey("feed_fetches.id", ondelete="CASCADE"), nullable=False),
    Column("run_id", ForeignKey("crawl_runs.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("tag_id", ForeignKey("tags.id", ondelete="SET NULL")),
    Column("position", Integer, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("title", Text),
    Column("published_at", String(40)),
    Column("modified_at", String(40)),
    Column("author", Text),
)
Index("ix_feed_sightings_url", feed_sightings.c.url)
Index("ix_feed_sightings_fetch", feed_sightings.c.fetch_id)
Index("ix_feed_sightings_tag", feed_sightings.c.tag_id)
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
