"""The main repeated block of story entries on a page of any make.

Links that could be headlines are grouped by their tag path; for each group, an entry is the
largest box around a link that holds no other link of the group, and runs of alike boxes
side by side form candidate lists. Lists are scored on size, headline-like text, headings,
teasers, and where they sit: navigation, sidebars, footers and "related / popular / most read"
rails and sliders lose against the main content, and a list whose labels repeat ("Read more")
or are dates loses against the titles of the same entries.

A lead story the page shows in a box of its own above the list (a bigger headline, its own
container) is taken too when it sits in the list's content region, outside page furniture, and
looks like a story: a headline-sized title in a heading, and a teaser or a picture.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median
from urllib.parse import parse_qsl, urlsplit

from newsarchive.extract.context import PageContext
from newsarchive.extract.dates import looks_like_date
from newsarchive.extract.dom import (
    FURNITURE,
    FURNITURE_TAGS,
    HEADINGS,
    MAIN,
    REPEATER,
    Element,
    ancestors,
    common_ancestor,
    in_furniture,
    marks,
    precedes,
    signature,
)
from newsarchive.extract.fields import entry_story, weight
from newsarchive.extract.limits import MAX_STORIES
from newsarchive.extract.links import absolute_href, same_site
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import INVISIBLE, is_read_more, visible_text

NAME = "generic"
MIN_ENTRIES = 2
# Links to archives rather than to stories.
NAVIGATION_PATH = re.compile(
    r"/(?:tags?|category|categories|categoria|categorie|kategorie|rubrique|author|authors|autor"
    r"|auteur|label|search|page|feed|login|register|wp-login\.php)(?:/|$)",
    re.I,
)
NAVIGATION_PARAMS = frozenset(
    ("cat", "tag", "author", "s", "q", "page", "paged", "start", "limitstart", "limit", "lang")
)
FILE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|zip|mp3|mp4|docx?|xlsx?)$", re.I)
MAX_GAP_LEVELS = 3  # entries of one grid may sit in rows: cousins up to this far apart
LEAD_MAX = 3  # lead stories above a list
SCORE_SAMPLE = 100  # entries of a list its headline, teaser and date figures are taken from
LEAD_MIN_WEIGHT = 15  # a lead's title is headline-sized (a section link is not)
BARE_SLACK = 3  # characters a box may hold beyond its title and still be a bare title


@dataclass(slots=True)
class Candidate:
    """A link that may be a story's headline; `path` is its tag path, by which links group."""

    el: Element
    url: str
    text: str
    in_heading: bool
    path: tuple[str, ...] = ()


@dataclass(slots=True)
class Entries:
    """A run of alike boxes, each holding the headline link of one story."""

    links: list[Candidate] = field(default_factory=list)
    boxes: list[Element] = field(default_factory=list)
    score: float = 0.0


def extract(ctx: PageContext) -> list[ExtractedStory]:
    """Stories of the best-scoring list of entries and its lead stories, or [] when there is no
    such list."""
    found = candidates(ctx)
    best = best_list(found)
    if best is None:
        return []
    # One box past the cap, so that the last story read is not taken for the list's last.
    boxes, links = best.boxes[: MAX_STORIES + 1], best.links[: MAX_STORIES + 1]
    entries = [*leads(found, best), *zip(links, extents(boxes), strict=True)]
    stories = []
    for link, nodes in entries[:MAX_STORIES]:
        story = entry_story(ctx, nodes, link.el, link.url, NAME)
        if story is not None:
            stories.append(story)
    return stories


def best_list(found: list[Candidate]) -> Entries | None:
    groups: dict[tuple[str, ...], list[Candidate]] = defaultdict(list)
    for candidate in found:
        groups[candidate.path].append(candidate)
    lists = []
    for group in groups.values():
        if len({c.url for c in group}) >= MIN_ENTRIES:
            lists.extend(_runs(group))
    for entries in lists:
        entries.score = _score(entries)
    return max(lists, key=lambda e: e.score, default=None)


