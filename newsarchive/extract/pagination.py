"""Finding the link to the next page of a listing — the page of OLDER stories.

In order of trust: `<link rel="next">`; links labelled next/older in many languages, marked
rel=next, or classed as next/older (a label saying previous/newer/first/last always loses, and
the label wins over the class: WordPress's `nav-previous` holds "Older posts"); the number
after the current one in a numbered pager; a link to this URL with its page number plus one.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from lxml import etree
from parsel import Selector

from newsarchive.extract.dom import Element, ancestors
from newsarchive.extract.links import absolute_href
from newsarchive.extract.text import visible_text

NEXT_LABELS = frozenset(
    """next|next page|next posts|next entries|older|older posts|older entries|older articles
    |older stories|older news|older items|more posts|more stories|more articles|load more
    |siguiente|siguientes|página siguiente|pagina siguiente|entradas anteriores|artículos anteriores
    |publicaciones anteriores|noticias anteriores|entradas más antiguas|más antiguas|posts anteriores
    |próxima|próximo|próxima página|seguinte|mais antigos|postagens mais antigas|artigos anteriores
    |suivant|suivante|page suivante|articles plus anciens|articles suivants
    |weiter|nächste|nächste seite|ältere beiträge|ältere einträge|ältere artikel|vorwärts
    |successivo|successiva|pagina successiva|prossima|prossima pagina|avanti|articoli meno recenti
    |articoli precedenti|post più vecchi|volgende|volgende pagina|oudere berichten
    |следующая|следующая страница|след|далее|вперед|вперёд|старые записи|наступна|далі
    |następna|następne|starsze wpisy|další|starší příspěvky|sonraki|daha eski
    |επόμενη|επόμενο|παλαιότερα|次へ|次のページ|次|古い記事|下一页|下页|下一頁|后页|更早
    |다음|다음 페이지|التالي|التالية|הבא|nästa|äldre inlägg|næste|ældre indlæg|neste|eldre innlegg
    |পরবর্তী|अगला|tiếp theo|trang sau|selanjutnya|berikutnya|következő|următoarea|seuraava""".replace(
        "\n", ""
    )
    .replace("    ", "")
    .split("|")
)
# "Go to next page", "Vai alla pagina successiva": a next word inside a link's title/aria-label.
NEXT_IN_DESCRIPTION = re.compile(
    r"(?<!\w)(?:"
    + "|".join(sorted((re.escape(w) for w in NEXT_LABELS if len(w) >= 4), key=len, reverse=True))
    + r")(?!\w)",
    re.I,
)
NOT_NEXT = re.compile(
    r"prev|previous|newer|back|first|last|anterior$|précédent|zurück|vorherige|neuere|precedente"
    r"|più recenti|plus récents|más recientes|mais recentes|предыдущ|назад|пред$|первая|последняя"
    r"|上一|前へ|前の|最初|最後|首页|末页|尾页|이전|السابق|הקודם|ultima|último|última|letzte|dernière"
    r"|начало|конец|শেষ|start$|end$|home$",
    re.I,
)
NEXT_ARROWS = frozenset(("»", "›", "→", ">", ">>", "≫", "⟩", "❯", "⇒", "▶", "►", "⟶"))
NEXT_CLASS = re.compile(
    r"(?:^|[\s_-])(?:next|older|nextpostslink|blog-pager-older-link|nav-previous)(?:$|[\s_-])"
    r"|pager__item--next|pager-next|pagination-next|next-page|page-next",
    re.I,
)
NOT_NEXT_CLASS = re.compile(
    r"(?:^|[\s_-])(?:prev|previous|newer|first|last|nav-next)(?:$|[\s_-])|previouspostslink", re.I
)
CURRENT = (
    "//*[@aria-current='page']",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' current ')]",
    "//*[contains(@class, 'current') or contains(@class, 'active') or contains(@class, 'selected')"
    " or contains(@class, 'thisclass')]",
)
_TRIM = re.compile(r"^[\s\[\](){}«»›‹→←…\.\-–—:|·•]+|[\s\[\](){}«»›‹→←…\.\-–—:|·•]+$")
PAGE_PATH = re.compile(r"/page/(\d+)/?$")
PAGE_PARAMS = frozenset(("page", "paged", "pg", "p", "pageno", "pagenum", "pagina", "seite"))
NEXT_LINK = etree.XPath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href")


def find_next_page(page: Selector, base: str, url: str) -> str | None:
    """The absolute URL of the next (older) page, or None on the last page."""
    root = page.root
    if not isinstance(root, Element):
        return None
    for href in NEXT_LINK(root):
        found = usable_next(str(href), base, url)
        if found:
            return found
    return _labelled(root, base, url) or _numbered(root, base, url) or _by_url(root, base, url)


def usable_next(href: str | None, base: str, url: str) -> str | None:
    """`href` resolved, unless it leads back to this page or to newer posts."""
    found = absolute_href(href, base)
    if not found or _same_page(found, url):
        return None
    query = dict(parse_qsl(urlsplit(found).query))
    if "updated-min" in query or query.get("reverse-paginate") == "true":
        return None  # Blogger's link to newer posts
    return found


def _same_page(a: str, b: str) -> bool:
    return a.split("#")[0].rstrip("/") == b.split("#")[0].rstrip("/")


def label(link: Element) -> str:
    text = visible_text(link) or link.get("title") or link.get("aria-label") or ""
    if not text:
        text = " ".join(img.get("alt") or "" for img in link.iter("img"))
    return _TRIM.sub("", text).lower() if _TRIM.sub("", text) else text.strip()


def _labelled(root: Element, base: str, url: str) -> str | None:
    best, best_score = None, 0
    for link in root.iter("a"):
        score = _next_score(link)
        if score > best_score:
            found = usable_next(link.get("href"), base, url)
            if found:
                best, best_score = found, score
    return best


def _next_score(link: Element) -> int:
    """How surely a link leads to the older page: 0 for not at all."""
    if not link.get("href"):
        return 0
    text = label(link)
    if text in NEXT_LABELS:
        return 4
    if text and NOT_NEXT.search(text):
        return 0
    rel = f" {link.get('rel') or ''} ".lower()
    around = " ".join(_marks(el) for el in (link, *_parents(link, 2)))
    if " prev " in rel or NOT_NEXT_CLASS.search(around):
        return 0
    score = 0
    if " next " in rel:
        score += 3
    # An icon link says what it does in its title or aria-label (never trusted for text links:
    # story links often repeat their headline there).
    description = f"{link.get('title') or ''} {link.get('aria-label') or ''}".strip()
    iconic = not visible_text(link) or text in NEXT_ARROWS
    if iconic and NEXT_IN_DESCRIPTION.search(description) and not NOT_NEXT.search(description):
        score += 3
    if text in NEXT_ARROWS:
        score += 2
    if NEXT_CLASS.search(around) and (not text or text in NEXT_ARROWS or not text.isalnum()):
        score += 2
    return score


def _marks(el: Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _parents(el: Element, count: int) -> list[Element]:
    result = []
    for parent in ancestors(el):
        if len(result) >= count:
            break
        result.append(parent)
    return result


def _numbered(root: Element, base: str, url: str) -> str | None:
    """The link numbered one more than the pager's current page."""
    for query in CURRENT:
        for current in root.xpath(query):
            found = _after(current, base, url)
            if found:
                return found
    for el in root.iter("b", "strong", "span", "em", "li"):
        if el.find(".//a") is None and not el.xpath("ancestor::a"):
            found = _after(el, base, url)
            if found:
                return found
    return None


