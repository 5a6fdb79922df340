"""Learned layouts: a site's listing markup, read off one full extraction and reused on its later pages.

The first listing page of a site goes through `extract_listing`; from what it found, a layout is
derived — the element holding the list, the repeated entry box, and inside each box the element
every field came from (headline link, teaser, date, byline), plus where the tag name and the
next-page link sit — as XPath compiled once. A layout is kept only when reading that very page
with it gives the same listing. Later pages of the site are read with the layout alone, field by
field through the same helpers the layers use, so they give what `extract_listing` would.

A lead story the page shows above its list, in markup of its own, is learned as a box at a
fixed place in the page, its fields read the way the generic layer reads any entry.

A page where the layout stops matching (no list, far fewer entries than it was learned on, an
entry without headline or link, a field it always found now missing, a lead box gone, a next
link to the page itself, off the site or to newer stories) is extracted in full and the layout
learned again from it; every `verify_every`-th page a layout reads is also extracted in full and
compared, and a difference replaces the layout.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from newsarchive.extract import MAX_STORIES, extract_listing, profile, story_dates
from newsarchive.extract.bylines import author_name, entry_author
from newsarchive.extract.confidence import assess
from newsarchive.extract.context import PageContext, page_context
from newsarchive.extract.dates import Dated, machine_dated, url_dated
from newsarchive.extract.dom import HEADINGS, Element, ancestors, common_ancestor, in_furniture
from newsarchive.extract.feeds import feed_links
from newsarchive.extract.fields import (
    SHORT_BLOCK,
    entry_date,
    entry_image,
    entry_teaser,
    headline_of,
    settled_teaser,
    title_boundary,
)
from newsarchive.extract.generic import MIN_ENTRIES, extents
from newsarchive.extract.generic import NAME as GENERIC
from newsarchive.extract.links import absolute_href, same_site
from newsarchive.extract.model import ExtractedStory, Listing
from newsarchive.extract.pagination import (
    NEWER,
    NEXT_LINK,
    direction,
    find_next_page,
    label,
    says_older,
    usable_next,
)
from newsarchive.extract.profile import Profile
from newsarchive.extract.tag import (
    find_tag,
    heading_name,
    page_title,
    site_names,
    tag_heading,
    usable_heading,
)
from newsarchive.extract.text import INVISIBLE, visible_text

VERIFY_EVERY = 40  # pages read with a layout between two full extractions that check it
# A page with fewer entries than this share of the learned page's is suspect (a last page
# often holds a few stories only, and each fallback costs a full extraction).
MIN_SHARE = 0.25
LAYOUTS_PER_SITE = 4  # a site may use a few templates (tags, categories, search)
LEARN_BACKOFF = 10  # pages of a site extracted in full after a page that taught no layout
MAX_CANDIDATES = 12  # element paths tried per field while learning

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_TOKEN = re.compile(r"^[A-Za-z_-][A-Za-z_-]*$")  # class/id words without digits or quotes
_BASE = etree.XPath("/html/head/base/@href")
_DATE_ATTRS = ("datetime", "content", "title")


class Stale(Exception):
    """The layout does not fit this page (raised by `read`)."""


class _Unlearnable(Exception):
    """No layout can be expressed for this page."""


@dataclass(frozen=True, slots=True)
class Rule:
    """Where one field of an entry comes from.

    `kind` is "none" (the field is empty), "path" (the element at `path` inside the box, or its
    `attr`), "entry" (the layers' own helper over the whole entry) or "url" (a date in the URL).
    `required`: the path was found in every entry the layout was learned on.
    """

    kind: str
    path: etree.XPath | ChildPath | None = None
    attr: str | None = None
    source: str | None = None
    relative: bool = False
    url_fallback: bool = False
    required: bool = False


NONE = Rule("none")
# How every field of a lead story is read: from the whole entry, as the generic layer does.
LEAD_FIELDS = (Rule("entry"), Rule("entry", url_fallback=True), Rule("entry"), Rule("entry"))
LEAD_MAX = 3  # lead stories a layout may place above its list


@dataclass(frozen=True, slots=True)
class Lead:
    """A lead story's box at its place in the page, and its title and link inside the box."""

    box: etree.XPath
    title: etree.XPath | ChildPath
    link: etree.XPath | ChildPath


@dataclass(slots=True)
class Layout:
    """One template of a site's listing pages, as compiled XPath and field rules."""

    method: str
    container: etree.XPath
    entries: etree.XPath
    title: etree.XPath | ChildPath
    link: etree.XPath | ChildPath
    unwrapped: bool  # entries are a heading and the siblings after it (generic `extents`)
    min_entries: int
    teaser: Rule
    date: Rule
    author: Rule
    image: Rule
    tag: etree.XPath | None
    next_page: etree.XPath | None
    next_label: str | None
    leads: tuple[Lead, ...] = ()
    # What the site calls itself (its logo, og:site_name): the same on every page of the site.
    site_names: frozenset[str] = frozenset()
    pages_read: int = 0


@dataclass(slots=True)
class _Site:
    layouts: list[Layout] = field(default_factory=list)
    learn_after: int = 0  # pages to extract in full before trying to learn again


@dataclass(slots=True)
class _Page:
    """The page being read, with the full context built only when a field needs its dates."""

    page: Selector
    url: str
    base: str
    now: datetime | None
    _ctx: PageContext | None = None

    @property
    def ctx(self) -> PageContext:
        if self._ctx is None:
            self._ctx = page_context(self.page, self.url, self.now)
        return self._ctx


@dataclass(slots=True)
class _Entry:
    """One entry box on a page, with its elements and (while learning) what it should give."""

    box: Element
    nodes: list[Element]
    title: Element
    link: Element
    story: ExtractedStory | None = None


class LayoutCache:
    """Layouts learned per site during one crawl; `extract` reads a listing page with them.

    Holds its state on the instance: one cache per crawl, never shared between crawls.
    """

    def __init__(self, verify_every: int = VERIFY_EVERY) -> None:
        self.verify_every = verify_every
        self._sites: dict[str, _Site] = {}

    def extract(
        self,
        page: Selector,
        url: str,
        *,
        now: datetime | None = None,
        profiles: Sequence[Profile] = (),
    ) -> Listing:
        """The listing at `url`, as `extract_listing` gives it; `Listing.learned` says whether a
        learned layout read it."""
        if profile.matching(list(profiles), url) is not None or not isinstance(page.root, Element):
            return extract_listing(page, url, now=now, profiles=profiles)
        site = self._sites.setdefault(_site_key(url), _Site())
        for layout in list(site.layouts):
            try:
                listing = read(layout, page, url, now)
            except Stale:
                continue
            layout.pages_read += 1
            site.layouts.remove(layout)
            site.layouts.insert(0, layout)
            if layout.pages_read % self.verify_every:
                return listing
            full = extract_listing(page, url, now=now)
            if same_listing(listing, full):
                return listing
            site.layouts.remove(layout)
            self._learn(site, page, url, now, full, force=True)
            return full
        full = extract_listing(page, url, now=now)
        self._learn(site, page, url, now, full)
        return full

    def _learn(
        self,
        site: _Site,
        page: Selector,
        url: str,
        now: datetime | None,
        full: Listing,
        force: bool = False,
    ) -> None:
        if site.learn_after and not force:
            site.learn_after -= 1
            return
        layout = learn(page, url, now, full)
        if layout is None:
            site.learn_after = LEARN_BACKOFF
            return
        site.learn_after = 0
        site.layouts.insert(0, layout)
        del site.layouts[LAYOUTS_PER_SITE:]


def _site_key(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def same_listing(a: Listing, b: Listing) -> bool:
    """Same stories (every field), tag, next page, method and page confidence."""
    return (a.stories, a.tag, a.next_page, a.method, a.low_confidence) == (
        b.stories, b.tag, b.next_page, b.method, b.low_confidence
    )  # fmt: skip


# Reading a page with a layout.


def read(layout: Layout, page: Selector, url: str, now: datetime | None) -> Listing:
    """The listing read with `layout`; raises Stale where the layout no longer fits."""
    root = page.root
    containers = layout.container(root)
    if len(containers) != 1:
        raise Stale
    boxes = layout.entries(containers[0])
    if len(boxes) < layout.min_entries:
        raise Stale
    here = _Page(page, url, _base(root, url), now)
    stories: list[ExtractedStory] = []
    seen: set[str] = set()
    lead_entries = [_lead_entry(lead, root) for lead in layout.leads]
    fields = (layout.teaser, layout.date, layout.author, layout.image)
    entries = [(LEAD_FIELDS, entry) for entry in lead_entries]
    entries += [(fields, entry) for entry in _entries(layout, boxes)]
    for rules, entry in entries[:MAX_STORIES]:
        story = _story(rules, layout.method, here, entry)
        if story.url not in seen:
            seen.add(story.url)
            stories.append(story)
    listing = Listing(url=url, tag=_tag(layout, page, url), stories=stories)
    listing.method = layout.method
    listing.learned = True
    assess(listing)
    listing.next_page = _next(layout, page, root, here.base, url, story_dates(listing))
    listing.feeds = feed_links(page, here.base, url, listing.tag)
    return listing


def _base(root: Element, url: str) -> str:
    """`links.base_url` over the lxml tree."""
    found = _BASE(root)
    base = str(found[0]) if found else None
    return urljoin(url, absolute_href(base, url) or url) if base else url


def _first(path: etree.XPath | ChildPath, el: Element) -> Element | None:
    if isinstance(path, ChildPath):
        return path.first(el)
    found = path(el)
    return found[0] if found else None


class ChildPath:
    """A path of plain child steps, run by lxml's ElementPath: a fraction of an XPath call."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __call__(self, el: Element) -> list[Element]:
        return el.findall(self.path)

    def first(self, el: Element) -> Element | None:
        return el.find(self.path)


_CHILD_STEP = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?:\[[0-9]+\]|\[@id='[^']*'\])?")


def _compile(path: str) -> etree.XPath | ChildPath:
    """A relative path compiled once: ElementPath when its steps allow, else XPath."""
    steps = path.removeprefix("./").split("/")
    if path.startswith("./") and all(_CHILD_STEP.fullmatch(step) for step in steps):
        return ChildPath(path)
    return etree.XPath(path)


def _entries(layout: Layout, boxes: list[Element]) -> list[_Entry]:
    """The page's entries, at most MAX_STORIES as extraction reads them (one box past the cap,
    so that the last story read is not taken for the list's last)."""
    boxes = boxes[: MAX_STORIES + 1]
    groups = extents(boxes) if layout.unwrapped else [[box] for box in boxes]
    entries = []
    for box, nodes in list(zip(boxes, groups, strict=True))[:MAX_STORIES]:
        title = _first(layout.title, box)
        link = title if layout.link is layout.title else _first(layout.link, box)
        if title is None or link is None:
            raise Stale
        entries.append(_Entry(box, nodes, title, link))
    return entries


def _lead_entry(lead: Lead, root: Element) -> _Entry:
    box = _first(lead.box, root)
    if box is None:
        raise Stale  # this page shows no lead story where the layout has one
    title = _first(lead.title, box)
    link = title if lead.link is lead.title else _first(lead.link, box)
    if title is None or link is None:
        raise Stale
    return _Entry(box, [box], title, link)


def _story(
    rules: tuple[Rule, Rule, Rule, Rule], method: str, here: _Page, entry: _Entry
) -> ExtractedStory:
    """A story read with the field rules (teaser, date, author, image)."""
    teaser_rule, date_rule, author_rule, image_rule = rules
    headline = visible_text(entry.title)
    url = absolute_href(entry.link.get("href"), here.base)
    if not headline or url is None:
        raise Stale
    published = _date(date_rule, here, entry, url)
    teaser = _teaser(teaser_rule, entry, headline)
    author = _author(author_rule, entry)
    return ExtractedStory(
        url=url,
        headline=headline,
        teaser=teaser[0] if teaser else None,
        teaser_source=teaser[1] if teaser else None,
        published_at=published.value if published else None,
        date_source=published.source if published else None,
        date_precision=published.precision if published else None,
        author=author[0] if author else None,
        author_source=author[1] if author else None,
        image_url=_image(image_rule, entry, here.base),
        extraction_method=method,
    )


def _at(rule: Rule, entry: _Entry) -> Element | None:
    found = _first(rule.path, entry.box)
    if found is None and rule.required:
        raise Stale
    return found


def _title_node(entry: _Entry) -> Element:
    return headline_of(entry.title)[0]


def _teaser(rule: Rule, entry: _Entry, headline: str) -> tuple[str, str] | None:
    """(teaser, source) as `fields.entry_story` settles them."""
    if rule.kind == "none":
        return None
    if rule.kind == "path":
        el = _at(rule, entry)
        teaser = entry_teaser([el], None) if el is not None else None
    else:
        teaser = entry_teaser(entry.nodes, title_boundary(_title_node(entry)))
    teaser = settled_teaser(teaser, headline)
    return (teaser, rule.source or "entry") if teaser else None


def _date(rule: Rule, here: _Page, entry: _Entry, url: str) -> Dated | None:
    found: Dated | None = None
    if rule.kind == "path":
        el = _at(rule, entry)
        if el is not None and rule.attr:
            found = machine_dated(el.get(rule.attr), rule.source or "time", here.now)
        elif el is not None:
            found = here.ctx.dates.read(visible_text(el), relative=rule.relative)
    elif rule.kind == "entry":
        found = entry_date(here.ctx.dates, entry.nodes, exclude=_title_node(entry))
    if found is None and (rule.kind == "url" or rule.url_fallback):
        found = url_dated(url, here.now)
    return found


def _author(rule: Rule, entry: _Entry) -> tuple[str, str] | None:
    if rule.kind == "path":
        el = _at(rule, entry)
        name = author_name(el) if el is not None else None
        return (name, rule.source or "markup") if name else None
    if rule.kind == "entry":
        return entry_author(entry.nodes, exclude=_title_node(entry))
    return None


def _image(rule: Rule, entry: _Entry, base: str) -> str | None:
    if rule.kind == "entry":
        return entry_image(entry.nodes, base)
    if rule.kind == "path":
        el = _at(rule, entry)
        return absolute_href(el.get(rule.attr or "src"), base) if el is not None else None
    return None


def _tag(layout: Layout, page: Selector, url: str) -> str | None:
    """The listing's name from the learned heading; the full finder where it does not serve."""
    el = _first(layout.tag, page.root) if layout.tag is not None else None
    if el is not None and usable_heading(el, url, layout.site_names):
        name = heading_name(el, page_title(page))
        if name:
            return name
    return find_tag(page, url)


def _next(
    layout: Layout, page: Selector, root: Element, base: str, url: str, dates: list[str]
) -> str | None:
    """The older page by the learned link; the full finder when this page has no such link."""
    if layout.next_page is not None:
        for found in layout.next_page(root):
            if isinstance(found, Element) and label(found) != layout.next_label:
                continue
            href = found.get("href") if isinstance(found, Element) else str(found)
            target = absolute_href(href, base)
            if target is None:
                continue
            if usable_next(href, base, url) is None or not same_site(target, url):
                raise Stale  # the learned link leads back to this page or off the site
            older = isinstance(found, Element) and says_older(found)
            if direction(target, url, () if older else dates) == NEWER:
                raise Stale  # on this page the learned link leads to newer stories
            return target
    found = find_next_page(page, base, url, dates)
    if found and layout.next_page is None:
        layout.next_page, layout.next_label = _next_link(root, base, url, found)
    return found


# Learning a layout from a full extraction.


def learn(page: Selector, url: str, now: datetime | None, full: Listing) -> Layout | None:
    """The layout that reads `page` exactly as `full` says, or None when there is none."""
    if full.method in (None, profile.NAME) or len(full.stories) < MIN_ENTRIES:
        return None
    root = page.root
    for leads in range(min(LEAD_MAX, len(full.stories) - MIN_ENTRIES) + 1):
        try:
            layout = _derive(page, root, url, now, full, leads)
            if same_listing(read(layout, page, url, now), full):
                return layout
        except (_Unlearnable, Stale, etree.XPathError):
            continue
    return None


def _derive(
    page: Selector, root: Element, url: str, now: datetime | None, full: Listing, leads: int
) -> Layout:
    """The layout whose list holds all stories but the first `leads`, which are lead stories."""
    here = _Page(page, url, _base(root, url), now)
    every_link = _links(root, here.base, full.stories)
    lead_specs = tuple(
        _lead(link, story, every_link)
        for link, story in zip(every_link[:leads], full.stories[:leads], strict=True)
    )
    stories, links = full.stories[leads:], every_link[leads:]
    boxes = _boxes(links)
    found = []
    for box, link, story in zip(boxes, links, stories, strict=True):
        title = _title_in(box, link, story.headline)
        if title is None:
            raise _Unlearnable
        found.append((title, link))
    container = boxes[0]
    for box in boxes[1:]:
        container = common_ancestor(container, box)
        if container is None:
            raise _Unlearnable
    if container.tag in ("html", "body"):
        raise _Unlearnable
    title_path = _relative(boxes[0], found[0][0])
    link_path = _relative(boxes[0], found[0][1])
    title_xpath = _compile(title_path)
    link_xpath = title_xpath if link_path == title_path else _compile(link_path)
    for box, (title, link) in zip(boxes, found, strict=True):
        if _first(title_xpath, box) is not title or _first(link_xpath, box) is not link:
            raise _Unlearnable
    unwrapped = full.method == GENERIC
    groups = extents(boxes) if unwrapped else [[box] for box in boxes]
    entries = [
        _Entry(box, nodes, title, link, story)
        for box, nodes, (title, link), story in zip(boxes, groups, found, stories, strict=True)
    ]
    steps = _entry_steps(container, boxes)
    next_path, next_label = _next_link(root, here.base, url, full.next_page)
    return Layout(
        method=full.method or "",
        container=etree.XPath(_absolute(container)),
        entries=etree.XPath(
            f"{steps}[{title_path}][{link_path}]".replace(f"[{title_path}]" * 2, f"[{title_path}]")
        ),
        title=title_xpath,
        link=link_xpath,
        unwrapped=unwrapped,
        min_entries=max(MIN_ENTRIES, math.ceil(len(boxes) * MIN_SHARE)),
        teaser=_learn_teaser(entries, here),
        date=_learn_date(entries, here),
        author=_learn_author(entries, here),
        image=_learn_image(entries, here),
        tag=_tag_path(page, url),
        next_page=next_path,
        next_label=next_label,
        leads=lead_specs,
        site_names=frozenset(site_names(page, url)),
    )


def _lead(link: Element, story: ExtractedStory, links: list[Element]) -> Lead:
    """A lead story's box — the largest around its link holding no other story's link — at its
    place in the page."""
    others = {el for other in links if other is not link for el in (other, *ancestors(other))}
    box = link
    for parent in ancestors(link):
        if parent in others or parent.tag in ("body", "html"):
            break
        box = parent
    title = _title_in(box, link, story.headline)
    if title is None:
        raise _Unlearnable
    title_path, link_path = _relative(box, title), _relative(box, link)
    title_xpath = _compile(title_path)
    link_xpath = title_xpath if link_path == title_path else _compile(link_path)
    return Lead(etree.XPath(_absolute(box)), title_xpath, link_xpath)


def _links(root: Element, base: str, stories: list[ExtractedStory]) -> list[Element]:
    """The link of every story: to its URL, showing its headline where one does, outside
    sliders and widgets that repeat the list where possible."""
    wanted = {story.url for story in stories}
    links: dict[str, list[Element]] = {}
    for link in root.iter("a"):
        target = absolute_href(link.get("href"), base)
        if target in wanted:
            links.setdefault(target, []).append(link)
    found = []
    for story in stories:
        options = links.get(story.url)
        if not options:
            raise _Unlearnable
        found.append(
            min(
                options,
                key=lambda a, story=story: (
                    _title_in(a, a, story.headline) is None,
                    in_furniture(a),
                ),
            )
        )
    return found


def _title_in(box: Element, link: Element, headline: str) -> Element | None:
    """The element showing `headline`: a heading in or around the link, the link, or else
    anywhere in the box (a card whose link is an empty overlay)."""
    near = (
        *link.iter(*HEADINGS),
        *(a for a in ancestors(link) if a.tag in HEADINGS),
        link,
    )
    for el in (*near, *box.iter()):
        if isinstance(el.tag, str) and visible_text(el) == headline:
            return el
    return None


def _boxes(links: list[Element]) -> list[Element]:
    """Each link's entry box: the ancestor as many levels up as every link can go without
    taking in another link (a largest box per link would swallow a date group of one post)."""
    owner: dict[Element, int | None] = {}
    for index, link in enumerate(links):
        for el in (link, *ancestors(link)):
            owner[el] = index if owner.get(el, index) == index else None
    levels = []
    for index, link in enumerate(links):
        level = 0
        for parent in ancestors(link):
            if owner.get(parent) != index or parent.tag in ("body", "html"):
                break
            level += 1
        levels.append(level)
    boxes = []
    for link in links:
        box = link
        for _ in range(min(levels)):
            box = box.getparent()
        boxes.append(box)
    if len(set(boxes)) != len(boxes):
        raise _Unlearnable
    return boxes


def _name(el: Element) -> str:
    if not isinstance(el.tag, str) or not _NAME.match(el.tag):
        raise _Unlearnable
    return el.tag


def _step(el: Element) -> str:
    """One XPath step naming `el` among its siblings: by tag, id, a class word or position."""
    tag = _name(el)
    parent = el.getparent()
    alike = [s for s in parent if s.tag == tag] if parent is not None else [el]
    if len(alike) == 1:
        return tag
    ident = el.get("id")
    if ident and _TOKEN.match(ident):
        return f"{tag}[@id='{ident}']"
    for word in (el.get("class") or "").split():
        if _TOKEN.match(word) and sum(word in _words(s) for s in alike) == 1:
            return f"{tag}[{_has_class(word)}]"
    return f"{tag}[{alike.index(el) + 1}]"


def _words(el: Element) -> list[str]:
    return (el.get("class") or "").split()


def _has_class(word: str) -> str:
    return _has_word("class", word)


def _has_word(attr: str, word: str) -> str:
    return f"contains(concat(' ', normalize-space(@{attr}), ' '), ' {word} ')"


def _relative(top: Element, el: Element) -> str:
    steps = []
    node: Element | None = el
    while node is not top:
        if node is None:
            raise _Unlearnable
        steps.append(_step(node))
        node = node.getparent()
    return "./" + "/".join(reversed(steps)) if steps else "."


def _absolute(el: Element) -> str:
    steps = [_step(el), *(_step(a) for a in ancestors(el))]
    return "/" + "/".join(reversed(steps))


def _entry_steps(container: Element, boxes: list[Element]) -> str:
    """Steps from the list's container to its entry boxes: tags, then the boxes' shared class."""
    chains = []
    for box in boxes:
        chain = [box]
        for parent in ancestors(box):
            if parent is container:
                break
            chain.append(parent)
        chains.append([_name(el) for el in reversed(chain)])
    if any(chain != chains[0] for chain in chains):
        raise _Unlearnable
    shared = [w for w in _words(boxes[0]) if _TOKEN.match(w) and all(w in _words(b) for b in boxes)]
    last = chains[0][-1] + (f"[{_has_class(shared[0])}]" if shared else "")
    return "./" + "/".join([*chains[0][:-1], last])


Value = Callable[[Rule, _Entry, _Page], Any]
Expected = Callable[[ExtractedStory], Any]


def _candidates(entries: list[_Entry], has: Expected) -> list[tuple[Element, _Entry]]:
    """Elements inside the first entry whose story has the field, outermost first."""
    entry = next((e for e in entries if has(e.story)), None)
    if entry is None:
        return []
    return [
        (el, entry)
        for el in entry.box.iter()
        if isinstance(el.tag, str) and el.tag not in INVISIBLE and el is not entry.box
    ]


def _paths(
    entries: list[_Entry], has: Expected, test: Callable[[Element, ExtractedStory], bool]
) -> list[etree.XPath]:
    """Compiled paths (from the box) of the first entry's elements that pass `test`."""
    paths: list[str] = []
    for el, entry in _candidates(entries, has):
        if test(el, entry.story):
            path = _relative(entry.box, el)
            if path not in paths:
                paths.append(path)
        if len(paths) >= MAX_CANDIDATES:
            break
    return [_compile(path) for path in paths]


def _first_fit(
    rules: list[Rule], entries: list[_Entry], here: _Page, value: Value, expected: Expected
) -> Rule:
    """The first rule giving every story its value, marked required when its path is in every
    entry. Each rule reads the page afresh, as a layer would (dates remember what they learn)."""
    for rule in rules:
        fresh = _Page(here.page, here.url, here.base, here.now)
        try:
            if any(value(rule, e, fresh) != expected(e.story) for e in entries):
                continue
        except Stale:
            continue
        if rule.path is not None and all(rule.path(e.box) for e in entries):
            return replace(rule, required=True)
        return rule
    raise _Unlearnable


def _learn_teaser(entries: list[_Entry], here: _Page) -> Rule:
    def test(el: Element, story: ExtractedStory) -> bool:
        return entry_teaser([el], None) == story.teaser

    paths = _paths(entries, lambda s: s.teaser is not None, test)
    sources = {e.story.teaser_source for e in entries if e.story.teaser_source}
    rules = [
        NONE,
        *(Rule("path", path, source=source) for path in paths for source in sorted(sources)),
        Rule("entry"),
    ]
    return _first_fit(
        rules,
        entries,
        here,
        lambda rule, e, _: _teaser(rule, e, e.story.headline),
        lambda s: (s.teaser, s.teaser_source) if s.teaser else None,
    )


def _learn_date(entries: list[_Entry], here: _Page) -> Rule:
    def attr_of(el: Element, story: ExtractedStory) -> str | None:
        for attr in _DATE_ATTRS:
            found = machine_dated(el.get(attr), story.date_source or "", here.now)
            if found and found.value == story.published_at:
                return attr
        return None

    def text_of(el: Element, story: ExtractedStory) -> bool:
        text = visible_text(el)
        if not text or len(text) > SHORT_BLOCK:
            return False
        fresh = _Page(here.page, here.url, here.base, here.now)
        found = fresh.ctx.dates.read(text, relative=story.date_source == "relative")
        return found == _dated(story)

    rules = [NONE, Rule("url")]
    for source in ("time", "markup"):
        for el, entry in _candidates(entries, lambda s, source=source: s.date_source == source):
            attr = attr_of(el, entry.story)
            if attr:
                path = _compile(_relative(entry.box, el))
                rules += [Rule("path", path, attr, source, url_fallback=u) for u in (False, True)]
    textual = next((e.story for e in entries if e.story.date_source in ("text", "relative")), None)
    if textual is not None:
        for path in _paths(entries, lambda s: s is textual, text_of):
            for relative in (True, False):
                rules += [Rule("path", path, None, None, relative, u) for u in (False, True)]
    rules = [*rules[: MAX_CANDIDATES * 4], Rule("entry", url_fallback=True)]
    return _first_fit(
        rules, entries, here, lambda rule, e, page: _date(rule, page, e, e.story.url), _dated
    )


def _dated(story: ExtractedStory) -> Dated | None:
    if story.published_at is None:
        return None
    return Dated(story.published_at, story.date_source or "", story.date_precision or "")


def _learn_author(entries: list[_Entry], here: _Page) -> Rule:
    def test(el: Element, story: ExtractedStory) -> bool:
        return author_name(el) == story.author

    paths = _paths(entries, lambda s: s.author is not None, test)
    sources = {e.story.author_source for e in entries if e.story.author_source}
    rules = [
        NONE,
        *(Rule("path", path, source=source) for path in paths for source in sorted(sources)),
        Rule("entry"),
    ]
    return _first_fit(
        rules,
        entries,
        here,
        lambda rule, e, _: _author(rule, e),
        lambda s: (s.author, s.author_source) if s.author else None,
    )


def _learn_image(entries: list[_Entry], here: _Page) -> Rule:
    def test(el: Element, story: ExtractedStory) -> bool:
        return el.tag == "img" and absolute_href(el.get("src"), here.base) == story.image_url

    paths = _paths(entries, lambda s: s.image_url is not None, test)
    rules = [Rule("entry"), NONE, *(Rule("path", path) for path in paths)]
    return _first_fit(
        rules, entries, here, lambda rule, e, _: _image(rule, e, here.base), lambda s: s.image_url
    )


def _tag_path(page: Selector, url: str) -> etree.XPath | None:
    """The heading `find_tag` reads the listing's name from; None when the name comes from
    elsewhere (a Blogger label, the title, the URL)."""
    heading = tag_heading(page, url)
    if heading is None or find_tag(page, url) != heading_name(heading, page_title(page)):
        return None
    return etree.XPath(_absolute(heading))


def _next_link(
    root: Element, base: str, url: str, next_page: str | None
) -> tuple[etree.XPath | None, str | None]:
    """Where the next-page link was found: `<link rel=next>`, or an anchor and its label."""
    if next_page is None:
        return None, None
    for href in NEXT_LINK(root):
        if usable_next(str(href), base, url) == next_page:
            # Where the page keeps it (its <head>), not a search of the whole page.
            parent = _absolute(href.getparent().getparent())
            return etree.XPath(f"{parent}/link[{_has_word('rel', 'next')}]/@href"), None
    for link in root.iter("a"):
        if usable_next(link.get("href"), base, url) == next_page and label(link):
            return etree.XPath(_absolute(link)), label(link)
    return None, None
