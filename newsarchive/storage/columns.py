"""The column catalogue: every column of the archive's tables, and every field an export can
carry, with its type and what it holds.

One description per column, read by the export (`--fields`), the dataset bundle
(`datapackage.json`) and the browser (Datasette's column notes). Types are Frictionless Data
types. Free of SQLAlchemy, so the command line can list fields without loading the storage
layer; a test holds it to the tables in `schema.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive.status import (
    ArticleChange,
    ArticleStatus,
    FeedOutcome,
    RunStatus,
    WalkEnd,
    WalkMode,
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # string, integer, number, datetime or array
    description: str


def _choices(
    words: type[RunStatus]
    | type[WalkEnd]
    | type[WalkMode]
    | type[ArticleStatus]
    | type[ArticleChange]
    | type[FeedOutcome],
) -> str:
    return ", ".join(words)


STORIES = (
    Column("url", "string", "Canonical URL of the story, tracking parameters removed: the archive's key for it."),
    Column("headline", "string", "Headline as the tag listing last showed it."),
    Column("teaser", "string", "Summary line under the headline on the listing, if any."),
    Column("published_at", "string", "Publication date or date-time (ISO 8601) as precise as the listing gave it."),
    Column("date_source", "string", "Where published_at was found: on the listing (time, markup, text, relative, url or profile), or in the story's feed or sitemap (feed, sitemap) when the listing showed no date."),
    Column("author", "string", "Author as the listing named them, if it did."),
    Column("image_url", "string", "URL of the story's listing image, if any."),
    Column("site", "string", "Host of the site, without www."),
    Column("extraction_method", "string", "Which extractor found the story on the listing."),
    Column("first_seen_at", "datetime", "When a crawl first saw the story (UTC)."),
    Column("last_seen_at", "datetime", "When a crawl last saw the story (UTC)."),
    Column("first_run_id", "integer", "The crawl run that first stored it."),
    Column("date_precision", "string", "The smallest unit published_at states: second, minute, hour, day, week, month or year (\"2 months ago\" is month-precise)."),
    Column("author_source", "string", "Where the author was found: markup (an element marked as the author), byline (a \"By …\" text), structured (JSON-LD or microdata) or profile."),
    Column("teaser_source", "string", "Where the teaser was found: markup (the listing's excerpt element) or entry (the entry's text after its headline)."),
    Column("confidence", "number", "How sure extraction was that this is a story of the listing with these values, from 0 to 1; below 0.5 the page's layout was probably misread. Empty for a story an older newsarchive archived, until a crawl sees it again."),
    Column("modified_at", "string", "When the story was last modified (ISO 8601), as its feed or sitemap last said."),
)  # fmt: skip
# Not a column of `stories` but of `story_tags`; an export carries it beside the story's own.
TAGS = Column("tags", "array", "Tags the story was listed under (CSV: joined with '; ').")

ARTICLES = (
    Column("story_id", "integer", "The story whose article page this is."),
    Column("url", "string", "The article page requested (the story's URL)."),
    Column("final_url", "string", "Where the request ended after redirects."),
    Column(
        "status",
        "string",
        f"How the last fetch went: {_choices(ArticleStatus)} (not_fetched: no row).",
    ),
    Column("http_status", "integer", "The HTTP status of the last fetch."),
    Column(
        "reason",
        "string",
        "Why the last fetch failed, in one line (a timeout, HTTP 503, paywall stub …).",
    ),
    Column(
        "attempts",
        "integer",
        "Failed fetches in a row; a later run tries again up to NEWSARCHIVE_ARTICLE_ATTEMPTS.",
    ),
    Column("title", "string", "The article's title."),
    Column("text", "string", "The article's full text, paragraphs separated by line breaks."),
    Column("words", "integer", "Words in the text."),
    Column(
        "published_at",
        "string",
        "Publication time the article gives (ISO 8601, with its offset when it names one).",
    ),
    Column("modified_at", "string", "Last modification time the article gives (ISO 8601)."),
    Column("authors", "string", "Authors the article names, joined with '; '."),
    Column("section", "string", "The site's section the article is in."),
    Column("tags", "string", "The article's own tags or categories, joined with '; '."),
    Column("language", "string", "The language the page declares (BCP 47, e.g. es-PE)."),
    Column("canonical_url", "string", "The URL the page names as its canonical one."),
    Column("image_url", "string", "The article's lead image."),
    Column(
        "filled",
        "string",
        "Story fields the article supplied because the listing gave none (published_at, author).",
    ),
    Column(
        "first_fetched_at",
        "datetime",
        "When the article was first fetched (UTC); re-check ages count from here.",
    ),
    Column("fetched_at", "datetime", "When it was last fetched (UTC)."),
    Column("run_id", "integer", "The run that last fetched it."),
    Column("warc_file_id", "integer", "The WARC file holding the last fetch."),
    Column("warc_offset", "integer", "Where that fetch's WARC record starts in the file (bytes)."),
)
# Article fields an export can carry: `article_<name>` for each of these columns of `articles`.
ARTICLE_FIELDS: dict[str, Column] = {
    f"article_{column.name}": Column(f"article_{column.name}", column.type, column.description)
    for column in ARTICLES
    if column.name
    in (
        "title",
        "text",
        "published_at",
        "modified_at",
        "authors",
        "language",
        "canonical_url",
        "status",
        "section",
        "tags",
        "image_url",
        "words",
    )
}
ARTICLE_FIELDS["article_fetched_at"] = Column(
    "article_fetched_at", "datetime", "When the article was last fetched (UTC)."
)

TABLES: dict[str, tuple[Column, ...]] = {
    "stories": STORIES,
    "tags": (
        Column("site", "string", "Host name of the news site."),
        Column("name", "string", "Tag name as the site first showed it."),
        Column("slug", "string", "The name with accents and case folded (Perú, PERU: peru): the spellings of one tag on a site are one tag, and --tag matches this."),
    ),
    "story_tags": (
        Column("story_id", "integer", "The story."),
        Column("tag_id", "integer", "The tag that listed it."),
    ),
    "sightings": (
        Column("story_id", "integer", "The story seen."),
        Column("run_id", "integer", "The crawl run that saw it."),
        Column("tag_id", "integer", "The tag whose listing showed it."),
        Column("listing_url", "string", "The listing page it was on."),
        Column("page_number", "integer", "1 for the start page, 2 for the next older page, …"),
        Column("position", "integer", "Its place on that page, from 1 at the top."),
        Column("seen_at", "datetime", "When the page was fetched (UTC)."),
        Column("warc_file_id", "integer", "The WARC file holding the listing page as fetched."),
        Column("warc_offset", "integer", "Where that page's WARC record starts in the file (bytes)."),
        Column("archived_capture_id", "integer", "For a backfill: the web archive's capture the page was read from (seen_at is its capture time)."),
    ),
    "warc_records": (
        Column("warc_file_id", "integer", "The WARC file."),
        Column("warc_offset", "integer", "Where the record starts in the file (bytes)."),
        Column("kind", "string", "response (the page as fetched), or revisit (the same payload as an earlier response, whose bytes it points to)."),
        Column("url", "string", "The page's URL (WARC-Target-URI)."),
        Column("recorded_at", "datetime", "WARC-Date: when the page was fetched, or captured by a web archive (UTC)."),
        Column("record_id", "string", "WARC-Record-ID."),
        Column("payload_digest", "string", "WARC-Payload-Digest: SHA-1 of the page body, base 32."),
        Column("original_id", "integer", "For a revisit: the response record holding the bytes."),
    ),
    "archived_captures": (
        Column("run_id", "integer", "The backfill run that read the capture."),
        Column("url", "string", "The listing page's original URL, as the web archive names it."),
        Column("timestamp", "string", "The web archive's 14-digit capture timestamp (UTC)."),
        Column("captured_at", "datetime", "When the web archive captured the page (UTC)."),
        Column("replay_url", "string", "Where the capture's original bytes were fetched from."),
        Column("digest", "string", "The web archive's digest of the captured page."),
    ),
    "story_versions": (
        Column("story_id", "integer", "The story."),
        Column("headline", "string", "The headline at the time."),
        Column("teaser", "string", "The teaser at the time."),
        Column("published_at", "string", "The publication date the listing gave at the time."),
        Column("author", "string", "The author named at the time."),
        Column("image_url", "string", "The teaser image at the time."),
        Column("first_seen_at", "datetime", "When a crawl first saw these values (UTC)."),
        Column("last_seen_at", "datetime", "When a crawl last saw these values (UTC)."),
        Column("replaced_at", "datetime", "When a crawl first saw the values that replaced them (UTC)."),
        Column("replaced_in_run_id", "integer", "The crawl run that saw the change."),
    ),
    "articles": ARTICLES,
    "article_versions": (
        Column("story_id", "integer", "The story."),
        Column("kind", "string", f"What changed: {_choices(ArticleChange)}."),
        Column("fetched_at", "datetime", "When the fetch that found it was made (UTC)."),
        Column("run_id", "integer", "The run that made it."),
        Column("status", "string", "How that fetch went (as articles.status)."),
        Column("http_status", "integer", "Its HTTP status."),
        Column("final_url", "string", "Where its request ended after redirects."),
        Column("title", "string", "The title then."),
        Column("text", "string", "The text then, when it changed."),
        Column("words", "integer", "Words in that text."),
        Column("words_changed", "integer", "Words removed plus words added since the text before: the size of the change."),
        Column("published_at", "string", "The publication time the article gave then."),
        Column("modified_at", "string", "The modification time the article gave then."),
        Column("warc_file_id", "integer", "The WARC file holding that fetch."),
        Column("warc_offset", "integer", "Where its WARC record starts in the file (bytes)."),
    ),
    "story_aliases": (
        Column("url", "string", "Another URL of the story: a listing URL whose article named another canonical URL, or a story merged into this one."),
        Column("story_id", "integer", "The story it stands for."),
        Column("merged_at", "datetime", "When the article fetch that found it was made (UTC)."),
        Column("run_id", "integer", "The run that made it."),
    ),
    "listing_walks": (
        Column("run_id", "integer", "The crawl run."),
        Column("start_url", "string", "The tag page the walk started at (canonical URL)."),
        Column("tag_id", "integer", "The tag."),
        Column("mode", "string", f"{_choices(WalkMode)}: from page 1 to the end or until known stories, going on where an earlier walk stopped, or a web archive's captures."),
        Column("pages", "integer", "Listing pages fetched."),
        Column("stories", "integer", "Stories listed on those pages."),
        Column("end_reason", "string", f"Why the walk stopped: {_choices(WalkEnd)}; empty when the run stopped first."),
        Column("first_page", "integer", "The page number the walk began at: 1, or where an earlier walk stopped."),
        Column("first_url", "string", "The listing page the walk began at."),
        Column("last_page", "integer", "The deepest page number it fetched."),
        Column("next_url", "string", "Where the walk would go on, when it stopped short: a later run continues there."),
        Column("next_page", "integer", "That page's number."),
    ),
    "listing_failures": (
        Column("run_id", "integer", "The crawl run."),
        Column("start_url", "string", "The tag page whose walk the page belongs to."),
        Column("url", "string", "The listing page that could not be fetched or read."),
        Column("page_number", "integer", "Its page number in the walk."),
        Column("http_status", "integer", "The HTTP status, for an HTTP error."),
        Column("reason", "string", "Why, in one line."),
    ),
    "warc_files": (
        Column("run_id", "integer", "The crawl run."),
        Column("path", "string", "Where the gzip WARC file was written."),
    ),
    "feed_fetches": (
        Column("run_id", "integer", "The crawl run."),
        Column("kind", "string", "feed (a listing's own RSS or Atom feed) or sitemap (one of the site's sitemaps)."),
        Column("url", "string", "The feed or sitemap."),
        Column("site", "string", "Host of the site, without www."),
        Column("start_url", "string", "For a feed: the tag page whose feed it is (canonical URL)."),
        Column("tag_id", "integer", "For a feed: the tag."),
        Column("found_by", "string", "How it was found: link (the listing's own link), wordpress, ghost, blogger, drupal (the CMS's convention), robots (robots.txt), sitemap.xml, index (a sitemap index)."),
        Column("outcome", "string", f"{_choices(FeedOutcome)}: only read, malformed and cut gave entries."),
        Column("http_status", "integer", "The HTTP status of the answer, if there was one."),
        Column("format", "string", "What it was: rss20, atom10 … for a feed, urlset or sitemapindex for a sitemap."),
        Column("entries", "integer", "Entries read."),
        Column("left_out", "integer", "Entries past the bound (NEWSARCHIVE_FEED_MAX_ENTRIES), not read."),
        Column("reason", "string", "What went wrong, in one line."),
        Column("warc_file_id", "integer", "The WARC file holding the response as fetched."),
        Column("warc_offset", "integer", "Where its WARC record starts in the file (bytes)."),
    ),
    "feed_sightings": (
        Column("fetch_id", "integer", "The feed or sitemap fetch that listed the story."),
        Column("run_id", "integer", "The crawl run."),
        Column("url", "string", "Canonical URL of the story; a feed may list a story no listing showed."),
        Column("tag_id", "integer", "The tag: the feed's own, or one a sitemap entry's keywords name."),
        Column("position", "integer", "Its place in the feed or sitemap, from 1 at the top."),
        Column("seen_at", "datetime", "When the feed or sitemap was fetched (UTC)."),
        Column("title", "string", "The title the feed or news sitemap gave."),
        Column("published_at", "string", "The publication time it gave (ISO 8601)."),
        Column("modified_at", "string", "The modification time it gave (ISO 8601)."),
        Column("author", "string", "The author it named."),
    ),
    "crawl_runs": (
        Column("start_urls", "string", "The tag pages the crawl started at (JSON list)."),
        Column("started_at", "datetime", "Start (UTC)."),
        Column("finished_at", "datetime", "End (UTC); empty while running or after a hard stop."),
        Column("status", "string", f"How the run ended: {_choices(RunStatus)}."),
        Column("pages", "integer", "Listing pages fetched."),
        Column("stories_new", "integer", "Stories new to the archive."),
        Column("stories_existing", "integer", "Stories the archive already had."),
        Column("errors", "integer", "Pages that failed."),
        Column("software_version", "string", "The newsarchive version that ran the crawl."),
        Column("settings", "string", "Settings that differed from the defaults (JSON object)."),
        Column("low_confidence_pages", "string", "Listing pages whose stories were all of low confidence, probably misread (JSON list of URLs); empty when none."),
    ),
}  # fmt: skip

# Every field an export can carry (`--fields`), in this order when listed: the story's own
# columns, its tags after `site`, and not the internal `first_run_id`.
FIELDS: dict[str, Column] = {
    field.name: field
    for column in STORIES
    if column.name != "first_run_id"
    for field in ((column, TAGS) if column.name == "site" else (column,))
} | ARTICLE_FIELDS
# What an export carries unless told otherwise, in this order.
DEFAULT_FIELDS = (
    "url", "headline", "teaser", "published_at", "author", "image_url", "site", "tags",
    "first_seen_at", "last_seen_at", "confidence", "article_title", "article_text",
    "article_published_at", "article_modified_at", "article_authors", "article_language",
    "article_canonical_url", "article_status", "article_fetched_at",
)  # fmt: skip
# A change by the site to one of these keeps the earlier values as a version.
TRACKED_FIELDS = ("headline", "teaser", "published_at", "author", "image_url")
