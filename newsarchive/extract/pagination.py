"""Finding the link to the next page of a listing — the page of OLDER stories.

In order of trust: `<link rel="next">`; links labelled next/older in many languages, marked
rel=next, or classed as next/older (a label saying previous/newer/first/last always loses, and
the label wins over the class: WordPress's `nav-previous` holds "Older posts"); the number
after the current one in a numbered pager; a link to this URL with its page number plus one.

Words and classes can mislead: some themes put `next` on the link to newer posts. So every
candidate is also checked against what the page says about direction, and one that leads to
newer stories is passed over: the page number in its URL against this page's (page 2 is newer
than page 3) always; a date cursor in its URL against the dates of the listed stories
(`?after=<the newest story>` is newer) unless the link says in words that it leads to older
posts. A date cursor that leads to older stories is taken when nothing else is.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from urllib.parse import SplitResult, parse_qsl, urlsplit

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
# Labels and classes that say "older" outright (not merely "next"): they outweigh a date cursor.
OLDER_WORDS = re.compile(
    r"older|ältere|antig|ancien|meno recenti|più vecchi|oudere|старые|starsze|daha eski|古い"
    r"|更早|eldre|äldre|ældre|παλαιότερ|vanhemmat|régebbi|starší",
    re.I,
)
OLDER_CLASS = re.compile(r"older|nav-previous", re.I)
# Labels of the first and last page, which no date cursor makes the next one.
FIRST_LAST = re.compile(
    r"first|last|primer|primeir|premi[eè]r|erste|prim[ao]|eerste|перв|ilk|pierwsz|最初|首页"
    r"|ultim|últim|dernière|letzte|laatste|последн|son$|ostatni|最後|末页|尾页|الأول|الأخير",
    re.I,
)
# Words every next-page or not-next-page class above contains: a cheap test before the patterns.
CLASS_HINTS = ("next", "older", "prev", "newer", "first", "last")
# How a pager marks its current page, surest first: aria-current, the class word "current",
# a class containing one of these words; else an unlinked number in one of these elements.
CURRENT_CLASS = "current"
CURRENT_CLASS_PARTS = ("current", "active", "selected", "thisclass")
CURRENT_MARKED = etree.XPath(
    "//*[@aria-current='page' or contains(@class, 'current') or contains(@class, 'active')"
    " or contains(@class, 'selected') or contains(@class, 'thisclass')]"
)
CURRENT_PLAIN = ("b", "strong", "span", "em", "li")
_TRIM = re.compile(r"^[\s\[\](){}«»›‹→←…\.\-–—:|·•]+|[\s\[\](){}«»›‹→←…\.\-–—:|·•]+$")
PAGE_PATH = re.compile(r"/page/?(\d+)/?$|/list_\d+_(\d+)\.html?$", re.I)
PAGE_PARAMS = frozenset((
    "page", "paged", "pg", "p", "pageno", "pagenum", "pagina", "seite", "sayfa", "strona",
))  # fmt: skip
# Query parameters counting stories rather than pages; they too grow towards older pages.
OFFSET_PARAMS = frozenset(("start", "limitstart", "offset", "skip", "from"))
CURSOR_DATE = re.compile(r"^(?:19|20)\d{2}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
CURSOR_IN_HREF = re.compile(r"[?&][^=&]*=(?:19|20)\d{2}-\d{2}-\d{2}")
OLDER, NEWER = "older", "newer"
PAGER_DEPTH = 3  # levels between a pager's container and its number links
NUMBER_TEXT_MAX = 60  # characters of a page-number element's text, hidden words included
NEXT_LINK = etree.XPath("//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href")


def find_next_page(page: Selector, base: str, url: str, dates: Sequence[str] = ()) -> str | None:
    """The absolute URL of the next (older) page, or None on the last page.

    `dates` are the publication dates of the page's stories, to tell date cursors apart.
    """
    root = page.root
    if not isinstance(root, Element):
        return None
    for found, older in _candidates(root, base, url):
        if direction(found, url, () if older else dates) != NEWER:
            return found
    return _older_cursor(root, base, url, dates)


def _candidates(root: Element, base: str, url: str) -> Iterator[tuple[str, bool]]:
    """Next-page candidates in order of trust, each with whether it says "older" in words."""
    for href in NEXT_LINK(root):
        found = usable_next(str(href), base, url)
        if found:
            yield found, False
    # Every link with the text it shows, read once for the strategies below.
    links = [(link, visible_text(link) or "") for link in root.iter("a")]
    yield from _labelled(links, base, url)
    for found in (_numbered(root, links, base, url), _by_url(root, base, url)):
        if found:
            yield found, False


def direction(target: str, url: str, dates: Sequence[str] = ()) -> str | None:
    """OLDER or NEWER when the URLs' page numbers or a date cursor against the stories' dates
    say which way `target` leads from `url`; None when they do not tell."""
    here, there = page_position(url), page_position(target)
    if here is not None and there is not None and here[0] == there[0] and here[1] != there[1]:
        return OLDER if there[1] > here[1] else NEWER
    cursor = _cursor(target)
    if cursor is None or not dates or urlsplit(target).path != urlsplit(url).path:
        return None
    keys = sorted(_date_key(value, cursor) for value in dates)
    mark = _date_key(cursor, cursor)
    oldest, newest = keys[0], keys[-1]
    if mark > newest or (mark == newest != oldest):
        return NEWER
    if mark < oldest or (mark == oldest != newest):
        return OLDER
    return None


def page_position(url: str) -> tuple[tuple, int] | None:
    """(which listing, which page) of a listing URL; the page grows towards older stories and
    is 0 for a URL without a page number (the first page)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    number = 0
    path = parts.path
    match = PAGE_PATH.search(path)
    if match:
        number, path = int(match.group(1) or match.group(2)), path[: match.start()]
    rest = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if (_page_key(key) or key.lower() in OFFSET_PARAMS) and value.isdecimal():
            number = int(value)
        elif not CURSOR_DATE.match(value):
            rest.append((key, value))
    return (parts.netloc.lower(), path.rstrip("/"), tuple(sorted(rest))), number


