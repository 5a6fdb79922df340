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
    # Stories were archived, but the WARC file could not be written (a full disk): the run's
    # sightings from then on have no WARC record.
    WARC_FAILED = "warc_failed"
    INTERRUPTED = "interrupted"


class WalkMode(StrEnum):
    """How a start URL's pagination was walked (`listing_walks.mode`)."""

    FULL = "full"
    INCREMENTAL = "incremental"
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
    ALREADY_FETCHED = "already_fetched"
    URL_TOO_LONG = "url_too_long"  # a next link that grows on every page
    LAST_CAPTURE = "last_capture"  # a backfill fetched every capture it selected
    ERROR = "error"


# A walk that ended for one of these reasons covered the tag down to where it stopped being new.
COMPLETE_WALKS = frozenset(
    {
        WalkEnd.LAST_PAGE, WalkEnd.MAX_PAGES, WalkEnd.NO_NEW_STORIES, WalkEnd.KNOWN_STORIES,
        WalkEnd.OFFSITE_NEXT, WalkEnd.ALREADY_FETCHED,
    }
)  # fmt: skip
