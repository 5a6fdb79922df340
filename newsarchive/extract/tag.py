"""The name of the tag or category a listing page is about.

In order: a Blogger label (its URL names it exactly, the page's heading is the blog's title);
the listing's own heading; the page title; the URL. A heading counts when it is not the site's
name and links nowhere else (a story's title or the logo); its name is the element that holds it
("Etiqueta: <span>Perú</span>") or its text without localized archive words ("Schlagwort:",
"Archivo de la etiqueta:", "「…」の記事一覧"). A title counts when it starts with the page's own
name, which must not be the site's name or a page number ("Pagina 3 di 9 - Site" names none).
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from urllib.parse import parse_qsl, unquote, urlsplit

from lxml import etree
from parsel import Selector

from newsarchive.extract.dom import Element, ancestors, classes, has_class
from newsarchive.extract.links import absolute_href
from newsarchive.extract.text import visible_text
from newsarchive.extract.vocabulary import ARCHIVE_PREFIXES, ARCHIVE_SUFFIXES, PAGE_WORDS

# Where a listing's own heading sits, most specific first: these classes, then an h1 in <main>,
# then any h1. One pass over the page finds them all.
HEADING_CLASSES = ("page-title", "archive-title", "taxonomy-title", "term-title")
HEADING_PLACES = etree.XPath(
    "//*[" + " or ".join(has_class(name) for name in HEADING_CLASSES) + "] | //h1"
)
# Meta elements naming the site (property or name, and the name itself).
SITE_NAME_META = (("property", "og:site_name"), ("name", "application-name"))
HOME_PATHS = ("", "/", "/index.html", "/index.php")
BLOGGER_LABEL = re.compile(r"/search/label/([^/?#]+)")
# Query parameters that name the listing (?tag=peru); numeric values (?cat=12) name nothing.
NAME_PARAMS = ("tag", "tags", "label", "category", "topic", "tema", "etiqueta", "rubrique")
# URL segments that are no name: pagination, index files, archive kinds.
URL_NOISE = re.compile(
    r"^(?:page|p|pagina|seite|\d+|page\d+|p\d+|index|default|home|list_[\d_]+)$", re.I
)
URL_ARCHIVE = re.compile(
    r"^(?:search|tag|tags|category|categories|label|labels|archive|archives|topics?|section)$",
    re.I,
)
QUOTES = " \"'“”‘’«»„「」『』【】《》〈〉"


def _alternatives(words: frozenset[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_PREFIX_WORDS = _alternatives(ARCHIVE_PREFIXES)
# "Tag: Perú", "Mot-clé : Colombie", "Tag «Perú»", and word groups that cannot be a name's start
# even without a colon ("Posts tagged Peru", "Mostrando entradas con la etiqueta Perú").
PREFIX = re.compile(
    rf"^(?:(?:{_PREFIX_WORDS})\s*[:：\-–—»|›]\s*|(?:{_PREFIX_WORDS})\s+(?=[\"“„«「『'‘])"
    rf"|(?:{'|'.join(re.escape(w) for w in ARCHIVE_PREFIXES if ' ' in w)})\s+)(?P<name>.+)$",
    re.I,
)
# "Perú archivos", "Parenting Archives", "「環境」の記事一覧", "Peru – Tag –".
SUFFIX = re.compile(
    rf"^(?P<name>.+?)(?:\s*(?:{_alternatives(ARCHIVE_SUFFIXES)})"
    rf"|\s*[\-–—|:(]\s*(?:{_PREFIX_WORDS})\s*[\-–—)]?)$",
    re.I,
)
# "Label: Name" in a language the lists do not know; trusted when the title repeats the name.
LABELLED = re.compile(r"^(?P<label>[^\W\d_][^:：\d]{0,29})\s*[:：]\s*(?P<name>\S.*)$")
LABEL_MAX_WORDS = 3
TITLE_SEPARATORS = re.compile(
    r"\s+[|\-–—·»›:]{1,2}\s+|\s*[|_»›]\s*|(?<=[^\x00-\x7f])\s*-\s*(?=[^\x00-\x7f])"
)
PAGE_LABEL = re.compile(rf"(?:^|\s)(?:{_alternatives(PAGE_WORDS)})\.?\s*:?\s*\d", re.I)
SHORT_LABEL = 40  # characters of text before a heading's name element


def find_tag(page: Selector, url: str) -> str | None:
    """The listing's name; None for a page that names none (a blog's home, a search page)."""
    label = blogger_label(url)
    if label:
        return label
    heading = tag_heading(page, url)
    if heading is not None:
        name = heading_name(heading, page_title(page))
        if name:
            return name
    return title_name(page, url) or tag_from_url(url)


def blogger_label(url: str) -> str | None:
    """`/search/label/Amaz%C3%B4nia` -> "Amazônia"."""
    match = BLOGGER_LABEL.search(urlsplit(url).path)
    return " ".join(unquote(match.group(1)).split()) or None if match else None


def tag_heading(page: Selector, url: str) -> Element | None:
    """The heading that names the listing: the first one that is neither the site's name nor
    a link elsewhere (a story's title, the logo)."""
    sites: set[str] | None = None
    for el in _headings(page.root):
        if not _named(el, url):
            continue
        sites = site_names(page, url) if sites is None else sites
        if _key(visible_text(el) or "") not in sites:
            return el
    return None


def _headings(root: Element) -> list[Element]:
    """Elements that may be the listing's heading, in the order they are trusted."""
    if not isinstance(root, Element):
        return []
    found = [el for el in HEADING_PLACES(root) if isinstance(el, Element)]
    h1s = [el for el in found if el.tag == "h1"]
    ordered = [el for name in HEADING_CLASSES for el in found if name in classes(el)]
    ordered += [el for el in h1s if any(a.tag == "main" for a in el.iterancestors())]
    return ordered + h1s


def usable_heading(el: Element, url: str, sites: AbstractSet[str]) -> bool:
    """True when `el` may name the listing (the test `tag_heading` applies), given the site's
    names (`site_names`)."""
    return _named(el, url) and _key(visible_text(el) or "") not in sites


def _named(el: Element, url: str) -> bool:
    return bool(visible_text(el)) and not _links_away(el, url)


def heading_name(heading: Element, title: str | None) -> str | None:
    """The name in a listing's heading: its own element, else its text without archive words."""
    text = visible_text(heading)
    if not text:
        return None
    return _own_element(heading, text) or strip_archive_words(text, title)


def strip_archive_words(text: str, title: str | None = None) -> str:
    """`text` without archive prefixes and suffixes and the quotes around the name."""
    name = text.strip()
    match = PREFIX.match(name)
    if match:
        name = match.group("name")
    else:
        match = LABELLED.match(name)
        if (
            match
            and len(match.group("label").split()) <= LABEL_MAX_WORDS
            and title
            and match.group("name").strip(QUOTES) in title
            and name not in title
        ):
            name = match.group("name")
    match = SUFFIX.match(name.strip(QUOTES))
    if match and match.group("name").strip(QUOTES):
        name = match.group("name")
    return name.strip(QUOTES) or text


def page_title(page: Selector) -> str | None:
    root = page.root
    node = root.find("head/title") if isinstance(root, Element) else None
    return visible_text(node) if node is not None else None


def title_name(page: Selector, url: str) -> str | None:
    """The page's own name from its title: the first part that is not a page number, unless
    that part is the site's name (then the title names the site only)."""
    title = page_title(page)
    if not title:
        return None
    parts = [part for part in TITLE_SEPARATORS.split(title) if part and part.strip(QUOTES)]
    parts = [part for part in parts if not PAGE_LABEL.search(f" {part}")]
    if not parts or _key(parts[0]) in site_names(page, url):
        return None
    return strip_archive_words(parts[0], None)


def site_names(page: Selector, url: str) -> set[str]:
    """Keys of what the site calls itself: og:site_name, the logo's text, its host's name."""
    names: set[str] = set()
    root = page.root
    head = root.find("head") if isinstance(root, Element) else None
    if head is not None:
        for meta in head.iter("meta"):
            if any(meta.get(attr) == value for attr, value in SITE_NAME_META):
                names.add(_key(meta.get("content") or ""))
    if isinstance(root, Element):
        home = _home(url)
        for link in root.iter("a"):
            if (link.get("href") or "").strip() in home:
                names.add(_key(visible_text(link) or ""))
                names.update(_key(img.get("alt") or "") for img in link.iter("img"))
    host = (urlsplit(url).hostname or "").removeprefix("www.").split(".")[0]
    names.add(_key(host))
    names.discard("")
    return names | _host_like(page, host)


def _host_like(page: Selector, host: str) -> set[str]:
    """Title parts that spell the host's name ("EordaiaLive.COM" on eordaialive.com)."""
    title = page_title(page) or ""
    host_key = _key(host)
    if len(host_key) < 4:
        return set()
    return {_key(part) for part in TITLE_SEPARATORS.split(title) if host_key in _key(part)}


def _home(url: str) -> set[str]:
    """The ways a link to the site's home page is written (the logo's link)."""
    parts = urlsplit(url)
    bare = parts.netloc.removeprefix("www.")
    starts = [
        f"{scheme}//{host}" for host in (bare, f"www.{bare}") for scheme in ("https:", "http:", "")
    ]
    return {f"{start}{path}" for start in ("", *starts) for path in HOME_PATHS} - {""} | {"./"}


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _links_away(heading: Element, url: str) -> bool:
    """True when the heading is or holds a link to another page than this one."""
    links = [*heading.iter("a"), *(a for a in ancestors(heading) if a.tag == "a")]
    here = url.split("#")[0].rstrip("/")
    for link in links:
        target = absolute_href(link.get("href"), url)
        if target and target.split("#")[0].rstrip("/") != here:
            return True
    return False


def _own_element(heading: Element, text: str) -> str | None:
    """The name when the heading wraps it in an element of its own after a short label:
    `<h1>Etiqueta: <span>Perú</span></h1>`, `<h1>Category Archives: <em>Peru</em></h1>`."""
    named = [
        child
        for child in heading
        if isinstance(child.tag, str) and child.tag not in ("br", "small", "svg", "img", "i")
        and visible_text(child)
    ]  # fmt: skip
    if len(named) != 1:
        return None
    name = visible_text(named[0]) or ""
    before, _, after = text.rpartition(name)
    label = before.strip()
    if not label or after.strip(QUOTES + " .") or len(label) > SHORT_LABEL:
        return None
    if label[-1] in ":：»|›-–—" or label.strip(QUOTES + ":：").casefold() in ARCHIVE_PREFIXES:
        return name.strip(QUOTES) or None
    return None


def tag_from_url(url: str) -> str | None:
    """`https://x.org/tag/peru-protests/page/2/` -> "Peru Protests"; None when the URL names
    only an archive kind or the home page."""
    parts = urlsplit(url)
    for key, value in parse_qsl(parts.query):
        if key.lower() in NAME_PARAMS and value.strip() and not value.strip().isdecimal():
            return _readable(value)
    segments = [s for s in parts.path.split("/") if s]
    while segments and URL_NOISE.match(re.sub(r"\.\w{2,5}$", "", segments[-1])):
        segments.pop()
    if not segments or URL_ARCHIVE.match(segments[-1]):
        return None
    return _readable(re.sub(r"\.(?:html?|php|aspx?|jsp)$", "", unquote(segments[-1]), flags=re.I))


def _readable(slug: str) -> str | None:
    return slug.replace("-", " ").replace("_", " ").replace("+", " ").strip().title() or None