def _cursor(url: str) -> str | None:
    """The date in a date-cursor URL (`?before=2016-02-11T12:00`, Blogger's `updated-max`)."""
    try:
        query = parse_qsl(urlsplit(url).query)
    except ValueError:
        return None
    return next((value for _, value in query if CURSOR_DATE.match(value)), None)


def _date_key(value: str, other: str) -> str:
    """A comparable prefix of an ISO date: to the minute when both values have a time."""
    both_timed = len(value) > 10 and len(other) > 10
    return value[:16].replace(" ", "T") if both_timed else value[:10]


def _older_cursor(root: Element, base: str, url: str, dates: Sequence[str]) -> str | None:
    """A link whose date cursor leads to older stories, when no labelled link does."""
    if not dates:
        return None
    for link in root.iter("a"):
        if not CURSOR_IN_HREF.search(link.get("href") or ""):
            continue
        found = usable_next(link.get("href"), base, url)
        if (
            found
            and _cursor(found)
            and not FIRST_LAST.search(label(link))
            and direction(found, url, dates) == OLDER
        ):
            return found
    return None


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


def label(link: Element, shown: str | None = None) -> str:
    """What a link says: its visible text, else its title, aria-label or image's alt text."""
    text = (shown if shown is not None else visible_text(link)) or ""
    text = text or link.get("title") or link.get("aria-label") or ""
    if not text:
        text = " ".join(img.get("alt") or "" for img in link.iter("img"))
    return _TRIM.sub("", text).lower() if _TRIM.sub("", text) else text.strip()


def _labelled(links: list[tuple[Element, str]], base: str, url: str) -> list[tuple[str, bool]]:
    """Links that say they lead to the next page, the surest first (the first of equals), each
    with whether it says "older" outright."""
    scored = []
    for index, (link, shown) in enumerate(links):
        score = _next_score(link, shown)
        if score > 0:
            found = usable_next(link.get("href"), base, url)
            if found:
                scored.append((-score, index, found, says_older(link)))
    return [(found, older) for _, _, found, older in sorted(scored)]


def says_older(link: Element) -> bool:
    """True for a link whose label or class says "older" outright."""
    return bool(OLDER_WORDS.search(label(link)) or OLDER_CLASS.search(_marks(link)))


