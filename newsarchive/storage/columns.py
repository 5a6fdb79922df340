"""The column catalogue: every column of the archive's tables, and every field an export can
carry, with its type and what it holds.

One description per column, read by the export (`--fields`), the dataset bundle
(`datapackage.json`) and the browser (Datasette's column notes). Types are Frictionless Data
types. Free of SQLAlchemy, so the command line can list fields without loading the storage
layer; a test holds it to the tables in `schema.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive.status import ArticleChange, ArticleStatus, RunStatus, WalkEnd, WalkMode


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # string, integer, datetime or array
    description: str


def _choices(
    words: type[RunStatus]
    | type[WalkEnd]
    | type[WalkMode]
    | type[ArticleStatus]
    | type[ArticleChange],
) -> str:
    return ", ".join(words)


STORIES = (
    Column("url", "string", "Canonical URL of the story, tracking parameters removed: the archive's key for it."),
    Column("headline", "string", "Headline as the tag listing last showed it."),
    Column("teaser", "string", "Summary line under the headline on the listing, if any."),
    Column("published_at", "string", "Publication date or date-time (ISO 8601) as precise as the listing gave it."),
    Column("date_source", "string", "Where published_at was found on the listing: time, markup, text, relative, url or profile."),
    Column("author", "string", "Author as the listing named them, if it did."),
    Column("image_url", "string", "URL of the story's listing image, if any."),
    Column("site", "string", "Host of the site, without www."),
    Column("extraction_method", "string", "Which extractor found the story on the listing."),
    Column("first_seen_at", "datetime", "When a crawl first saw the story (UTC)."),
    Column("last_seen_at", "datetime", "When a crawl last saw the story (UTC)."),
    Column("first_run_id", "integer", "The crawl run that first stored it."),
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
        Column("name", "string", "Tag name as the site shows it."),
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
        Column("mode", "string", f"{_choices(WalkMode)}: from page 1 to the end or until known stories, or going on where an earlier walk stopped."),
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
    ),
}  # fmt: skip

# Every field an export can carry (`--fields`), in this order when listed: the story's own
# columns, its tags after `site`, and not the internal `first_run_id`.
FIELDS: dict[str, Column] = {
    column.name: column for column in (*STORIES[:8], TAGS, *STORIES[8:11], *ARTICLE_FIELDS.values())
}
# What an export carries unless told otherwise, in this order.
DEFAULT_FIELDS = (
    "url", "headline", "teaser", "published_at", "author", "image_url", "site", "tags",
    "first_seen_at", "last_seen_at", "article_title", "article_text", "article_published_at",
    "article_modified_at", "article_authors", "article_language", "article_canonical_url",
    "article_status", "article_fetched_at",
)  # fmt: skip
# A change by the site to one of these keeps the earlier values as a version.
TRACKED_FIELDS = ("headline", "teaser", "published_at", "author", "image_url")
