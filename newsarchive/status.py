"""The words a run record uses: run statuses, walk modes and why a walk ended.

Stored as text in the archive, printed by `runs`, compared by the crawl: one definition each.
Kept free of heavy imports, so the command line can name them without loading Scrapy or SQLAlchemy.
"""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """How a crawl run ended (`crawl_runs.status`)."""

    RUNNING = "running"
    FINISHED = "finished"
    NO_STORIES = "no_stories"
    FEWER_STORIES = "fewer_stories"
    FAILED = "failed"
    # Stories were archived, but pages failed (an HTTP error, a timeout): later runs fetch them.
    PARTIAL = "partial"
    # Stories were archived, but the WARC file could not be written (a full disk): the run's
    # sightings from then on have no WARC record.
    WARC_FAILED = "warc_failed"
    INTERRUPTED = "interrupted"


class WalkMode(StrEnum):
    """How a walk of a start URL's pages went about it (`listing_walks.mode`).

    A run walks each start URL from page 1 (`full` the first time, `incremental` once the
    archive has walked it), then continues every walk an earlier run left unfinished, from where
    it stopped: `resume` to the listing's end when the end was never reached, `catch_up` until
    it meets known stories when a later walk left a gap (it was cut short while still finding
    new stories).
    """

    FULL = "full"
    INCREMENTAL = "incremental"
    RESUME = "resume"
    CATCH_UP = "catch_up"
    # A web archive's captures of the start URL and its older pages (`newsarchive backfill`):
    # never a walk of the live site, so it neither makes later crawls incremental nor sets the
    # stories-per-page baseline.
    BACKFILL = "backfill"


class WalkEnd(StrEnum):
    """Why a walk of a start URL's pages stopped (`listing_walks.end_reason`)."""

    LAST_PAGE = "last_page"
    MAX_PAGES = "max_pages"
    NO_NEW_STORIES = "no_new_stories"  # an empty page, or a pagination loop
    KNOWN_STORIES = "known_stories"  # an incremental walk reached what the archive had
    OFFSITE_NEXT = "offsite_next"
    ALREADY_FETCHED = "already_fetched"  # a loop, or a page another start URL's walk has
    JOINED = "joined"  # another walk of the same start URL in this run has the next page
    URL_TOO_LONG = "url_too_long"  # a next link that grows on every page
    LAST_CAPTURE = "last_capture"  # a backfill fetched every capture it selected
    ERROR = "error"


# Walks that ended for one of these reasons went as far as the listing goes: the end.
REACHED_END = frozenset(
    {
        WalkEnd.LAST_PAGE, WalkEnd.NO_NEW_STORIES, WalkEnd.OFFSITE_NEXT, WalkEnd.ALREADY_FETCHED,
        WalkEnd.URL_TOO_LONG,
    }
)  # fmt: skip
# Walks that ended for one of these reasons (or none: interrupted) left pages unwalked, and a
# later run continues them from where they stopped.
UNFINISHED = frozenset({WalkEnd.MAX_PAGES, WalkEnd.ERROR, None})


class FeedOutcome(StrEnum):
    """How fetching a feed or sitemap went (`feed_fetches.outcome`). Only `read`, `malformed`
    and `cut` gave entries; `missing` and `not_a_feed` are normal for a feed found by convention
    (the next candidate is tried); none of them is an error of the run."""

    READ = "read"
    MALFORMED = "malformed"  # read as far as it could be: a warning
    CUT = "cut"  # larger than the bound: read up to it, with a warning
    MISSING = "missing"  # HTTP 404 or 410
    NOT_A_FEED = "not_a_feed"  # an answer, but neither a feed nor a sitemap
    REFUSED = "refused"  # not asked for: robots.txt disallows it, or it leaves the site
    FAILED = "failed"  # another HTTP error, a timeout, robots.txt: a warning


# Feeds and sitemaps that gave entries, and those worth a warning.
FEED_READ = frozenset({FeedOutcome.READ, FeedOutcome.MALFORMED, FeedOutcome.CUT})
FEED_PROBLEMS = frozenset({FeedOutcome.MALFORMED, FeedOutcome.CUT, FeedOutcome.FAILED})


class ArticleStatus(StrEnum):
    """How a story's article page answered when last fetched (`articles.status`)."""

    OK = "ok"
    # Served, but at another URL than asked for: the site redirected it.
    REDIRECTED = "redirected"
    DELETED = "deleted"  # 404 or 410
    # A timeout, another HTTP error, no HTML, too large, or only a paywall stub: tried again later.
    ERROR = "error"
    NOT_FETCHED = "not_fetched"  # no article row: never fetched (exports only)


class ArticleChange(StrEnum):
    """What a fetch of an article found changed since the previous one (`article_versions.kind`):
    one version per kind a fetch found (a rewritten title and a correction are two)."""

    FIRST = "first"  # the first text the archive has of it
    DELETED = "deleted"
    RESTORED = "restored"  # back after it was deleted
    REDIRECTED = "redirected"  # now answered from another URL
    PAYWALLED = "paywalled"  # the text is now behind a paywall (the earlier text is kept)
    TITLE = "title"  # the title was rewritten
    CORRECTION = "correction"  # the text changed, and a correction or update note was added
    TEXT = "text"  # the text changed otherwise
