"""Reading an article page: full text and metadata, pure (bytes or text and URL in, fields out).

Text and most metadata come from trafilatura, made for exactly this. Exact times are read from
the page's own structured data (JSON-LD `datePublished`/`dateModified`, `article:*_time` and
other meta tags), which trafilatura reduces to a day; where that exact time and trafilatura's
day disagree, htmldate (which trafilatura uses itself) decides with its extensive search.
Language, section, tags, canonical URL and access are read from the same metadata, so a page
without trafilatura's guesses still says what it declares. No network, no clock.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from parsel import Selector

from newsarchive.extract.links import absolute_href
from newsarchive.items import ArticleFields

logger = logging.getLogger(__name__)

# Meta tags that give a publication or modification time, most trusted first.
PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datePublished", "dc.date.issued",
    "dcterms.created", "dc.date", "date", "pubdate", "sailthru.date", "parsely-pub-date",
)  # fmt: skip
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "dateModified", "dcterms.modified",
    "last-modified",
)  # fmt: skip
SECTION_META = ("article:section", "og:article:section", "section", "parsely-section")
TAG_META = ("article:tag", "og:article:tag", "news_keywords", "keywords", "parsely-tags")
LANGUAGE_META = ("og:locale", "content-language", "dc.language", "language")
CANONICAL = "//link[@rel='canonical']/@href"
HTML_LANGUAGE = "/html/@lang"
# Schema.org types of an article's JSON-LD node.
ARTICLE_TYPES = re.compile(r"(News|Blog|Report|Scholarly|Tech)?Article|BlogPosting|Posting$")
# Pages whose metadata says the text is locked, and which show only this many words, are stubs.
PAYWALL_WORDS = 120
# A paragraph added after publication to correct or update the text (its whole line).
CORRECTION = re.compile(
    r"^\W{0,3}(?:correction|corrección|fe de erratas|rectificación|erratum|berichtigung|"
    r"korrektur|rectificatif|correção|errata|update|actualización|aktualisierung|mise à jour)\b.*$",
    re.IGNORECASE | re.MULTILINE,
)
_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def read_article(html: str | bytes, url: str) -> ArticleFields:
    """The fields of the article page at `url`; an unreadable page gives empty fields."""
    import trafilatura  # heavy: loaded by the crawls that read articles, not by every command

    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    if not text.strip():
        return ArticleFields()
    try:
        page = Selector(text=text, type="html")
        meta = _meta(page)
        nodes = list(_article_nodes(page))
    except (ValueError, TypeError):
        logger.warning("cannot read %s as HTML", url)
        return ArticleFields()
    try:
        document = trafilatura.bare_extraction(
            text, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except (ValueError, TypeError, AttributeError, RecursionError) as error:
        logger.warning("trafilatura cannot read %s: %r", url, error)
        document = None
    found: dict[str, Any] = document.as_dict() if document is not None else {}
    node = nodes[0] if nodes else {}
    fields = ArticleFields(
        title=_clean(_first_text(node.get("headline")) or found.get("title")),
        text=_body(found.get("text"), found.get("title")),
        authors=_authors(node.get("author")) or _split_authors(found.get("author")),
        section=_clean(_first_text(node.get("articleSection")) or _first(meta, SECTION_META)),
        tags=_tags(meta, node, found),
        language=_language(page, meta, node, found),
        canonical_url=_canonical(page, meta, url),
        image_url=_image(node, meta, url, found),
    )
    fields.published_at, fields.modified_at = _dates(text, meta, node, found.get("date"))
    fields.paywalled = _locked(node, meta) and fields.words < PAYWALL_WORDS
    if fields.text:
        fields.corrections = [match.group(0) for match in CORRECTION.finditer(fields.text)]
    return fields


# -- metadata -----------------------------------------------------------------------------------


def _meta(page: Selector) -> dict[str, list[str]]:
    """Every <meta> value by lower-cased property, name or itemprop, in page order."""
    found: dict[str, list[str]] = {}
    for tag in page.xpath("//meta[@content]"):
        content = (tag.attrib.get("content") or "").strip()
        if not content:
            continue
        for key in ("property", "name", "itemprop", "http-equiv"):
            name = tag.attrib.get(key)
            if name:
                found.setdefault(name.strip().lower(), []).append(content)
    for time in page.xpath("//*[@itemprop][@datetime]"):
        found.setdefault(time.attrib["itemprop"].lower(), []).append(time.attrib["datetime"])
    return found


def _first(meta: dict[str, list[str]], names: tuple[str, ...]) -> str | None:
    for name in names:
        values = meta.get(name.lower())
        if values:
            return values[0]
    return None


def _article_nodes(page: Selector) -> Iterator[dict[str, Any]]:
    """The JSON-LD nodes that describe an article, as the page lists them."""
    for script in page.xpath("//script[@type='application/ld+json']/text()").getall():
        try:
            data = json.loads(script)
        except ValueError:
            continue
        yield from _nodes(data, 0)


def _nodes(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _nodes(entry, depth + 1)
    elif isinstance(data, dict):
        kinds = data.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(kind, str) and ARTICLE_TYPES.search(kind) for kind in kinds):
            yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                yield from _nodes(data[key], depth + 1)


def _first_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    return value if isinstance(value, str) else None


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else None
    return value or None


def _authors(value: Any) -> list[str]:
    entries = value if isinstance(value, list) else [value]
    names = [_clean(_first_text(entry)) for entry in entries]
    return list(dict.fromkeys(name for name in names if name))


def _split_authors(value: str | None) -> list[str]:
    return list(dict.fromkeys(name.strip() for name in (value or "").split(";") if name.strip()))


def _tags(meta: dict[str, list[str]], node: dict[str, Any], found: dict[str, Any]) -> list[str]:
    tags = list(meta.get("article:tag", [])) + list(meta.get("og:article:tag", []))
    if not tags:
        keywords = node.get("keywords") or _first(meta, TAG_META[2:]) or found.get("tags") or []
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        tags = [entry for entry in keywords if isinstance(entry, str)]
    return list(dict.fromkeys(tag for tag in map(_clean, tags) if tag))


def _language(
    page: Selector, meta: dict[str, list[str]], node: dict[str, Any], found: dict[str, Any]
) -> str | None:
    """The language the page declares: a BCP 47 tag such as `es` or `es-PE`."""
    declared = (
        _first_text(node.get("inLanguage"))
        or page.xpath(HTML_LANGUAGE).get()
        or _first(meta, LANGUAGE_META)
        or found.get("language")
    )
    if not declared:
        return None
    code = declared.strip().replace("_", "-").split(",")[0].strip()
    return code if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", code) else None


def _canonical(page: Selector, meta: dict[str, list[str]], url: str) -> str | None:
    """The URL the page declares as its own (rel=canonical, og:url), absolute."""
    href = page.xpath(CANONICAL).get() or _first(meta, ("og:url",))
    return absolute_href(href.strip(), url) if href and href.strip() else None


def _image(
    node: dict[str, Any], meta: dict[str, list[str]], url: str, found: dict[str, Any]
) -> str | None:
    image = node.get("image")
    if isinstance(image, dict):
        image = image.get("url")
    href = _first_text(image) or _first(meta, ("og:image", "twitter:image")) or found.get("image")
    return absolute_href(href.strip(), url) if href and href.strip() else None


def _locked(node: dict[str, Any], meta: dict[str, list[str]]) -> bool:
    """The page declares its content not free (schema.org isAccessibleForFree, a content tier)."""
    free = node.get("isAccessibleForFree")
    if isinstance(free, str):
        free = free.strip().lower() not in ("false", "no", "0")
    tier = (_first(meta, ("article:content_tier",)) or "").lower()
    return free is False or tier in ("locked", "metered")


def _body(text: str | None, title: str | None) -> str | None:
    """The article's text without its title repeated as the first line."""
    if not text:
        return None
    lines = text.strip().split("\n")
    if title and lines and _clean(lines[0]) == _clean(title):
        lines = lines[1:]
    body = "\n".join(line.strip() for line in lines if line.strip())
    return body or None