def _after(current: Element, base: str, url: str) -> str | None:
    text = (visible_text(current) or "").strip()
    if not text.isdecimal() or len(text) > 5:
        return None
    wanted = str(int(text) + 1)
    for container in _parents(current, 3):
        for link in container.iter("a"):
            if (visible_text(link) or "").strip() == wanted:
                found = usable_next(link.get("href"), base, url)
                if found:
                    return found
    return None


def _by_url(root: Element, base: str, url: str) -> str | None:
    """A link to this very URL with its page number one higher (or a first page's page 2)."""
    for link in root.iter("a"):
        found = usable_next(link.get("href"), base, url)
        if found and _follows(url, found):
            return found
    return None


def _follows(url: str, found: str) -> bool:
    here, there = urlsplit(url), urlsplit(found)
    if (here.scheme, here.netloc) != (there.scheme, there.netloc):
        return False
    if here.path.rstrip("/") == there.path.rstrip("/"):
        old, new = dict(parse_qsl(here.query)), dict(parse_qsl(there.query))
        changed = [key for key in old.keys() | new.keys() if old.get(key) != new.get(key)]
        if len(changed) != 1 or not _page_key(changed[0]):
            return False
        before, after = old.get(changed[0]), new.get(changed[0]) or ""
        if not after.isdecimal():
            return False
        if before is None:
            return after in ("1", "2")  # page 2, or zero-based page 1, of a first page
        return before.isdecimal() and int(after) == int(before) + 1
    if here.query != there.query:
        return False
    before, after = PAGE_PATH.search(here.path), PAGE_PATH.search(there.path)
    if after is None:
        return False
    if before is None:
        return there.path.rstrip("/") == f"{here.path.rstrip('/')}/page/2"
    same_listing = here.path[: before.start()] == there.path[: after.start()]
    return same_listing and int(after.group(1)) == int(before.group(1)) + 1


def _page_key(key: str) -> bool:
    key = key.lower()
    return key in PAGE_PARAMS or "page" in key
