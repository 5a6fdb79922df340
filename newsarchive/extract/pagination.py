"""Finding the link to the next (older) page of a listing."""

from __future__ import annotations

import re

from parsel import Selector

from newsarchive.extract.links import absolute_href

# In order of trust: explicit rel=next, then the older-posts links of common themes.
NEXT_LINKS = (
    "//link[@rel='next']/@href",
    "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' nav-previous ')]//a/@href",
    "//a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/a/@href",
)
NEXT_WORDS = re.compile(r"^(older (posts|entries|stories)|next( page)?|»|›|more stories)\b", re.I)


def find_next_page(page: Selector, base: str, url: str) -> str | None:
    """The absolute URL of the older page, or None on the last page."""
    for query in NEXT_LINKS:
        for href in page.xpath(query).getall():
            found = absolute_href(href, base)
            if found and found != url:
                return found
    for link in page.xpath("//a[@href]"):
        text = " ".join(link.xpath(".//text()").getall()).strip()
        if text and NEXT_WORDS.match(text):
            found = absolute_href(link.attrib["href"], base)
            if found and found != url:
                return found
    return None