def leads(found: list[Candidate], best: Entries) -> list[tuple[Candidate, list[Element]]]:
    """Lead stories above the list: headline links in a box of their own in the list's region."""
    first = best.boxes[0]
    region = _region(best.boxes)
    listed = {c.url for c in best.links}
    chosen: list[Candidate] = []
    for candidate in found:
        if len(chosen) >= LEAD_MAX or not precedes(candidate.el, first):
            break
        if (
            candidate.in_heading
            and candidate.url not in listed
            and weight(candidate.text) >= LEAD_MIN_WEIGHT
            and any(parent is region for parent in ancestors(candidate.el))
            and not in_furniture(candidate.el, stop=region)
            and candidate.url not in {c.url for c in chosen}
        ):
            chosen.append(candidate)
    if not chosen:
        return []
    result = []
    for candidate, box in _boxes(chosen + best.links):
        if not any(candidate is lead for lead in chosen) or box is region:
            continue
        if _has_teaser(box, candidate.text) or box.find(".//img") is not None:
            result.append((candidate, [box]))
    return result


def _region(boxes: list[Element]) -> Element | None:
    """The content area a list sits in: the main-like ancestor around it, else its parent."""
    top = _top(boxes)
    for el in ancestors(top):
        if el.tag in ("body", "html"):
            break
        if el.tag == "main" or el.get("role") == "main" or MAIN.search(marks(el)):
            return el
    return top.getparent()


def candidates(ctx: PageContext) -> list[Candidate]:
    """Links to same-site pages that are not archives, files or this page, with visible text."""
    found = []
    page = ctx.url.split("#")[0]
    body = ctx.root.find("body") if ctx.root.tag == "html" else ctx.root
    if body is None:
        return []
    origin = _origin(ctx.url)
    for link in body.iter("a"):
        href = link.get("href")
        if not href or "#" in href:
            continue
        url = absolute_href(href, ctx.base)
        if url is None or url in (page, ctx.base):
            continue
        if not (origin and url.startswith(origin)) and not same_site(url, ctx.url):
            continue
        if _navigation(url):
            continue
        tags = [a.tag for a in ancestors(link)]
        if any(tag in INVISIBLE for tag in tags):
            continue
        text = visible_text(link)
        if not text or is_read_more(text) or not any(ch.isalpha() for ch in text):
            continue
        in_heading = (
            link.tag in HEADINGS
            or any(tag in HEADINGS for tag in tags)
            or any(True for _ in link.iter(*HEADINGS))
        )
        tags.reverse()
        path = (*tags, link.tag, "h" if in_heading else "")
        found.append(Candidate(link, url, text, in_heading, path))
    return found


def _origin(url: str) -> str | None:
    """`scheme://host/` of the page: links starting with it are on the site."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else None


def _navigation(url: str) -> bool:
    parts = urlsplit(url)
    if NAVIGATION_PATH.search(parts.path) or FILE_SUFFIX.search(parts.path):
        return True
    keys = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return bool(keys) and keys <= NAVIGATION_PARAMS and parts.path in ("", "/", "/index.php")


def _boxes(group: list[Candidate]) -> list[tuple[Candidate, Element]]:
    """Each link with the largest box around it holding no link of the group to another URL."""
    # Keyed by element: the dict keeps lxml's proxies alive, so identity holds.
    owner: dict[Element, str | None] = {}
    for candidate in group:
        for el in (candidate.el, *ancestors(candidate.el)):
            if el not in owner:
                owner[el] = candidate.url
            elif owner[el] != candidate.url:
                owner[el] = None
    boxes: list[tuple[Candidate, Element]] = []
    seen: dict[Element, int] = {}
    for candidate in group:
        box = candidate.el
        for parent in ancestors(candidate.el):
            if owner.get(parent) != candidate.url:
                break
            box = parent
        index = seen.get(box)
        if index is None:
            seen[box] = len(boxes)
            boxes.append((candidate, box))
        elif len(candidate.text) > len(boxes[index][0].text):
            boxes[index] = (candidate, box)  # the image link and the title link of one entry
    return boxes


def _runs(group: list[Candidate]) -> list[Entries]:
    """Split a group into runs of neighbouring, alike boxes."""
    runs: list[Entries] = []
    current = Entries()
    for candidate, box in _boxes(group):
        if current.boxes and not _neighbours(current.boxes[-1], box):
            runs.append(current)
            current = Entries()
        current.links.append(candidate)
        current.boxes.append(box)
    runs.append(current)
    return [run for run in runs if len({c.url for c in run.links}) >= MIN_ENTRIES]


def _neighbours(a: Element, b: Element) -> bool:
    if a.tag != b.tag:
        return False
    if a.getparent() is b.getparent():
        return True
    top = common_ancestor(a, b)
    if top is None:
        return False
    chain_a, chain_b = _chain(a, top), _chain(b, top)
    return chain_a is not None and chain_a == chain_b and len(chain_a) <= MAX_GAP_LEVELS - 1


def _chain(el: Element, top: Element) -> list[str] | None:
    """Signatures of the boxes between `el` and its ancestor `top` (both excluded)."""
    chain = []
    for parent in ancestors(el):
        if parent is top:
            return chain
        chain.append(signature(parent))
        if len(chain) >= MAX_GAP_LEVELS:
            return None
    return None


def extents(boxes: list[Element]) -> list[list[Element]]:
    """The elements of each entry: its box, plus — when a theme does not wrap its entries and
    the box holds only the title (a heading, then a teaser paragraph, then the next heading) —
    the siblings up to the next box. The last entry takes only siblings shaped like those the
    other entries took, so a note or a pager after the list is not its teaser."""
    result = []
    shapes: set[str] = set()
    for index, box in enumerate(boxes):
        following = boxes[index + 1] if index + 1 < len(boxes) else None
        nodes = [box]
        parent = box.getparent()
        if parent is None or not _bare(box):
            result.append(nodes)
            continue
        if following is not None and following.getparent() is parent:
            for sibling in box.itersiblings():
                if sibling is following:
                    break
                nodes.append(sibling)
                shapes.add(signature(sibling))
        elif following is None and len(boxes) > 1 and boxes[-2].getparent() is parent:
            gap = _gap(boxes[-2], box)
            for sibling in box.itersiblings():
                if len(nodes) > gap or sibling.tag == box.tag or signature(sibling) not in shapes:
                    break
                nodes.append(sibling)
        result.append([n for n in nodes if isinstance(n.tag, str)])
    return result


def _bare(box: Element) -> bool:
    """True for a box that holds only a story's title: a heading or link, or a box around one."""
    if box.tag in HEADINGS or box.tag == "a":
        return True
    text = visible_text(box) or ""
    titles = [len(visible_text(el) or "") for el in box.iter("a", *HEADINGS)]
    return len(text) - max(titles, default=0) <= BARE_SLACK


