"""What extraction returns: the stories of one listing page and where its older page is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsarchive.extract.feeds import FeedLink


@dataclass(slots=True)
class ExtractedStory:
    """One story as the listing shows it; `extraction_method` names the strategy that found it.

    Text fields are None, never empty, when the page shows nothing for them.
    """

    url: str
    headline: str
    teaser: str | None = None
    published_at: str | None = None
    author: str | None = None
    image_url: str | None = None
    extraction_method: str = ""
    # Where published_at came from: "time", "markup", "text", "relative", "url" or "profile";
    # None when there is no date.
    date_source: str | None = None
    # The smallest unit published_at states: "second", "minute", "hour", "day", "week", "month"
    # or "year" (a relative "2 months ago" is month-precise); None when there is no date.
    date_precision: str | None = None
    # Where the author came from: "markup" (an element marked as the author), "byline" (a
    # "By …" / "Por …" / "Автор: …" text), "structured" (JSON-LD or microdata) or "profile".
    author_source: str | None = None
    # Where the teaser came from: "markup" (the element a layer or profile names as the
    # excerpt) or "entry" (the entry's text after its title, without bylines and dates).
    teaser_source: str | None = None
    # How sure extraction is that this is a story of the listing with these fields, 0 to 1:
    # the layer that matched, how alike the page's entries are and whether this one agrees with
    # the others (see extract/confidence.py).
    confidence: float = 0.0


@dataclass(slots=True)
class Listing:
    """The result of extracting one listing page."""

    url: str
    tag: str | None
    stories: list[ExtractedStory] = field(default_factory=list)
    next_page: str | None = None
    method: str | None = None
    # True when a layout learned on an earlier page of the site read this one.
    learned: bool = False
    # True when every story is of low confidence: likely a layout the extractor misreads.
    low_confidence: bool = False
    # The listing's own feeds, most likely first (extract/feeds.py): a second witness of it.
    feeds: list[FeedLink] = field(default_factory=list)
