"""How sure extraction is of each story, from 0 to 1, and of the page as a whole.

The figure weighs the evidence the extractor had: the layer that matched (a site profile and
structured data name their stories, a CMS family's markup is known, the generic heuristic
infers), how much the entry shows besides a link (a teaser and a date make a story; a bare link
may be a menu item), how regular the page's entries came out (stories of one list show the same
fields and links of one shape), and whether each story agrees with the others (a headline of
headline size and its own, a link shaped like theirs, a date near theirs). It is computed from
the extracted listing alone, so a learned layout that reads the same stories gets the same
figures.

A page whose stories are all below LOW_CONFIDENCE is flagged: most likely a layout the
extractor misreads, worth a site profile.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from statistics import median
from urllib.parse import urlsplit

from newsarchive.extract.model import ExtractedStory, Listing

# Trust in each layer's choice of stories; CMS families not named here get FAMILY_TRUST.
LAYER_TRUST = {"profile": 0.95, "json-ld": 0.9, "microdata": 0.85, "generic": 0.7}
FAMILY_TRUST = 0.85
LOW_CONFIDENCE = 0.5
# A headline shorter than this (characters) or longer than HEADLINE_LONG is suspect.
HEADLINE_SHORT = 12
HEADLINE_LONG = 300
DATE_SPREAD_DAYS = 3 * 365  # a date this far from the page's others does not belong with them
# A list of one or two stories is weak evidence of a list.
FEW_STORIES = {1: 0.7, 2: 0.85}


def assess(listing: Listing) -> None:
    """Set every story's `confidence` and the listing's `low_confidence`."""
    stories = listing.stories
    if not stories:
        listing.low_confidence = False
        return
    count = len(stories)
    story_shapes = [_shape(story) for story in stories]
    story_links = [_link_shape(story.url) for story in stories]
    story_days = [_day(story) for story in stories]
    shapes, links = Counter(story_shapes), Counter(story_links)
    headlines = Counter(story.headline for story in stories)
    days = [day for day in story_days if day is not None]
    middle = date.fromordinal(int(median(day.toordinal() for day in days))) if days else None
    for story, shape, link, day in zip(stories, story_shapes, story_links, story_days, strict=True):
        confidence = LAYER_TRUST.get(story.extraction_method, FAMILY_TRUST)
        confidence *= (
            0.75
            + 0.125 * (story.teaser is not None)
            + 0.125 * (story.date_source not in (None, "url"))
        )
        confidence *= 0.7 + 0.3 * shapes[shape] / count
        confidence *= 0.75 + 0.25 * links[link] / count
        if not HEADLINE_SHORT <= len(story.headline) <= HEADLINE_LONG:
            confidence *= 0.6
        if headlines[story.headline] > 1:
            confidence *= 0.7
        if day is not None and middle is not None and abs((day - middle).days) > DATE_SPREAD_DAYS:
            confidence *= 0.8
        confidence *= FEW_STORIES.get(count, 1.0)
        story.confidence = round(confidence, 3)
    listing.low_confidence = all(story.confidence < LOW_CONFIDENCE for story in stories)


def _shape(story: ExtractedStory) -> tuple[bool, ...]:
    """Which fields the story has: entries of one list show the same ones."""
    return (
        story.teaser is not None,
        story.published_at is not None,
        story.author is not None,
        story.image_url is not None,
    )


def _link_shape(url: str) -> tuple[str, int, str]:
    """Host, path depth and first path segment: story links of one list share them."""
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    first = segments[0] if len(segments) > 1 else ""
    return parts.netloc.lower(), len(segments), first


def _day(story: ExtractedStory) -> date | None:
    if not story.published_at:
        return None
    try:
        return date.fromisoformat(story.published_at[:10])
    except ValueError:
        return None
