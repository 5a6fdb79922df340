"""Small helpers over lxml elements: classes, XPath class tests, page regions that are not content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from lxml import etree

Element = etree._Element

# Words in class/id attributes of page furniture: navigation, widgets, sliders, footers.
# Matched at the start of a class/id word ("sidebar", "widget_recent_entries", "owl-carousel").
FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:side|widget|nav|menu|footer|breadcrumb|tagcloud|tag-cloud|related|popular"
    r"|most-?read|mostread|trending|slider|slides|slideshow|carousel|swiper|flexslider|slick"
    r"|owl|ticker|marquee|breaking|advert|ads?(?:[\s_-]|$)|promo|sponsor|share|social"
    r"|comment|recent|topbar|header|masthead|cookie|modal|popup|newsletter|subscribe)",
    re.I,
)
# The strongest signs of a block that repeats or advertises other stories.
REPEATER = re.compile(
    r"(?:^|[\s_-])(?:related|popular|most-?read|mostread|trending|slider|slides|slideshow"
    r"|carousel|swiper|flexslider|slick|owl|ticker|marquee|breaking)",
    re.I,
)
MAIN = re.compile(
    r"(?:^|[\s_-])(?:main|content|primary|posts|post-list|postlist|articles|archive|loop"
    r"|results|listing|stream|feed|entries|news-list|blog)",
    re.I,
)
FURNITURE_TAGS = frozenset(("nav", "footer", "aside", "header", "menu"))
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_DIGITS = re.compile(r"\d+")


@cache
def xpath(query: str) -> etree.XPath:
    """`query` compiled once: lxml compiles a string query anew on every `.xpath()` call."""
    return etree.XPath(query)


def has_class(name: str) -> str:
    """XPath test for a whole class token, e.g. `//article[{has_class('post')}]`.

    The plain substring test first: it is cheap, and most elements fail it.
    """
    return (
        f"(contains(@class, '{name}')"
        f" and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
    )


def classes(el: Element) -> set[str]:
    return set((el.get("class") or "").split())


def marks(el: Element) -> str:
    """The class and id of `el`, the words authors use to say what a block is."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


def signature(el: Element) -> str:
    """Tag, id and classes with numbers removed: alike for the repeated boxes of one list."""
    return _DIGITS.sub("", f"{el.tag}#{el.get('id') or ''}.{el.get('class') or ''}")


def ancestors(el: Element) -> Iterator[Element]:
    parent = el.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def in_furniture(el: Element, stop: Element | None = None) -> bool:
    """True when `el` or an ancestor (below `stop`) is navigation, a widget, a footer and such."""
    node: Element | None = el
    while node is not None and node is not stop:
        if node.tag in FURNITURE_TAGS or FURNITURE.search(marks(node)):
            return True
        node = node.getparent()
    return False


def heading_of(el: Element) -> Element | None:
    """The heading element around or inside `el`, if any."""
    if el.tag in HEADINGS:
        return el
    for parent in ancestors(el):
        if parent.tag in HEADINGS:
            return parent
    for child in el.iter(*HEADINGS):
        return child
    return None


def depth(el: Element) -> int:
    return sum(1 for _ in ancestors(el))


def common_ancestor(a: Element, b: Element) -> Element | None:
    seen = {a, *ancestors(a)}  # lxml proxies compare by identity while alive: keep them in the set
    if b in seen:
        return b
    for parent in ancestors(b):
        if parent in seen:
            return parent
    return None


def precedes(a: Element, b: Element) -> bool:
    """True when `a` ends before `b` starts in document order (neither inside the other)."""
    top = common_ancestor(a, b)
    if top is None or top is a or top is b:
        return False
    child_a = next(el for el in (a, *ancestors(a)) if el.getparent() is top)
    child_b = next(el for el in (b, *ancestors(b)) if el.getparent() is top)
    return top.index(child_a) < top.index(child_b)
