"""What a crawl yields: the stories of one listing page, each with where it was seen."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Story:
    """A story seen on a listing page, with where and when it was seen.

    `url` is the link as found until the normalise pipeline replaces it with its canonical form.
    """

    url: str
    headline: str
    teaser: str | None = None
    published_at: str | None = None
    author: str | None = None
    image_url: str | None = None
    tag: str | None = None
    site: str | None = None
    extraction_method: str | None = None
    date_source: str | None = None
    listing_url: str | None = None
    page_number: int | None = None
    position: int | None = None
    fetched_at: str | None = None
    # The WARC record of the listing page the story was seen on: its offset, or while the crawl
    # writes it on the writer thread, its key there (newsarchive.writer.Writer.offsets).
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_key: int | None = None


@dataclass(slots=True)
class ListingPage:
    """The stories of one listing page, in the order listed: the item the pipelines receive.

    One item per page rather than per story: Scrapy's per-item machinery (spider middleware,
    signals, the pipeline chain) then runs once for twenty stories instead of twenty times.
    """

    stories: list[Story]


@dataclass(slots=True)
class ListingWalk:
    """How one start URL's pagination was walked in a run."""

    start_url: str
    mode: str  # full, incremental
    pages: int = 0
    stories: int = 0
    tag: str | None = None
    site: str | None = None
    end_reason: str | None = None
