"""Text helpers shared by the extraction strategies."""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector

_SPACE = re.compile(r"\s+")
_BLOCK = frozenset((
    "p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "dd", "dt",
    "ul", "ol", "table", "section", "article", "header", "footer", "blockquote", "figure",
    "figcaption",
))  # fmt: skip
_INVISIBLE = frozenset(("script", "style", "noscript", "template"))
# Classes of text a sighted reader does not see, or that is a link label rather than content.
_HIDDEN_CLASSES = ("screen-reader-text", "sr-only", "visually-hidden")
_MORE_CLASSES = ("more-link", "read-more", "readmore", "more-tag")


def clean(text: str | None) -> str | None:
    """Collapse whitespace; empty text becomes None."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


def _collect(el: etree._Element, parts: list[str], skip: tuple[str, ...]) -> None:
    if el.tag in _INVISIBLE:
        return
    classes = el.get("class")
    if classes and any(name in classes for name in skip):
        return
    block = el.tag in _BLOCK
    if block:
        parts.append(" ")
    if el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str):
            _collect(child, parts, skip)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append(" ")


def visible_text(node: Selector | None, *, teaser: bool = False) -> str | None:
    """The text a reader sees in `node`: no scripts or styles, blocks separated by spaces.

    With `teaser`, "read more" links are left out too.
    """
    if node is None:
        return None
    root = node.root
    if isinstance(root, str):
        return clean(root)
    parts: list[str] = []
    _collect(root, parts, _HIDDEN_CLASSES + _MORE_CLASSES if teaser else _HIDDEN_CLASSES)
    return clean("".join(parts))
