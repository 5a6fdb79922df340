"""What a crawl yields: the stories of one listing page, each with where it was seen, and
the fetches of their article pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(slots=True)
class Capture:
    """Where the bytes of a fetched page are kept: a WARC file and its response record.

    Shared by every story of the page. The WARC file is written on the crawl's writer thread,
    which fills in `offset` once the record is on disk; the page's stories are stored on the
    same thread afterwards, so by then each sighting can name its record.
    """

    warc_file: str
    offset: int | None = None


@dataclass(frozen=True, slots=True)
class ArchivedCapture:
    """A web archive's capture of a listing page (one entry of a Wayback-style CDX API).

    A backfill fetches its original bytes from `replay_url`; its stories are sightings dated
    when the archive captured the page, not when the backfill fetched it.
    """

    url: str  # the page's original URL, as the web archive names it
    timestamp: str  # the archive's 14-digit UTC timestamp
    replay_url: str
    digest: str | None = None  # the archive's digest of the captured payload
    page_number: int = 1  # 1 for the start URL, N for its N-th older page

    @property
    def captured_at(self) -> datetime:
        return datetime.strptime(self.timestamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


@dataclass(slots=True)
class WarcRecord:
    """A page's response or revisit record in a WARC file: what the archive's record index keeps
    so that a later page with the same payload can be written as a revisit of it."""

    url: str  # WARC-Target-URI
    date: datetime  # WARC-Date
    record_id: str  # WARC-Record-ID
    payload_digest: str  # WARC-Payload-Digest
    warc_file: str | None = None
    offset: int | None = None  # filled in on the writer thread once written
    # For a revisit: the response record holding the bytes.
    original: WarcRecord | None = None


@dataclass(slots=True)
class Story:
    """A story as a listing page showed it, and the sighting: where and when it was seen.

    `url` is the link as found until the normalise pipeline replaces it with its canonical form.
    """

    url: str
    headline: str
    teaser: str | None = None
    published_at: str | None = None
    author: str | None = None
    image_url: str | None = None
    site: str | None = None
    extraction_method: str | None = None
    date_source: str | None = None
    # The provenance of the other fields and how sure extraction is of the story (0 to 1), as
    # extract.model.ExtractedStory describes them; None when not known.
    date_precision: str | None = None
    author_source: str | None = None
    teaser_source: str | None = None
    confidence: float | None = None
    # The sighting.
    tag: str | None = None
    listing_url: str | None = None
    page_number: int | None = None
    position: int | None = None
    fetched_at: str | None = None  # for a web archive's capture, when it was captured
    capture: Capture | None = None
    archived: ArchivedCapture | None = None  # the capture a backfill read the page from


@dataclass(slots=True)
class ListingPage:
    """The stories of one listing page, in the order listed: the item the pipelines receive.

    One item per page rather than per story: Scrapy's per-item machinery (spider middleware,
    signals, the pipeline chain) then runs once for twenty stories instead of twenty times.
    `start_url` and `page_number` place the page in its walk (for resuming an interrupted crawl).
    """

    stories: list[Story]
    start_url: str | None = None
    page_number: int | None = None


@dataclass(slots=True)
class ListingWalk:
    """How one walk of a start URL's pages went in a run: from page 1, or continuing an earlier
    walk from `first_page`; `next_url` is where it would go on (see newsarchive.walks)."""

    start_url: str
    mode: str  # a newsarchive.status.WalkMode
    pages: int = 0
    stories: int = 0
    tag: str | None = None
    site: str | None = None
    end_reason: str | None = None  # a newsarchive.status.WalkEnd; None while walking
    first_page: int = 1
    first_url: str | None = None
    last_page: int | None = None
    next_url: str | None = None
    next_page: int | None = None


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A listing page that gave no stories: its walk's start URL, its place, and why (one line)."""

    start_url: str
    url: str
    page_number: int
    reason: str
    http_status: int | None = None

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


@dataclass(slots=True)
class FeedEntry:
    """One story as a feed or sitemap lists it; times are ISO 8601 as precise as it gave them."""

    url: str
    title: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    author: str | None = None
    # Tags or keywords the entry names (feed categories, news sitemap keywords).
    keywords: tuple[str, ...] = ()


@dataclass(slots=True)
class FeedFetch:
    """A feed or sitemap a run asked for, how that went and the entries it held: a listing's
    own feed (`start_url` and `tag` say whose) or one of a site's sitemaps."""

    kind: str  # "feed" or "sitemap"
    url: str
    site: str
    found_by: str  # link, wordpress, ghost, blogger, drupal; robots, sitemap.xml, index
    start_url: str | None = None
    tag: str | None = None
    outcome: str | None = None  # a newsarchive.status.FeedOutcome
    http_status: int | None = None
    format: str | None = None  # rss20, atom10, urlset …
    entries: list[FeedEntry] = field(default_factory=list)
    left_out: int = 0  # entries past the bound, not read
    reason: str | None = None  # what went wrong, in one line
    fetched_at: str | None = None
    capture: Capture | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.url}: {self.reason or self.outcome}"


@dataclass(slots=True)
class ArticleFields:
    """What an article page says about itself (newsarchive.extract.article reads it); None or
    empty where it says nothing."""

    title: str | None = None
    text: str | None = None
    published_at: str | None = None  # ISO 8601 as precise as the page gives it
    modified_at: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    canonical_url: str | None = None
    image_url: str | None = None
    # The metadata says the content is locked and the page shows only a stub of it.
    paywalled: bool = False
    # Correction or update notes in the text, each its whole paragraph.
    corrections: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split()) if self.text else 0


@dataclass(slots=True)
class ArticlePage:
    """One fetch of a story's article page: how it answered and what it said.

    `story_url` is the story's key in the archive; `url` the page requested and `final_url`
    where redirects ended. `fields` is None when the page gave nothing to read (an error, a
    deletion); `reason` says why in one line.
    """

    story_url: str
    url: str
    final_url: str
    status: str  # a newsarchive.status.ArticleStatus
    fetched_at: str
    http_status: int | None = None
    reason: str | None = None
    fields: ArticleFields | None = None
    capture: Capture | None = None