def _next_score(link: Element, shown: str) -> int:
    """How surely a link leads to the older page: 0 for not at all. `shown` is its text."""
    if not link.get("href"):
        return 0
    text = label(link, shown)
    if text in NEXT_LABELS:
        return 4
    rel = f" {link.get('rel') or ''} ".lower()
    around = " ".join(_marks(el) for el in (link, *_parents(link, 2)))
    pager_marks = any(word in around.lower() for word in CLASS_HINTS)
    if " prev " in rel or (pager_marks and NOT_NEXT_CLASS.search(around)):
        return 0
    score = 0
    if " next " in rel:
        score += 3
    # An icon link says what it does in its title or aria-label (never trusted for text links:
    # story links often repeat their headline there).
    description = f"{link.get('title') or ''} {link.get('aria-label') or ''}".strip()
    iconic = not shown or text in NEXT_ARROWS
    if iconic and NEXT_IN_DESCRIPTION.search(description) and not NOT_NEXT.search(description):
        score += 3
    if text in NEXT_ARROWS:
        score += 2
    if (
        pager_marks
        and NEXT_CLASS.search(around)
        and (not text or text in NEXT_ARROWS or not text.isalnum())
    ):
        score += 2
    # A label saying previous, newer, first or last always loses.
    return 0 if score and text and NOT_NEXT.search(text) else score


def _marks(el: Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _parents(el: Element, count: int) -> list[Element]:
    result = []
    for parent in ancestors(el):
        if len(result) >= count:
            break
        result.append(parent)
    return result


def _numbered(root: Element, links: list[tuple[Element, str]], base: str, url: str) -> str | None:
    """The link numbered one more than the pager's current page.

    Number links are indexed once by the elements around them, so each possible current page
    is looked up rather than searched for: linear in the size of the page.
    """
    numbered: dict[tuple[Element, str], list[Element]] = defaultdict(list)
    for link, shown in links:
        text = shown.strip()
        if text.isdecimal() and len(text) <= 5:
            for parent in _parents(link, PAGER_DEPTH):
                numbered[parent, str(int(text))].append(link)
    if not numbered:
        return None
    for current in _current_pages(root):
        found = _after(current, numbered, base, url)
        if found:
            return found
    return None


def _current_pages(root: Element) -> list[Element]:
    """Elements that may mark the pager's current page, in the order they are trusted."""
    by_aria, by_word, by_part = [], [], []
    for el in CURRENT_MARKED(root):
        words = el.get("class") or ""
        if el.get("aria-current") == "page":
            by_aria.append(el)
        if CURRENT_CLASS in words.split():
            by_word.append(el)
        elif any(part in words for part in CURRENT_CLASS_PARTS):
            by_part.append(el)
    plain = [el for el in root.iter(*CURRENT_PLAIN) if _plain_number(el)]
    return [*by_aria, *by_word, *by_part, *plain]


def _plain_number(el: Element) -> bool:
    """A number shown outside any link (an unmarked current page)."""
    if el.find(".//a") is not None or len("".join(el.itertext())) > NUMBER_TEXT_MAX:
        return False
    return (visible_text(el) or "").strip().isdecimal() and next(
        el.iterancestors("a"), None
    ) is None


def _after(
    current: Element, numbered: dict[tuple[Element, str], list[Element]], base: str, url: str
) -> str | None:
    text = (visible_text(current) or "").strip()
    if not text.isdecimal() or len(text) > 5:
        return None
    wanted = str(int(text) + 1)
    for container in _parents(current, 3):
        for link in numbered.get((container, wanted), ()):
            found = usable_next(link.get("href"), base, url)
            if found:
                return found
    return None


def _by_url(root: Element, base: str, url: str) -> str | None:
    """A link to this very URL with its page number one higher (or a first page's page 2)."""
    here = urlsplit(url)
    for link in root.iter("a"):
        href = link.get("href") or ""
        if not ("?" in href or "page" in href.lower() or "list_" in href):
            continue  # neither a query nor a page path: no page number to follow
        target = absolute_href(href, base)
        if target and _follows(here, target) and usable_next(target, base, url):
            return target
    return None


def _follows(here: SplitResult, found: str) -> bool:
    there = urlsplit(found)
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
    if after is None or after.group(1) is None:
        return False
    if before is None:
        listing = here.path.rstrip("/")
        return there.path.rstrip("/") in (f"{listing}/page/2", f"{listing}/page2")
    same_listing = here.path[: before.start()] == there.path[: after.start()]
    return same_listing and int(after.group(1)) == int(before.group(1) or 0) + 1


def _page_key(key: str) -> bool:
    key = key.lower()
    return key in PAGE_PARAMS or "page" in key
