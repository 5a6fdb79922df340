"""Text helpers shared by the extraction layers: what a reader sees, and what is a link label."""

from __future__ import annotations

import re

from lxml import etree
from parsel import Selector

_BLOCK = frozenset((
    "p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "dd", "dt",
    "ul", "ol", "table", "section", "article", "header", "footer", "blockquote", "figure",
    "figcaption", "center", "hr", "main", "aside", "nav",
))  # fmt: skip
INVISIBLE = frozenset(("script", "style", "noscript", "template", "iframe", "select", "option"))
# Classes of text a sighted reader does not see, or that is a link label rather than content.
_HIDDEN_CLASSES = ("screen-reader-text", "sr-only", "visually-hidden")
_MORE_CLASSES = ("more-link", "read-more", "readmore", "more-tag", "moreLink", "read_more")
# "Read more" in the languages of the sites we meet; the whole label, brackets and arrows aside.
READ_MORE = re.compile(
    r"^(?:read (?:the )?(?:more|full|rest|on|article|story)|(?:view|see|show) (?:more|all|full)"
    r"|more|continue(?: reading)?(?: this)?(?: (?:entry|post|article|story))?|full (?:story|article)"
    r"|keep reading|details|weiterlesen|mehr(?: lesen)?|weiter(?: lesen)?|leer (?:más|mas)"
    r"|seguir leyendo|ver más|más|lire (?:la suite|plus)|en savoir plus|suite|leggi(?: tutto| di più)?"
    r"|continua(?: a leggere)?|ler mais|saiba mais|leia mais|continuar lendo|meer|lees (?:meer|verder)"
    r"|les mer|läs mer|læs mere|czytaj (?:więcej|dalej)|więcej|читать (?:далее|дальше|полностью)"
    r"|далее|подробнее|читати далі|докладніше|devamı(?:nı oku)?|περισσότερα|διαβάστε (?:περισσότερα|τη συνέχεια)"
    r"|続きを読む|この記事の続きを読む|もっと読む|阅读全文|阅读更多|查看全文|詳細|详细|详情|더 ?보기|বিস্তারিত"
    r"|और पढ़ें|اقرأ المزيد|המשך לקרוא)$",
    re.I,
)
# Brackets, arrows and dots around a label ("[Read more…]", "Weiterlesen →").
_LABEL_TRIM = " [](){}<>«»›‹→←….-–—:|"


# Characters that show nothing and are no whitespace: the zero-width space, the word joiner and
# its kin, the soft hyphen, a stray byte-order mark. (Zero-width joiners and non-joiners shape
# Indic and Arabic letters and are kept.)
INVISIBLE_CHARS = re.compile("[\u00ad\u200b\u2060-\u2064\ufeff]")


def clean(text: str | None) -> str | None:
    """Collapse whitespace and drop invisible characters; text that shows nothing becomes None."""
    if text is None:
        return None
    # str.split() and the regex \s agree on what whitespace is; splitting is several times faster.
    text = " ".join(text.split())
    if text and not text.isascii():
        text = " ".join(INVISIBLE_CHARS.sub("", text).split())
    return text or None


def is_read_more(label: str | None) -> bool:
    """True for a "Read more" / "Weiterlesen →" / "[continua...]" label."""
    if not label:
        return False
    return bool(READ_MORE.match(" ".join(label.split()).strip(_LABEL_TRIM).lower()))


def _skipped(el: etree._Element, skip: tuple[str, ...], teaser: bool) -> bool:
    if el.tag in INVISIBLE or not isinstance(el.tag, str):
        return True
    classes = el.get("class")
    if classes and any(name in classes for name in skip):
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    return teaser and el.tag == "a" and is_read_more(_raw_text(el))


def _raw_text(el: etree._Element) -> str:
    return "".join(el.itertext())


def _collect(el: etree._Element, parts: list[str], skip: tuple[str, ...], teaser: bool) -> None:
    block = el.tag in _BLOCK
    if block:
        parts.append(" ")
    if el.text:
        parts.append(el.text)
    for child in el:
        if not _skipped(child, skip, teaser):
            _collect(child, parts, skip, teaser)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append(" ")


def visible_text(node: Selector | etree._Element | None, *, teaser: bool = False) -> str | None:
    """The text a reader sees in `node`: no scripts or styles, blocks separated by spaces.

    With `teaser`, "read more" links are left out too.
    """
    if node is None:
        return None
    root = node.root if isinstance(node, Selector) else node
    if isinstance(root, str):
        return clean(root)
    if not isinstance(root.tag, str) or root.tag in INVISIBLE:
        return None
    parts: list[str] = []
    skip = _HIDDEN_CLASSES + _MORE_CLASSES if teaser else _HIDDEN_CLASSES
    _collect(root, parts, skip, teaser)
    return clean("".join(parts))
