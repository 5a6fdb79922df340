"""Listing extraction: plain functions over a parsel Selector, no Scrapy, network or clock.

Strategies are tried in order; the first that finds stories wins and its name is recorded on
every story it returns.
"""

from __future__ import annotations

from collections.abc import Callable

from parsel import Selector

from newsarchive.extract import headlines, wordpress
from newsarchive.extract.links import base_url
from newsarchive.extract.model import ExtractedStory, Listing
from newsarchive.extract.pagination import find_next_page
from newsarchive.extract.tag import find_tag

Strategy = tuple[str, Callable[[Selector, str], list[ExtractedStory]]]
STRATEGIES: tuple[Strategy, ...] = (
    (wordpress.NAME, wordpress.extract),
    (headlines.NAME, headlines.extract),
)

__all__ = ["STRATEGIES", "ExtractedStory", "Listing", "extract_listing"]


def extract_listing(page: Selector, url: str) -> Listing:
    """Extract the stories, tag name and older-page link of the listing page at `url`."""
    base = base_url(page, url)
    listing = Listing(url=url, tag=find_tag(page, url), next_page=find_next_page(page, base, url))
    for name, strategy in STRATEGIES:
        stories = _unique(strategy(page, base))
        if stories:
            listing.stories, listing.method = stories, name
            break
    return listing


def _unique(stories: list[ExtractedStory]) -> list[ExtractedStory]:
    """Keep the first entry per URL: a story linked twice in one list is one story."""
    seen: set[str] = set()
    return [s for s in stories if not (s.url in seen or seen.add(s.url))]