def _gap(a: Element, b: Element) -> int:
    """How many siblings lie between two entry boxes."""
    for count, sibling in enumerate(a.itersiblings()):
        if sibling is b:
            return count
    return 0


def _score(entries: Entries) -> float:
    """Bigger for more entries with headline-like titles, headings, teasers, in the main area.

    The figures per entry come from the list's first SCORE_SAMPLE entries (all of a real list).
    """
    count = len({c.url for c in entries.links})
    sample = entries.links[:SCORE_SAMPLE]
    texts = [c.text for c in sample]
    typical = median(weight(text) for text in texts)
    headline_like = 0.1 if typical < 8 else 0.4 if typical < 15 else 0.8 if typical < 25 else 1.0
    in_heading = sum(c.in_heading for c in sample) / len(texts)
    distinct = len(set(texts)) / len(texts)
    dated = sum(looks_like_date(text) for text in texts) / len(texts)
    rich = sum(_has_teaser(box, text) for box, text in zip(entries.boxes, texts, strict=False))
    rich /= len(texts)
    return (
        count
        * headline_like
        * (0.5 + 0.5 * in_heading)
        * (0.6 + 0.8 * rich)
        * distinct**2
        * (1 - 0.8 * dated)
        * _place(entries.boxes)
    )


def _has_teaser(box: Element, headline: str) -> bool:
    text = visible_text(box) or ""
    if len(text) - len(headline) >= 40:
        return True
    sibling = box.getnext()
    if sibling is None or sibling.tag == box.tag or not isinstance(sibling.tag, str):
        return False
    return len(visible_text(sibling) or "") >= 40


def _top(boxes: list[Element]) -> Element:
    """The innermost element holding every box."""
    top = boxes[0]
    for box in boxes[1:]:
        shared = common_ancestor(top, box)
        top = shared if shared is not None else top
    return top


def _place(boxes: list[Element]) -> float:
    """Where the list sits: furniture and repeating rails lose, the main content area wins."""
    top = _top(boxes)
    factor = 1.0
    furniture = repeater = main = False
    for el in (top, *ancestors(top)):
        if el.tag in ("body", "html"):
            break  # body classes name the archive's own tag or category, not a region
        words = marks(el)
        repeater = repeater or bool(REPEATER.search(words))
        furniture = furniture or el.tag in FURNITURE_TAGS or bool(FURNITURE.search(words))
        main = main or el.tag == "main" or el.get("role") == "main" or bool(MAIN.search(words))
    if repeater:
        factor *= 0.05
    elif furniture:
        factor *= 0.25
    elif main:
        factor *= 1.5
    return factor
