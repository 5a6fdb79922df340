"""The name of the tag or category a listing page is about."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from parsel import Selector

from newsarchive.extract.text import visible_text

TITLES = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' page-title ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' archive-title ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' taxonomy-title ')]",
    "//main//h1",
    "//h1",
)
# "Tag: Peru", "Category Archives: Peru", "Archives for Peru" -> "Peru"
PREFIX = re.compile(
    r"^(?:(?:tag|category|topic|section)(?: archives?)?|archives?(?: for)?|posts tagged)\s*[:\-–]?\s*",
    re.I,
)
PAGE_SEGMENT = re.compile(r"^(page|p)$|^\d+$", re.I)


def find_tag(page: Selector, url: str) -> str | None:
    """The listing's name from its title, else from the last meaningful segment of its URL."""
    for query in TITLES:
        node = page.xpath(query)
        if node:
            text = visible_text(node[0])
            if text:
                return PREFIX.sub("", text).strip(" \"'“”‘’") or text
    return tag_from_url(url)


def tag_from_url(url: str) -> str | None:
    """`https://x.org/tag/peru-protests/page/2/` -> "Peru Protests"."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    while segments and PAGE_SEGMENT.match(segments[-1]):
        segments.pop()
        if segments and segments[-1].lower() == "page":
            segments.pop()
    if not segments:
        return None
    name = re.sub(r"\.(?:html?|php|aspx?)$", "", unquote(segments[-1]), flags=re.I)
    return name.replace("-", " ").replace("_", " ").strip().title() or None
