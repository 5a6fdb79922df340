"""Authors: from elements marked as the author, and from bylines in many languages.

A byline is a short line that starts with a localized prefix — "By", "Por", "Von", "Par", "Di",
"Door", "Автор:", "Yazar:", "投稿者：", "作者：", "بقلم" — followed by the name: in the element
right after the prefix ("Von <a>Jana Krüger</a>", "<small>作者：</small>王伟") or in the same text
up to the next separator ("Por Ana Galán · 12/03/2024"). What follows must look like a name —
a few words, capitalized where the script has capitals — so that a teaser starting with "Por
qué…" or "Von den…" is no byline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from lxml import etree

from newsarchive.extract.dom import Element
from newsarchive.extract.text import INVISIBLE, clean, visible_text
from newsarchive.extract.vocabulary import BYLINE_PREFIXES, NAME_PARTICLES

AUTHOR_MAX = 80  # characters; longer is no name
NAME_MAX_WORDS = 6
BYLINE_MAX = 200  # characters of a line a byline may sit in (author, date, category, counts)
_PREFIXES = "|".join(re.escape(p) for p in sorted(BYLINE_PREFIXES, key=len, reverse=True))
# A prefix at the start of a text or after a separator ("By ", "· von "), or with its colon
# after any space ("来源：新华社 作者：王伟").
PREFIX = re.compile(
    rf"(?:(?:^|[|·•,;/]\s*)(?P<prefix>{_PREFIXES})\s*(?:[:：=・]\s*|\s+|$)"
    rf"|\s(?P<labelled>{_PREFIXES})\s*[:：]\s*)",
    re.I,
)
PREFIX_ONLY = re.compile(rf"^\s*(?:{_PREFIXES})\s*[:：=・]?\s*$", re.I)
# Any prefix as a word of its own: a line without one holds no byline.
PREFIX_WORD = re.compile(rf"(?<!\w)(?:{_PREFIXES})(?!\w)", re.I)
# Where a name ends: a separator, a date or time, "on 12 May", the next "label:".
NAME_END = re.compile(
    r"\s*[|·•/;]|\s[–—-]\s|,\s*\d|\s+(?:on|am|el|le|il|em|op|в|в\s+\d|at|um|о)\s+\d|\s{2,}|\d"
    r"|\s+[^\s:：]{1,12}[:：]|\s*\(|[。、，]"
)
# Lower-case words that may stand inside a name ("Fatima el Amrani", "Luigi di Maio").
NAME_LOWER = frozenset(
    "de da del della di do dos das du la le van von der den ter el al bin ibn y e zu af av".split()
)
# Classes of elements marked as the author.
AUTHOR_QUERIES = tuple(
    etree.XPath(query)
    for query in (
        ".//*[@itemprop='author']//*[@itemprop='name']",
        ".//*[@itemprop='author']",
        ".//*[@rel='author']",
        ".//*[contains(@class, 'author')]//*[contains(@class, 'fn') or contains(@class, 'name')]",
        ".//*[contains(@class, 'author')][not(.//*[contains(@class, 'author')])]",
        ".//*[contains(@class, 'byline')]",
        ".//*[contains(@class, 'creator') or contains(@class, 'createdby')]",
    )
)


def author_name(el: Element | str) -> str | None:
    """The name in an element marked as the author: no "By " in front, no date after, no
    linked-profile decoration."""
    if isinstance(el, etree._Element):
        links = [visible_text(a) for a in el.iter("a")]
        links = [text for text in links if text and not text.startswith("http")]
        text = links[0] if len(links) == 1 else visible_text(el)
    else:
        text = clean(el)
    if not text:
        return None
    match = PREFIX.match(text)
    if (
        match
        and match.group("prefix")
        and _enough_after(match.group("prefix"), text[match.end() :])
    ):
        text = text[match.end() :]
    text = text.strip(" ,|·-–—:")
    text = re.split(r"\s+(?:on|am|el|le|il|em|в)\s+\d|\s[|·•]\s|,\s*\d", text)[0].strip()
    if not text or len(text) > AUTHOR_MAX or not any(ch.isalpha() for ch in text):
        return None
    return text


def entry_author(
    nodes: Sequence[Element], exclude: Element | None = None
) -> tuple[str, str] | None:
    """(name, "markup" or "byline") for the entry's author, or None."""
    for node in nodes:
        for query in AUTHOR_QUERIES:
            for el in query(node):
                name = author_name(el)
                if name:
                    return name, "markup"
    name = byline_author(nodes, exclude)
    return (name, "byline") if name else None


def byline_author(nodes: Sequence[Element], exclude: Element | None = None) -> str | None:
    """The name in the entry's first byline, if it has one."""
    for el in _lines(nodes, exclude):
        name = byline_name(el)
        if name:
            return name
    return None


def is_byline(el: Element) -> bool:
    return byline_name(el) is not None


def byline_name(el: Element) -> str | None:
    """The name a byline element gives, looking at the text slots of the element itself: its
    leading text and the text after each of its children."""
    if not isinstance(el.tag, str) or el.tag in INVISIBLE:
        return None
    text = visible_text(el)
    if not text or len(text) > BYLINE_MAX or not PREFIX_WORD.search(text):
        return None
    slots: list[tuple[str | None, Element | None]] = [(el.text, el[0] if len(el) else None)]
    children = list(el)
    for index, child in enumerate(children):
        label = visible_text(child)
        if label and PREFIX_ONLY.match(label) and isinstance(child.tag, str):
            following = children[index + 1] if index + 1 < len(children) else None
            slots.insert(0, (f"{label} {child.tail or ''}", following))
        slots.append((child.tail, children[index + 1] if index + 1 < len(children) else None))
    for slot, following in slots:
        name = _name_in_slot(slot, following)
        if name:
            return name
    if children and not (el.text or "").strip():
        return byline_name(children[0])  # a line that opens with a byline element
    return None


def _name_in_slot(slot: str | None, following: Element | None) -> str | None:
    if not slot or not slot.strip():
        return None
    text = " ".join(slot.split())
    match = PREFIX.search(text)
    if match is None:
        return None
    rest = text[match.end() :]
    if not rest.strip(" :：") and following is not None and isinstance(following.tag, str):
        rest = visible_text(following) or ""
    name = NAME_END.split(rest, maxsplit=1)[0].strip(" ,.:：-–—")
    if not _enough_after(match.group("prefix") or match.group("labelled"), name):
        return None
    return name if plausible_name(name) else None


def _enough_after(prefix: str, rest: str) -> bool:
    """Short prefixes that are also name particles ("di", "von") need two words after them."""
    return prefix.casefold() not in NAME_PARTICLES or len(rest.split()) >= 2


def plausible_name(name: str) -> bool:
    """A few words, each capitalized or a name particle, in scripts that have capitals."""
    if not name or len(name) > AUTHOR_MAX or not any(ch.isalpha() for ch in name):
        return False
    words = name.split()
    if len(words) > NAME_MAX_WORDS:
        return False
    for word in words:
        first = next((ch for ch in word if ch.isalpha()), "")
        if first.islower() and word.casefold() not in NAME_LOWER:
            return False
    return True


def _lines(nodes: Sequence[Element], exclude: Element | None) -> Iterator[Element]:
    """Elements of the entry that may hold a byline: short, outside the title."""
    for node in nodes:
        for el in node.iter():
            if not isinstance(el.tag, str) or el.tag in INVISIBLE:
                continue
            if exclude is not None and (el is exclude or _inside(el, exclude)):
                continue
            yield el


def _inside(el: Element, container: Element) -> bool:
    return any(parent is container for parent in el.iterancestors())
