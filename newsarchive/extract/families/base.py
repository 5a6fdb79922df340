"""How a CMS family is described (XPath per field) and how such a description is applied."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from newsarchive.extract.context import PageContext
from newsarchive.extract.dates import machine_date
from newsarchive.extract.dom import REPEATER, Element, marks
from newsarchive.extract.fields import author_name, entry_story, entry_teaser
from newsarchive.extract.links import absolute_href
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import visible_text

# Page regions a family's entries never come from: sidebars, footers, menus, repeated rails.
OUTSIDE = re.compile(r"(?:^|[\s_-])(?:side|sidebar|footer|widget-area|menu|nav|breadcrumb)", re.I)
OUTSIDE_TAGS = frozenset(("aside", "nav", "footer", "header"))


@dataclass(frozen=True, slots=True)
class Family:
    """One CMS family's markup. Queries are XPath; field queries are relative to the entry.

    `teaser` None means "find it generically"; an empty tuple means the family shows none.
    `group` (relative to an entry) names the list an entry belongs to; the largest list wins.
    """

    name: str
    detect: str
    entry: str
    headline: tuple[str, ...]
    link: tuple[str, ...] = ()
    teaser: tuple[str, ...] | None = None
    teaser_fallback: bool = False
    date: tuple[str, ...] = ()
    date_text: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    group: str | None = None


def extract_family(family: Family, ctx: PageContext) -> list[ExtractedStory]:
    """The family's entries on the page as stories; [] when the page is not of this family."""
    root = ctx.root
    if not root.xpath(family.detect):
        return []
    entries = [e for e in root.xpath(family.entry) if isinstance(e, Element) and _in_list(e)]
    entries = _outermost(entries)
    if family.group:
        lists: dict[Element | None, list[Element]] = defaultdict(list)
        for entry in entries:
            container = entry.xpath(family.group)
            lists[container[0] if container else None].append(entry)
        entries = max(lists.values(), key=len, default=[])
    stories = []
    for entry in entries:
        story = _story(family, ctx, entry)
        if story is not None:
            stories.append(story)
    return stories


def _in_list(entry: Element) -> bool:
    node: Element | None = entry.getparent()
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in OUTSIDE_TAGS or OUTSIDE.search(marks(node)) or REPEATER.search(marks(node)):
            return False
        node = node.getparent()
    return True


def _outermost(entries: list[Element]) -> list[Element]:
    """Entries inside another entry (a related-posts box in a post) are not entries."""
    chosen = set(entries)
    result = []
    for entry in entries:
        parent = entry.getparent()
        while parent is not None and parent not in chosen:
            parent = parent.getparent()
        if parent is None:
            result.append(entry)
    return result


def _first(entry: Element, queries: tuple[str, ...]) -> Element | None:
    for query in queries:
        for found in entry.xpath(query):
            if isinstance(found, Element):
                return found
    return None


def _story(family: Family, ctx: PageContext, entry: Element) -> ExtractedStory | None:
    title = _first(entry, family.headline)
    if title is None:
        return None
    link = title if title.tag == "a" else _link_of(title)
    if link is None or not link.get("href"):
        link = _first(entry, family.link)
    url = absolute_href(link.get("href"), ctx.base) if link is not None else None
    if url is None or link is None:
        return None
    teaser = None
    if family.teaser is not None:
        body = _first(entry, family.teaser)
        teaser = entry_teaser([body], None) if body is not None else None
    return entry_story(
        ctx,
        [entry],
        title,
        url,
        family.name,
        headline=visible_text(title),
        teaser=teaser,
        find_teaser=family.teaser is None or (family.teaser_fallback and teaser is None),
        published=_date(family, ctx, entry),
        author=_author(family, entry),
    )


def _link_of(title: Element) -> Element | None:
    for link in title.iter("a"):
        if link.get("href"):
            return link
    for parent in title.iterancestors("a"):
        return parent
    return None


def _date(family: Family, ctx: PageContext, entry: Element) -> tuple[str, str] | None:
    for query in family.date:
        for value in entry.xpath(query):
            found = machine_date(str(value))
            if found:
                return found, "time" if "time" in query else "markup"
    for query in family.date_text:
        for el in entry.xpath(query):
            found = ctx.dates.read(visible_text(el), relative=True)
            if found:
                return found
    return None


def _author(family: Family, entry: Element) -> str | None:
    for query in family.author:
        for el in entry.xpath(query):
            name = author_name(el)
            if name:
                return name
    return None
