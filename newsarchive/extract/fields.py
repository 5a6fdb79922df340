"""The fields of one story entry — teaser, date, author, image — found in its markup.

Every layer locates entries its own way and then fills what it did not find itself from here.
An entry is a list of elements: usually one box, or a heading and the siblings that follow it in
themes that do not wrap their entries. Nothing outside those elements is read, so a field never
comes from the next story or from the page around the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from lxml import etree

from newsarchive.extract.bylines import BYLINE_MAX, entry_author, is_byline
from newsarchive.extract.context import PageContext
from newsarchive.extract.dates import Dated, DateReader, is_date_label, looks_like_date
from newsarchive.extract.dom import HEADINGS, Element, heading_of
from newsarchive.extract.links import absolute_href
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import INVISIBLE, clean, is_read_more, visible_text
from newsarchive.extract.vocabulary import AD_LABELS

# Blocks around an entry's text that are not its teaser: bylines, dates, tags, share buttons,
# pop-up cards and menus, advertising slots.
META = re.compile(
    r"meta|date|time|fecha|datum|author|autor|byline|contributor|posted|categor"
    r"|(?:^|[\s_-])info(?:$|\s)"
    r"|(?:^|[\s_-])tags?(?:$|[\s_-])|tag-?list|comment|share|social|sharing|rating|views"
    r"|read-?more|more-?link|button|btn|footer|label|badge|breadcrumb|thumb|avatar"
    r"|popover|tooltip|dropdown|popup|modal|(?:^|\s)hidden(?:$|\s)",
    re.I,
)
AD_MARKS = re.compile(
    r"(?:^|[\s_-])(?:ads?|advert\w*|adsense|adsbygoogle|adslot|dfp|gpt|sponsor\w*|publicidad\w*"
    r"|publicite|pubblicita|werbung\w*|anzeige\w*|reklam\w*)(?:$|[\s_-]|\d)",
    re.I,
)
# ARIA roles of elements shown only on demand: pop-up cards, menus, dialogs.
POPUP_ROLES = frozenset(("tooltip", "menu", "menubar", "dialog", "alertdialog", "listbox"))
DATE_MARKS = re.compile(r"date|time|posted|published|datum|fecha|data|ago|dateline|stamp", re.I)
# Marks of metadata lines, where a date may sit among author, category and counts.
META_LINE_MARKS = re.compile(r"meta|info|byline|submitted|details|posted|dateline", re.I)
TIME_QUERIES = tuple(
    etree.XPath(query)
    for query in (
        ".//time[@datetime][contains(@class, 'publish') or contains(@class, 'entry-date')]"
        "/@datetime",
        ".//*[@itemprop='datePublished']/@datetime",
        ".//*[@itemprop='datePublished']/@content",
        ".//time[@datetime]/@datetime",
    )
)
MARKUP_DATE_QUERIES = tuple(
    etree.XPath(query)
    for query in (
        ".//abbr[contains(@class, 'published')]/@title",
        ".//*[contains(@class, 'published')]/@title",
        ".//*[@itemprop='dateCreated']/@content",
        ".//*[@property='article:published_time']/@content",
    )
)
IMAGE_ATTRS = ("data-src", "data-lazy-src", "data-original", "src")
MIN_TEASER = 8
SHORT_BLOCK = 90  # a date sits in a short line; longer blocks are body text
META_LINE = 250  # a metadata line may be longer: author, date, category and counts in one


def headline_of(title: Element) -> tuple[Element, str | None]:
    """The element carrying a story's title (a heading inside a link wins), and its text."""
    if title.tag == "a":
        for heading in title.iter(*HEADINGS):
            return heading, visible_text(heading)
    return title, visible_text(title)


