"""What extraction returns: the stories of one listing page and where its older page is."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ExtractedStory:
    """One story as the listing shows it; `extraction_method` names the strategy that found it."""

    url: str
    headline: str
    teaser: str | None = None
    published_at: str | None = None
    author: str | None = None
    image_url: str | None = None
    extraction_method: str = ""
    # Where published_at came from, e.g. "time", "text", "url"; None when there is no date.
    date_source: str | None = None


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
