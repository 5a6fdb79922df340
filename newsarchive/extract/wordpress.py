"""Classic WordPress themes: `article.post` entries with `.entry-title` headlines."""

from __future__ import annotations

from parsel import Selector

from newsarchive.extract.links import absolute_href
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import clean, visible_text

NAME = "wordpress"

# Posts of the main loop; posts nested in another post (related-posts boxes) are not entries.
ENTRY = (
    "//*[(self::article or self::div)][contains(concat(' ', normalize-space(@class), ' '), ' post ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' type-post ')]"
    "[not(ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' post ')])]"
    "[not(ancestor::aside or ancestor::footer or ancestor::nav)]"
)
HEADLINE_LINK = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')]//a[@href]"
)
TEASER = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-summary ')]",
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
)
DATE = (".//time/@datetime", ".//abbr[contains(@class, 'published')]/@title")
AUTHOR = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' author ')]//a",
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' author ')]",
    ".//*[@rel='author']",
)
IMAGE = ".//img/@data-src | .//img/@src"


def extract(page: Selector, base: str) -> list[ExtractedStory]:
    """Stories of a classic WordPress archive, or [] when the page is not one."""
    stories = []
    for entry in page.xpath(ENTRY):
        link = entry.xpath(HEADLINE_LINK)
        if not link:
            continue
        url = absolute_href(link[0].attrib.get("href"), base)
        headline = visible_text(link[0])
        if not url or not headline:
            continue
        published_at = _first(entry, DATE)
        stories.append(
            ExtractedStory(
                url=url,
                headline=headline,
                teaser=_teaser(entry, headline),
                published_at=published_at,
                date_source="markup" if published_at else None,
                author=_author(entry),
                image_url=absolute_href(entry.xpath(IMAGE).get(), base),
                extraction_method=NAME,
            )
        )
    return stories


def _teaser(entry: Selector, headline: str) -> str | None:
    for query in TEASER:
        found = entry.xpath(query)
        if found:
            text = visible_text(found[0], teaser=True)
            return text if text != headline else None
    return None


def _author(entry: Selector) -> str | None:
    for query in AUTHOR:
        found = entry.xpath(query)
        if found:
            text = visible_text(found[0])
            if text:
                return text.removeprefix("By ").removeprefix("by ").strip() or None
    return None


def _first(entry: Selector, queries: tuple[str, ...]) -> str | None:
    for query in queries:
        value = clean(entry.xpath(query).get())
        if value:
            return value
    return None