def entry_story(
    ctx: PageContext,
    nodes: Sequence[Element],
    title: Element,
    url: str,
    method: str,
    *,
    headline: str | None = None,
    teaser: str | None = None,
    teaser_source: str = "markup",
    find_teaser: bool = True,
    published: Dated | None = None,
    author: tuple[str, str] | None = None,
) -> ExtractedStory | None:
    """A story from an entry: given fields are kept, the rest found in the entry's markup.

    `title` is the link or heading that carries the story's title; `author` is (name, source).
    """
    title_node, title_text = headline_of(title)
    headline = headline or title_text
    if not headline:
        return None
    if teaser is None and find_teaser:
        teaser, teaser_source = entry_teaser(nodes, title_boundary(title_node)), "entry"
    teaser = settled_teaser(teaser, headline)
    published = published or entry_date(ctx.dates, nodes, exclude=title_node) or ctx.dates.url(url)
    author = author or entry_author(nodes, exclude=title_node)
    return ExtractedStory(
        url=url,
        headline=headline,
        teaser=teaser,
        published_at=published.value if published else None,
        date_source=published.source if published else None,
        date_precision=published.precision if published else None,
        author=author[0] if author else None,
        author_source=author[1] if author else None,
        teaser_source=teaser_source if teaser else None,
        image_url=entry_image(nodes, ctx.base),
        extraction_method=method,
    )


def title_boundary(title_node: Element) -> Element:
    """Where the title ends in an entry: its heading when it has one."""
    heading = heading_of(title_node)
    return heading if heading is not None else title_node


def settled_teaser(teaser: str | None, headline: str) -> str | None:
    """No teaser when it only repeats the headline, says "read more" or is a date."""
    if teaser and (teaser == headline or is_read_more(teaser) or looks_like_date(teaser)):
        return None
    return teaser


def entry_teaser(nodes: Sequence[Element], title: Element | None) -> str | None:
    """The entry's text after its title, without bylines, dates, tags, "read more" links,
    pop-ups and advertising labels."""
    parts: list[str] = []
    state = {"after": title is None}
    for index, node in enumerate(nodes):
        # The entry box's own classes name its categories and tags; its inner blocks are judged.
        _teaser_text(node, title, parts, state, top=index == 0)
    text = clean("".join(parts))
    if not text or not _substantial(text):
        return None
    return text


def _teaser_text(
    el: Element, title: Element | None, parts: list[str], state: dict, top: bool = False
) -> None:
    if el is title:
        state["after"] = True
        return
    if not (top and isinstance(el.tag, str) and el.tag not in INVISIBLE) and not _teaser_part(el):
        return
    if not top and state["after"] and _label_line(el):
        return
    block = el.tag in BLOCKS
    if block:
        parts.append(" ")
    if el.text and state["after"]:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            _teaser_text(child, title, parts, state)
        if child.tail and state["after"]:
            parts.append(child.tail)
    if block:
        parts.append(" ")


BLOCKS = frozenset((*HEADINGS, "p", "div", "li", "br", "tr", "td", "dd", "dt", "ul", "ol",
                    "section", "article", "blockquote", "figure", "figcaption", "center", "table"))  # fmt: skip


def _teaser_part(el: Element) -> bool:
    if not isinstance(el.tag, str) or el.tag in INVISIBLE or el.tag in ("button", "form", "time"):
        return False
    if el.tag in HEADINGS and el.find(".//a[@href]") is not None:
        return False  # another story's title inside the entry (a related-story box)
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return False
    if (el.get("role") or "").lower() in POPUP_ROLES or el.tag == "ins":
        return False
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    if marks.strip() and (META.search(marks) or AD_MARKS.search(marks)):
        return False
    return not (el.tag == "a" and is_read_more("".join(el.itertext())))


def _label_line(el: Element) -> bool:
    """A line of its own that is a date, a byline or an advertising label, not the story's
    text (a word inside a sentence is never one)."""
    if el.tag not in BLOCKS and not _alone(el):
        return False
    text = clean("".join(el.itertext()))
    if not text or len(text) > BYLINE_MAX:
        return False
    if len(text) <= SHORT_BLOCK and (
        text.casefold().strip(" :-–—") in AD_LABELS or is_date_label(text)
    ):
        return True
    return is_byline(el)