# -- dates --------------------------------------------------------------------------------------


def _dates(
    html: str, meta: dict[str, list[str]], node: dict[str, Any], day: str | None
) -> tuple[str | None, str | None]:
    """Publication and modification time, exact, from the page's own metadata.

    The publication time given in JSON-LD, in meta tags and (as a day) by trafilatura should
    agree; where they do not, htmldate's extensive search decides. A page that declares none
    gets htmldate's reading of its markup, never a date guessed from its URL (a month there
    would become the first of the month).
    """
    stated = [
        _moment(_first_text(node.get("datePublished"))),
        _moment(_first(meta, PUBLISHED_META)),
    ]
    found = [moment for moment in stated if moment]
    published = found[0] if found else None
    days = {moment[:10] for moment in found} | ({day} if day and found else set())
    if len(days) > 1:
        published = _htmldate(html, extensive=True) or published
    elif published is None:
        published = _htmldate(html, extensive=False)
    modified = _moment(_first_text(node.get("dateModified")) or _first(meta, MODIFIED_META))
    return published, modified


def _moment(value: str | None) -> str | None:
    """An ISO 8601 date or date-time as written (a trailing Z as +00:00); None if it is none."""
    if not value:
        return None
    value = value.strip().replace("Z", "+00:00") if value.strip().endswith("Z") else value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if not 1990 <= parsed.year <= 2100:
        return None
    return value[:10] if len(value) == 10 else parsed.isoformat()


def _htmldate(html: str, *, extensive: bool) -> str | None:
    """htmldate's publication date of the page, from its markup and text only (no URL)."""
    from htmldate import find_date

    try:
        found = find_date(
            html, original_date=True, extensive_search=extensive, outputformat=_HTMLDATE_FORMAT
        )
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    # Without an offset, %z writes nothing; midnight without one means htmldate found a day.
    moment = datetime.fromisoformat(found)
    if moment.tzinfo is None and moment.time() == datetime.min.time():
        return moment.date().isoformat()
    return moment.isoformat()
