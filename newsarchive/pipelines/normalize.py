"""Normalise a story: clean text, absolute canonical URLs, the site it belongs to."""

from __future__ import annotations

import re

from newsarchive.extract.links import absolute_href
from newsarchive.items import ArticlePage, ListingPage, Story
from newsarchive.urls import canonical_url, host_of, is_web_url

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_FIELDS = ("headline", "teaser", "author", "tag")


def clean_text(value: str | None) -> str | None:
    """Drop control characters, collapse whitespace; empty becomes None.

    Entities are not decoded again: extraction hands over text as the page shows it, so a
    visible "&lt;b&gt;" stays as written.
    """
    if value is None:
        return None
    value = _SPACE.sub(" ", _CONTROL.sub("", value)).strip()
    return value or None


class NormalizePipeline:
    def process_item(self, page: ListingPage | ArticlePage) -> ListingPage | ArticlePage:
        if not isinstance(page, ListingPage):
            return page  # an article fetch: read and checked by its spider
        for story in page.stories:
            normalize(story)
        return page


def normalize(item: Story) -> Story:
    """Normalise one story in place."""
    for name in TEXT_FIELDS:
        setattr(item, name, clean_text(getattr(item, name)))
    base = item.listing_url or ""
    url = absolute_href(item.url, base)
    item.url = canonical_url(url) if url and is_web_url(url) else ""
    if item.image_url:
        image = absolute_href(item.image_url, base)
        item.image_url = canonical_url(image) if image and is_web_url(image) else None
    item.site = host_of(item.url or base) or None
    return item