def _alone(el: Element) -> bool:
    """True for an inline element with no text of its own line around it."""
    if (el.tail or "").strip():
        return False
    before = el.getprevious()
    if before is not None:
        return not (before.tail or "").strip()
    parent = el.getparent()
    return parent is None or not (parent.text or "").strip()


def _substantial(text: str) -> bool:
    """At least MIN_TEASER letters, or 4 CJK characters (a few say a lot); stops once settled."""
    letters = wide = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if letters >= MIN_TEASER:
                return True
        if ord(ch) > 0x2E80:
            wide += 1
            if wide >= 4:
                return True
    return False


def entry_date(
    dates: DateReader, nodes: Sequence[Element], exclude: Element | None = None
) -> Dated | None:
    """The entry's publication date: machine-readable markup first, then printed dates in lines
    marked as dates, then any short line, then relative phrases standing alone in a line."""
    for node in nodes:
        for query in TIME_QUERIES:
            for value in query(node):
                found = dates.machine(value, "time")
                if found:
                    return found
        for query in MARKUP_DATE_QUERIES:
            for value in query(node):
                found = dates.machine(value, "markup")
                if found:
                    return found
    marked, plain = [], []
    for text, is_marked in _short_lines(nodes, exclude):
        (marked if is_marked else plain).append(text)
    for text in marked:
        found = dates.read(text, relative=True)
        if found:
            return found
    for text in plain:
        found = dates.read(text)
        if found:
            return found
    for text in plain:
        found = dates.read(text, relative=True)
        if found and found.source == "relative":
            return found
    return None


def _short_lines(nodes: Sequence[Element], exclude: Element | None) -> Iterator[tuple[str, bool]]:
    """Short texts of the entry (where dates are written), and whether marked as a date.

    Metadata lines (author, date, category and counts in one) may be longer than other lines.
    """
    seen: set[str] = set()
    title = visible_text(exclude) if exclude is not None else None
    for node in nodes:
        for el in node.iter():
            if not isinstance(el.tag, str) or el.tag in INVISIBLE or el is exclude:
                continue
            if exclude is not None and _inside(el, exclude):
                continue
            text = visible_text(el)
            if not text or text in seen or (title and title in text):
                continue  # a date in the headline ("held on 10-12 May, 2014") is not the story's
            marks = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
            limit = META_LINE if META_LINE_MARKS.search(marks) else SHORT_BLOCK
            if weight(text) > limit:
                continue
            seen.add(text)
            yield text, el.tag == "time" or bool(DATE_MARKS.search(marks))


def weight(text: str) -> int:
    """Length of a text, CJK characters counting double (they say more per character)."""
    return len(text) + sum(ord(ch) > 0x2E80 for ch in text)


def _inside(el: Element, container: Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is container:
            return True
        parent = parent.getparent()
    return False


ICON_SIZE = 48  # pixels; smaller images are icons and buttons, not a story's picture


def entry_image(nodes: Sequence[Element], base: str) -> str | None:
    """The entry's picture: the first image that is not an icon or in a share/byline block."""
    for node in nodes:
        for img in node.iter("img"):
            if _icon(img, node):
                continue
            for attr in IMAGE_ATTRS:
                value = img.get(attr)
                if value and not value.startswith("data:"):
                    return absolute_href(value, base)
            srcset = img.get("srcset") or img.get("data-srcset")
            if srcset:
                return absolute_href(srcset.split(",")[0].split()[0], base)
    return None


def _icon(img: Element, top: Element) -> bool:
    for size in (img.get("width"), img.get("height")):
        if size and size.isdecimal() and int(size) < ICON_SIZE:
            return True
    node = img.getparent()
    while node is not None and node is not top:
        marks = f"{node.get('class') or ''} {node.get('id') or ''}"
        if marks.strip() and META.search(marks) and "thumb" not in marks:
            return True
        node = node.getparent()
    return False
