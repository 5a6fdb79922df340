"""The fields of one story entry — teaser, date, author, image — found in its markup.

Every layer locates entries its own way and then fills what it did not find itself from here.
An entry is a list of elements: usually one box, or a heading and the siblings that follow it in
themes that do not wrap their entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from lxml import etree

from newsarchive.extract.context import PageContext
from newsarchive.extract.dates import date_from_url, looks_like_date, machine_date
from newsarchive.extract.dom import HEADINGS, Element, heading_of
from newsarchive.extract.links import absolute_href
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import INVISIBLE, clean, is_read_more, visible_text

# Blocks around an entry's text that are not its teaser: bylines, dates, tags, share buttons.
META = re.compile(
    r"meta|date|time|fecha|datum|author|autor|byline|posted|categor|(?:^|[\s_-])tags?(?:$|[\s_-])|tag-?list|comment"
    r"|share|social|sharing|rating|views|read-?more|more-?link|button|btn|footer|label|badge"
    r"|breadcrumb|thumb|avatar",
    re.I,
)
DATE_MARKS = re.compile(r"date|time|posted|published|datum|fecha|data|ago|dateline|stamp", re.I)
TIME_QUERIES = (
    ".//time[@datetime][contains(@class, 'publish') or contains(@class, 'entry-date')]/@datetime",
    ".//*[@itemprop='datePublished']/@datetime",
    ".//*[@itemprop='datePublished']/@content",
    ".//time[@datetime]/@datetime",
)
MARKUP_DATE_QUERIES = (
    ".//abbr[contains(@class, 'published')]/@title",
    ".//*[contains(@class, 'published')]/@title",
    ".//*[@itemprop='dateCreated']/@content",
    ".//*[@property='article:published_time']/@content",
)
AUTHOR_QUERIES = (
    ".//*[@itemprop='author']//*[@itemprop='name']",
    ".//*[@itemprop='author']",
    ".//*[@rel='author']",
    ".//*[contains(@class, 'author')]//*[contains(@class, 'fn') or contains(@class, 'name')]",
    ".//*[contains(@class, 'author')][not(.//*[contains(@class, 'author')])]",
    ".//*[contains(@class, 'byline')]",
    ".//*[contains(@class, 'creator') or contains(@class, 'createdby')]",
)
AUTHOR_PREFIX = re.compile(
    r"^(?:(?:written|posted|published|reported)\s+by|by|from|por|par|von|di|da|de|door|av|af"
    r"|autor(?:a)?|author|auteur|publicado por|escrito por|publié par|geschrieben von|scritto da"
    r"|автор|作者)\s*[:：]?\s+",
    re.I,
)
AUTHOR_MAX = 80
IMAGE_ATTRS = ("data-src", "data-lazy-src", "data-original", "src")
MIN_TEASER = 8
SHORT_BLOCK = 90  # a date sits in a short line; longer blocks are body text


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
    find_teaser: bool = True,
    published: tuple[str, str] | None = None,
    author: str | None = None,
) -> ExtractedStory | None:
    """A story from an entry: given fields are kept, the rest found in the entry's markup.

    `title` is the link or heading that carries the story's title.
    """
    title_node, title_text = headline_of(title)
    headline = headline or title_text
    if not headline:
        return None
    if teaser is None and find_teaser:
        heading = heading_of(title_node)
        teaser = entry_teaser(nodes, heading if heading is not None else title_node)
    if teaser and (teaser == headline or is_read_more(teaser) or looks_like_date(teaser)):
        teaser = None
    published = published or entry_date(ctx, nodes, exclude=title_node) or url_date(url)
    return ExtractedStory(
        url=url,
        headline=headline,
        teaser=teaser,
        published_at=published[0] if published else None,
        date_source=published[1] if published else None,
        author=author or entry_author(nodes),
        image_url=entry_image(nodes, ctx.base),
        extraction_method=method,
    )


def entry_teaser(nodes: Sequence[Element], title: Element | None) -> str | None:
    """The entry's text after its title, without bylines, dates, tags and "read more" links."""
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
    if not top and state["after"] and _dateline(el, parts):
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
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    if marks.strip() and META.search(marks):
        return False
    return not (el.tag == "a" and is_read_more("".join(el.itertext())))


def _dateline(el: Element, parts: list[str]) -> bool:
    """A date standing alone before any teaser text (a dateline without markup)."""
    if "".join(parts).strip():
        return False
    text = "".join(el.itertext())
    return len(text) < SHORT_BLOCK and looks_like_date(clean(text) or "")


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
    ctx: PageContext, nodes: Sequence[Element], exclude: Element | None = None
) -> tuple[str, str] | None:
    """(ISO date, where it came from) for the entry's publication date, or None."""
    for node in nodes:
        for query in TIME_QUERIES:
            for value in node.xpath(query):
                found = machine_date(value)
                if found:
                    return found, "time"
        for query in MARKUP_DATE_QUERIES:
            for value in node.xpath(query):
                found = machine_date(value)
                if found:
                    return found, "markup"
    marked, plain = [], []
    for text, is_marked in _short_lines(nodes, exclude):
        (marked if is_marked else plain).append(text)
    for text in marked:
        found = ctx.dates.read(text, relative=True)
        if found:
            return found
    for text in plain:
        found = ctx.dates.read(text)
        if found:
            return found
    return None


def _short_lines(nodes: Sequence[Element], exclude: Element | None) -> Iterator[tuple[str, bool]]:
    """Short texts of the entry (where dates are written), and whether marked as a date."""
    seen: set[str] = set()
    title = visible_text(exclude) if exclude is not None else None
    for node in nodes:
        for el in node.iter():
            if not isinstance(el.tag, str) or el.tag in INVISIBLE or el is exclude:
                continue
            if exclude is not None and _inside(el, exclude):
                continue
            text = visible_text(el)
            if not text or weight(text) > SHORT_BLOCK or text in seen or (title and title in text):
                continue  # a date in the headline ("held on 10-12 May, 2014") is not the story's
            seen.add(text)
            marks = f"{el.get('class') or ''} {el.get('id') or ''} {el.get('itemprop') or ''}"
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


def url_date(url: str) -> tuple[str, str] | None:
    found = date_from_url(url)
    return (found, "url") if found else None


def entry_author(nodes: Sequence[Element]) -> str | None:
    for node in nodes:
        for query in AUTHOR_QUERIES:
            for el in node.xpath(query):
                name = author_name(el)
                if name:
                    return name
    return None


def author_name(el: Element | str) -> str | None:
    """A byline's name: no "By " in front, no date after, no linked-profile decoration."""
    if isinstance(el, etree._Element):
        links = [visible_text(a) for a in el.iter("a")]
        links = [text for text in links if text and not text.startswith("http")]
        text = links[0] if len(links) == 1 else visible_text(el)
    else:
        text = clean(el)
    if not text:
        return None
    text = AUTHOR_PREFIX.sub("", text).strip(" ,|·-–—:")
    text = re.split(r"\s+(?:on|am|el|le|il|em|в)\s+\d|\s[|·•]\s|,\s*\d", text)[0].strip()
    if not text or len(text) > AUTHOR_MAX or not any(ch.isalpha() for ch in text):
        return None
    return text


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
