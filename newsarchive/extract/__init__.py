"""Listing extraction: plain functions over a parsel Selector, no Scrapy, network or clock.

Layers are tried in order — a site profile, structured data, the known CMS families, then the
generic repeated-block heuristic — and the first that finds stories wins; its name is recorded
on the listing and on every story. At most MAX_STORIES entries of a page are read. Every story
gets a confidence (extract/confidence.py). Extraction never raises on malformed pages: a page it
cannot read is a page without stories.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from parsel import Selector

from newsarchive.extract import generic, profile, structured
from newsarchive.extract.confidence import assess
from newsarchive.extract.context import PageContext, page_context
from newsarchive.extract.families import FAMILIES, extract_family
from newsarchive.extract.feeds import feed_links
from newsarchive.extract.limits import MAX_STORIES
from newsarchive.extract.model import ExtractedStory, Listing
from newsarchive.extract.pagination import find_next_page
from newsarchive.extract.profile import Profile
from newsarchive.extract.tag import find_tag

logger = logging.getLogger(__name__)

Layer = tuple[str, Callable[[PageContext], list[ExtractedStory]]]
LAYERS: tuple[Layer, ...] = (
    ("json-ld", structured.extract_json_ld),
    ("microdata", structured.extract_microdata),
    *((family.name, partial(extract_family, family)) for family in FAMILIES),
    (generic.NAME, generic.extract),
)

__all__ = ["LAYERS", "MAX_STORIES", "ExtractedStory", "Listing", "Profile", "extract_listing"]


def extract_listing(
    page: Selector,
    url: str,
    *,
    now: datetime | None = None,
    profiles: Sequence[Profile] = (),
) -> Listing:
    """Extract the stories, tag name and older-page link of the listing page at `url`.

    `now` is when the page was fetched, to resolve relative dates ("3 hours ago"); without it
    they are left empty. `profiles` are site profiles; the first whose pattern matches is used.
    """
    try:
        ctx = page_context(page, url, now)
    except (ValueError, TypeError, AttributeError):
        logger.warning("cannot read %s as HTML", url)
        return Listing(url=url, tag=None)
    chosen = profile.matching(list(profiles), url)
    listing = Listing(url=url, tag=_safe(find_tag, page, url))
    layers: list[Layer] = list(LAYERS)
    if chosen is not None:
        layers.insert(0, (profile.NAME, partial(profile.extract, profile=chosen)))
    for name, layer in layers:
        stories = _unique(_safe(layer, ctx) or [])
        if stories:
            listing.stories, listing.method = stories[:MAX_STORIES], name
            break
    assess(listing)
    listing.next_page = (profile.next_page(ctx, chosen) if chosen else None) or _safe(
        find_next_page, page, ctx.base, url, story_dates(listing)
    )
    listing.feeds = _safe(feed_links, page, ctx.base, url, listing.tag) or []
    return listing


def story_dates(listing: Listing) -> list[str]:
    """The listed stories' dates, which tell a date-cursor link to older stories from newer."""
    return [story.published_at for story in listing.stories if story.published_at]


def _safe(function: Callable, *args: object) -> object:
    """Run one layer; a failure on a malformed page is logged and counts as "found nothing"."""
    try:
        return function(*args)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError) as error:
        logger.warning(
            "extraction step %s failed: %r", getattr(function, "__name__", function), error
        )
        return None


def _unique(stories: list[ExtractedStory]) -> list[ExtractedStory]:
    """Keep the first entry per URL: a story linked twice in one list is one story."""
    seen: set[str] = set()
    return [s for s in stories if not (s.url in seen or seen.add(s.url))]
