"""Normalise a story: clean text, absolute canonical URLs, the site it belongs to."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin

from newsarchive.items import ListingPage, Story
from newsarchive.urls import canonical_url, host_of, is_web_url

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_FIELDS = ("headline", "teaser", "author", "tag")


def clean_text(value: str | None) -> str | None:
    """Decode entities, drop control characters, collapse whitespace; empty becomes None."""
    if value is None:
        return None
    value = _SPACE.sub(" ", _CONTROL.sub("", unescape(value))).strip()
    return value or None


class NormalizePipeline:
    def process_item(self, page: ListingPage) -> ListingPage:
        for story in page.stories:
            normalize(story)
        return page


def normalize(item: Story) -> Story:
    """Normalise one story in place."""
    for name in TEXT_FIELDS:
        setattr(item, name, clean_text(getattr(item, name)))
    base = item.listing_url or ""
    url = urljoin(base, item.url.strip()) if item.url else ""
    item.url = canonical_url(url) if is_web_url(url) else ""
    if item.image_url:
        image = urljoin(base, item.image_url.strip())
        item.image_url = canonical_url(image) if is_web_url(image) else None
    item.site = host_of(item.url or base) or None
    return item
