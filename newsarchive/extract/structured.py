"""Structured data: schema.org JSON-LD (`ItemList`, lists of articles) and microdata entries.

Structured data says which URLs the listing holds; the page itself says what a reader sees. So a
story's headline, teaser and byline come from the visible entry that links to the URL, and the
structured values fill in only what the page does not show (a headline when no link is found,
a machine-readable date, an author). JSON-LD is script text the HTML parser left alone, so its
strings have their entities decoded here, once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from typing import Any

from newsarchive.extract.bylines import author_name
from newsarchive.extract.context import PageContext
from newsarchive.extract.dates import machine_date
from newsarchive.extract.dom import Element, ancestors, signature, xpath
from newsarchive.extract.families.base import OUTSIDE, OUTSIDE_TAGS
from newsarchive.extract.fields import entry_story
from newsarchive.extract.limits import MAX_STORIES
from newsarchive.extract.links import absolute_href, same_site
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import clean, visible_text

JSON_LD = "//script[@type='application/ld+json']"
ARTICLE_TYPE = re.compile(
    r"^(?:https?://schema\.org/)?(?:\w*Article|BlogPosting|LiveBlogPosting|Report"
    r"|SocialMediaPosting|NewsArticle)$",
    re.I,
)
MICRODATA = "//*[@itemscope][@itemtype]"
STRUCTURED = "structured"  # the author_source of names taken from structured data
# Lists in JSON-LD that name pages, not stories.
NOT_LISTINGS = frozenset(("BreadcrumbList", "SiteNavigationElement", "WebSite", "Organization"))
MIN_STORIES = 2


@dataclass(slots=True)
class Listed:
    """A story as structured data names it."""

    url: str
    headline: str | None = None
    published: str | None = None
    author: str | None = None


def extract_json_ld(ctx: PageContext) -> list[ExtractedStory]:
    listed = _json_ld_items(ctx)
    if len(listed) < MIN_STORIES:
        return []
    return _visible_stories(ctx, listed, "json-ld")


def extract_microdata(ctx: PageContext) -> list[ExtractedStory]:
    entries = []
    for el in ctx.root.xpath(MICRODATA):
        types = (el.get("itemtype") or "").split()
        if any(ARTICLE_TYPE.match(t) for t in types) and not _outside(el):
            entries.append(el)
    chosen = set(entries)  # lxml proxies compare by identity while alive: the list keeps them
    entries = [e for e in entries if not any(a in chosen for a in ancestors(e))]
    # Entries of one list share their type and their parent's markup; a widget's do not.
    lists: dict[tuple[str, str], list[Element]] = {}
    for entry in entries:
        parent = entry.getparent()
        key = (entry.get("itemtype") or "", signature(parent) if parent is not None else "")
        lists.setdefault(key, []).append(entry)
    entries = max(lists.values(), key=len, default=[])
    if len(entries) < MIN_STORIES:
        return []
    stories = []
    for entry in entries[:MAX_STORIES]:
        story = _microdata_story(ctx, entry)
        if story is not None:
            stories.append(story)
    return stories


def _outside(el: Element) -> bool:
    for parent in ancestors(el):
        if parent.tag in ("body", "html"):
            return False
        words = f"{parent.get('class') or ''} {parent.get('id') or ''}"
        if parent.tag in OUTSIDE_TAGS or OUTSIDE.search(words):
            return True
    return False


def _microdata_story(ctx: PageContext, entry: Element) -> ExtractedStory | None:
    title = _own_prop(entry, ("headline", "name"))
    link = None
    if title is not None:
        link = title if title.tag == "a" else next(title.iter("a"), None)
    url_prop = _own_prop(entry, ("url", "mainEntityOfPage"))
    href = None
    if link is not None and link.get("href"):
        href = link.get("href")
    elif url_prop is not None:
        href = url_prop.get("href") or url_prop.get("content") or url_prop.get("itemid")
    url = absolute_href(href, ctx.base)
    if url is None:
        return None
    if title is None:
        title = link if link is not None else next(entry.iter("a"), None)
        if title is None:
            return None
    date_el = _own_prop(entry, ("datePublished", "dateCreated"))
    published = None
    if date_el is not None:
        published = ctx.dates.machine(date_el.get("datetime") or date_el.get("content"), "markup")
    author_el = _own_prop(entry, ("author", "creator"))
    author = None
    if author_el is not None:
        name_el = _own_prop(author_el, ("name",))
        name = author_name(name_el if name_el is not None else author_el)
        author = (name, STRUCTURED) if name else None
    return entry_story(ctx, [entry], title, url, "microdata", published=published, author=author)


def _own_prop(entry: Element, names: tuple[str, ...]) -> Element | None:
    """The first element carrying one of the properties for `entry` (not a nested item)."""
    for name in names:
        for el in xpath(
            f".//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' {name} ')]"
        )(entry):
            owner = next((a for a in ancestors(el) if a.get("itemscope") is not None), None)
            if owner is entry:
                return el
    return None


def _json_ld_items(ctx: PageContext) -> list[Listed]:
    found: dict[str, Listed] = {}
    for script in ctx.root.xpath(JSON_LD):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for item in _listed(data, ctx.base, depth=0):
            # The page itself and the pages above it (home, section) are not its stories.
            if same_site(item.url, ctx.url) and not ctx.url.startswith(item.url.split("#")[0]):
                found.setdefault(item.url, item)
    return list(found.values())


def _listed(data: Any, base: str, depth: int) -> list[Listed]:
    """Articles in a JSON-LD value: ItemList elements, @graph members, arrays of articles."""
    if depth > 6:
        return []
    if isinstance(data, list):
        return [item for value in data for item in _listed(value, base, depth + 1)]
    if not isinstance(data, dict):
        return []
    types = data.get("@type")
    types = types if isinstance(types, list) else [types]
    if any(t in NOT_LISTINGS for t in types if isinstance(t, str)):
        return []
    result: list[Listed] = []
    if any(isinstance(t, str) and ARTICLE_TYPE.match(t) for t in types):
        item = _article(data, base)
        if item:
            result.append(item)
    elif "ListItem" in types:
        inner = data.get("item")
        if isinstance(inner, dict):
            item = _article(inner, base) or _article(data, base)
        else:
            item = _article({**data, "url": inner or data.get("url")}, base)
        if item:
            result.append(item)
    for key in ("@graph", "itemListElement", "mainEntity", "hasPart", "blogPost", "articles"):
        if key in data:
            result.extend(_listed(data[key], base, depth + 1))
    return result


def _article(data: dict, base: str) -> Listed | None:
    url = data.get("url") or data.get("@id")
    if isinstance(url, dict):
        url = url.get("@id") or url.get("url")
    if not isinstance(url, str):
        return None
    url = absolute_href(url, base)
    if url is None:
        return None
    headline = data.get("headline") or data.get("name")
    author = data.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return Listed(
        url=url,
        headline=clean(unescape(headline)) if isinstance(headline, str) else None,
        published=machine_date(str(data.get("datePublished") or "")) or None,
        author=clean(unescape(author)) if isinstance(author, str) else None,
    )


def _visible_stories(ctx: PageContext, listed: list[Listed], method: str) -> list[ExtractedStory]:
    """Stories for the listed URLs, read from the entries that link to them where there are."""
    wanted = {item.url: item for item in listed}
    best: dict[str, Element] = {}
    for link in ctx.root.iter("a"):
        url = absolute_href(link.get("href"), ctx.base)
        if url in wanted:
            text = visible_text(link) or ""
            if url not in best or len(text) > len(visible_text(best[url]) or ""):
                best[url] = link
    boxes = _boxes(best)
    stories = []
    for item in listed[:MAX_STORIES]:
        link = best.get(item.url)
        published = ctx.dates.machine(item.published, "markup")
        author = (item.author, STRUCTURED) if item.author else None
        if link is None:
            if item.headline:
                stories.append(
                    ExtractedStory(
                        url=item.url,
                        headline=item.headline,
                        published_at=published.value if published else None,
                        date_source=published.source if published else None,
                        date_precision=published.precision if published else None,
                        author=item.author,
                        author_source=STRUCTURED if item.author else None,
                        extraction_method=method,
                    )
                )
            continue
        headline = None if visible_text(link) else item.headline
        story = entry_story(
            ctx,
            [boxes[item.url]],
            link,
            item.url,
            method,
            headline=headline,
            published=published,
            author=author,
        )
        if story is not None:
            stories.append(story)
    return stories


def _boxes(links: dict[str, Element]) -> dict[str, Element]:
    """For each URL, the largest box around its link holding no link to another listed URL."""
    owner: dict[Element, str | None] = {}
    for url, link in links.items():
        for el in (link, *ancestors(link)):
            owner[el] = url if owner.get(el, url) == url else None
    boxes = {}
    for url, link in links.items():
        box = link
        for parent in ancestors(link):
            if owner.get(parent) != url or parent.tag in ("body", "html"):
                break
            box = parent
        boxes[url] = box
    return boxes
