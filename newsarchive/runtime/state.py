"""What a crawl run knows about itself while it runs: one typed object, owned by the recorder."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsarchive.items import FeedFetch, ListingWalk, PageFailure
from newsarchive.status import RunStatus
from newsarchive.storage import Shortfall


@dataclass(slots=True)
class ArticleCounts:
    """A run's article fetches: requested, and stored by how they went."""

    requested: int = 0
    stored: int = 0
    ok: int = 0
    failed: int = 0  # errors and paywall stubs: tried again by later runs
    deleted: int = 0
    changed: int = 0  # versions recorded
    merged: int = 0  # stories re-keyed or merged by canonical URL
    filled: int = 0  # stories that got a date or author from their article
    over_budget: int = 0  # not requested: the run's article budget was spent


@dataclass(slots=True)
class RunState:
    """A run's record as it grows: the spider adds walks, pages and failures; the store adds
    story counts; the recorder sets the run id at the start and the status at the end."""

    archive: str
    run_id: int | None = None
    status: RunStatus = RunStatus.RUNNING
    warc_file: str | None = None
    walks: list[ListingWalk] = field(default_factory=list)
    # Start pages that failed (their start URL gave nothing), and later pages that failed.
    start_failures: list[PageFailure] = field(default_factory=list)
    page_failures: list[PageFailure] = field(default_factory=list)
    # The feeds and sitemaps asked for, with their entries: recorded when the run ends.
    feeds: list[FeedFetch] = field(default_factory=list)
    pages: int = 0
    stories_new: int = 0
    stories_existing: int = 0
    sightings: int = 0
    current_tag: str | None = None
    # False for runs that fetch articles only (`newsarchive articles`): no listing, no stories.
    listings: bool = True
    articles: ArticleCounts = field(default_factory=lambda: ArticleCounts())
    # Why the run could not start (the archive is locked or cannot be opened), or stopped
    # because stories could not be written; the message is safe to show.
    error: Exception | None = None
    store_failed: bool = False
    # Pages the run means to fetch, when known up front (a backfill's captures), for progress.
    pages_planned: int | None = None
    # A backfill found every capture it selected in the archive already: nothing to fetch.
    up_to_date: bool = False
    shortfalls: list[Shortfall] = field(default_factory=list)
    # Listing pages whose stories were all of low confidence: likely a layout misread.
    low_confidence_pages: list[str] = field(default_factory=list)
