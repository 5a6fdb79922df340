"""How a CMS family is described (XPath per field) and how such a description is applied."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from newsarchive.extract.bylines import author_name
from newsarchive.extract.context import PageContext
from newsarchive.extract.dates import Dated
from newsarchive.extract.dom import REPEATER, Element, in_furniture, marks, precedes, xpath
from newsarchive.extract.fields import entry_story, entry_teaser
from newsarchive.extract.limits import MAX_STORIES
from newsarchive.extract.links import absolute_href
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import visible_text

# Page regions a family's entries never come from: sidebars, footers, menus, repeated rails.
OUTSIDE = re.compile(r"(?:^|[\s_-])(?:side|sidebar|footer|widget-area|menu|nav|breadcrumb)", re.I)
OUTSIDE_TAGS = frozenset(("aside", "nav", "footer", "header"))
# A list of at most this many entries above the main list is its lead story (or stories).
LEAD_MAX = 3
# `Family.group` for themes that wrap each entry in boxes of its own: an entry belongs to the
# list of the nearest element that holds another entry too.
SHARED = "shared"
SHARED_LEVELS = 6  # levels above an entry its list's element may sit


@dataclass(frozen=True, slots=True)
class Family:
    """One CMS family's markup. Queries are XPath; field queries are relative to the entry.

    `teaser` None means "find it generically"; an empty tuple means the family shows none.
    `group` (relative to an entry, or SHARED) names the list an entry belongs to; the largest
    list wins, together with small lists right above it (a lead story in a view or block of its
    own). `markers` are words of which a page of the family has at least one in its classes or
    generator: without any, `detect` is not even run.
    """

    name: str
    markers: tuple[str, ...]
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
    if not any(marker in ctx.marks for marker in family.markers) or not xpath(family.detect)(root):
        return []
    outside: dict[Element, bool] = {}
    entries = [
        e for e in xpath(family.entry)(root) if isinstance(e, Element) and _in_list(e, outside)
    ]
    entries = _outermost(entries)
    if family.group:
        lists: dict[Element | None, list[Element]] = defaultdict(list)
        containers = _shared(entries) if family.group == SHARED else None
        for index, entry in enumerate(entries):
            if containers is not None:
                lists[containers[index]].append(entry)
            else:
                container = xpath(family.group)(entry)
                lists[container[0] if container else None].append(entry)
        main = max(lists.values(), key=len, default=[])
        entries = [*_leads(lists.values(), main), *main]
    stories = []
    for entry in entries[:MAX_STORIES]:
        story = _story(family, ctx, entry)
        if story is not None:
            stories.append(story)
    return stories


def _leads(lists, main: list[Element]) -> list[Element]:
    """Entries of small lists standing above the main list in the same content region."""
    if not main:
        return []
    found = []
    for entries in lists:
        if entries is main or len(entries) > LEAD_MAX or not precedes(entries[-1], main[0]):
            continue
        if any(in_furniture(entry, stop=_region(entry, main[0])) for entry in entries):
            continue
        found.extend(entries)
    return found


def _shared(entries: list[Element]) -> list[Element | None]:
    """For each entry, the nearest element above it that holds another entry too."""
    below: dict[Element, int] = defaultdict(int)
    for entry in entries:
        for level, parent in enumerate(entry.iterancestors()):
            if level >= SHARED_LEVELS:
                break
            below[parent] += 1
    found = []
    for entry in entries:
        parents = list(entry.iterancestors())[:SHARED_LEVELS]
        found.append(next((parent for parent in parents if below[parent] > 1), None))
    return found


def _region(a: Element, b: Element) -> Element | None:
    ancestors_of_b = set(b.iterancestors())
    return next((parent for parent in a.iterancestors() if parent in ancestors_of_b), None)


def _in_list(entry: Element, outside: dict[Element, bool]) -> bool:
    """False for an entry in a sidebar, footer, menu or repeating rail. `outside` remembers the
    verdict on each element passed, so that entries of one list share the walk up."""
    passed: list[Element] = []
    node: Element | None = entry.getparent()
    verdict = False
    while node is not None and node.tag not in ("body", "html"):
        if node in outside:
            verdict = outside[node]
            break
        passed.append(node)
        if node.tag in OUTSIDE_TAGS or OUTSIDE.search(marks(node)) or REPEATER.search(marks(node)):
            verdict = True
            break
        node = node.getparent()
    for el in passed:
        outside[el] = verdict
    return not verdict


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
        for found in xpath(query)(entry):
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


def _date(family: Family, ctx: PageContext, entry: Element) -> Dated | None:
    for query in family.date:
        for value in xpath(query)(entry):
            found = ctx.dates.machine(str(value), "time" if "time" in query else "markup")
            if found:
                return found
    for query in family.date_text:
        for el in xpath(query)(entry):
            found = ctx.dates.read(visible_text(el), relative=True)
            if found:
                return found
    return None


def _author(family: Family, entry: Element) -> tuple[str, str] | None:
    for query in family.author:
        for el in xpath(query)(entry):
            name = author_name(el)
            if name:
                return name, "markup"
    return None
