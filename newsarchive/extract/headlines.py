"""Repeated headline links: a heading with a link, optionally followed by a teaser paragraph.

This is the shape of minimal news themes (the seed page: a tag title, then per story a headline
link and a teaser paragraph). Boxes whose heading has no link, such as a newsletter sign-up, are
not stories.
"""

from __future__ import annotations

from collections import defaultdict

from parsel import Selector

from newsarchive.extract.links import absolute_href, same_site
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import visible_text

NAME = "headlines"
HEADING_LINK = (
    "//*[self::h2 or self::h3 or self::h4]/a[@href]"
    "[not(ancestor::nav or ancestor::footer or ancestor::aside or ancestor::header)]"
)
MIN_STORIES = 2


def extract(page: Selector, base: str) -> list[ExtractedStory]:
    """Stories from the largest group of same-shaped heading links on the page."""
    groups: dict[str, list[ExtractedStory]] = defaultdict(list)
    for link in page.xpath(HEADING_LINK):
        url = absolute_href(link.attrib.get("href"), base)
        headline = visible_text(link)
        if not url or not headline or not same_site(url, base):
            continue
        heading = link.xpath("..")[0]
        groups[_shape(heading)].append(
            ExtractedStory(
                url=url,
                headline=headline,
                teaser=_teaser(heading, headline),
                image_url=absolute_href(_image(heading), base),
                extraction_method=NAME,
            )
        )
    best = max(groups.values(), key=len, default=[])
    return best if len(best) >= MIN_STORIES else []


def _shape(heading: Selector) -> str:
    """Tag path and classes of the heading and its two parents, to group like with like."""
    parts = [
        f"{node.root.tag}.{node.attrib.get('class', '')}"
        for node in [heading, *heading.xpath("ancestor::*[position() <= 2]")]
    ]
    return "/".join(parts)


def _teaser(heading: Selector, headline: str) -> str | None:
    paragraph = heading.xpath("following-sibling::*[1][self::p or self::div]")
    if not paragraph:
        paragraph = heading.xpath("../following-sibling::*[1][self::p]")
    text = visible_text(paragraph[0], teaser=True) if paragraph else None
    return text if text and text != headline else None


def _image(heading: Selector) -> str | None:
    return heading.xpath("../descendant::img[1]/@src").get()
