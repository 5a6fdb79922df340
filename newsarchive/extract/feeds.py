"""Feeds and sitemaps: a listing's own feed, found on the page or by its CMS's convention, and
the entries of a feed or sitemap read from its bytes.

Pure, like the rest of extraction: a Selector or bytes and URLs in, values out; no Scrapy, no
network, no clock. Feeds are read with feedparser (RSS 0.9x to 2.0, RSS 1.0, Atom), sitemaps with
ultimate-sitemap-parser (urlset, sitemap index, Google News); both read what they can of a
malformed document, and `problem` says what they could not.

Only a feed of the listing's own tag is a witness of that listing: a site's main feed or its
comments feed is not, and `feed_links` leaves them out.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from time import struct_time
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
from parsel import Selector
from usp.objects.sitemap import AbstractIndexSitemap, InvalidSitemap
from usp.tree import sitemap_from_str

from newsarchive.items import FeedEntry
from newsarchive.slugs import tag_slug

# ultimate-sitemap-parser logs what it cannot parse as errors; a sitemap is a second witness,
# and what it could not read is reported once, as a warning, through `problem`.
logging.getLogger("usp").setLevel(logging.CRITICAL)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
ALTERNATE_LINKS = (
    "/html/head/link[contains(concat(' ', normalize-space(@rel), ' '), ' alternate ')]"
)
GENERATOR = "/html/head/meta[translate(@name, 'G', 'g')='generator']/@content"
# Where a Drupal page names its taxonomy term by number (the alias hides it from the URL).
DRUPAL_TERM_LINKS = "/html/head/link[@rel='shortlink' or @rel='canonical']/@href"
_DRUPAL_TERM = re.compile(r"/taxonomy/term/(\d+)")
_BLOGGER_LABEL = re.compile(r"^/search/label/([^/?#]+)")
# A site's main feed: one path segment (/feed/, /rss, /atom.xml), or Blogger's posts feed.
_SITE_FEED = re.compile(r"^/(?:[^/]+/?|feeds/posts/(?:default|summary)/?)?$")
_BLOGGER_LABEL_FEED = re.compile(r"^/feeds/posts/(?:default|summary)/-/([^/?#]+)")
_WORDPRESS_ARCHIVE = re.compile(r"/(?:tag|category)/[^/]+/?$")
_COMMENTS = re.compile(r"comment", re.I)
GZIP_MAGIC = b"\x1f\x8b"
# What feedparser reports of a well-formed feed served as text/html, or in another charset than
# it declares: nothing of the feed is lost.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A candidate feed of a listing, and how it was found: `link` (the page's own
    `<link rel="alternate">`) or a CMS convention (`wordpress`, `ghost`, `blogger`, `drupal`)."""

    url: str
    found_by: str


@dataclass(slots=True)
class ParsedSource:
    """What a feed or sitemap held: `format` (rss20, atom10, urlset, sitemapindex …; None when
    the bytes are neither), its entries in document order, the sitemaps a sitemap index names,
    how many entries were left out past the bound, and what could not be read (one line)."""

    format: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    left_out: int = 0
    problem: str | None = None


def feed_links(page: Selector, base: str, url: str, tag: str | None) -> list[FeedLink]:
    """The feeds of the listing at `url` that list its own stories, most likely first: the
    page's alternate links that belong to this listing, then its CMS's conventions."""
    found: dict[str, FeedLink] = {}
    for link in page.xpath(ALTERNATE_LINKS):
        kind = (link.attrib.get("type") or "").strip().lower()
        href = (link.attrib.get("href") or "").strip()
        if kind not in FEED_TYPES or not href:
            continue
        absolute = urljoin(base, href)
        if _belongs_to_listing(absolute, link.attrib.get("title") or "", url, tag):
            found.setdefault(absolute, FeedLink(absolute, "link"))
    generator = " ".join(page.xpath(GENERATOR).getall()).lower()
    for guess in _conventions(page, url, generator):
        found.setdefault(guess.url, guess)
    return list(found.values())


def _belongs_to_listing(feed: str, title: str, listing: str, tag: str | None) -> bool:
    """Whether a feed link is the listing's own rather than the site's or its comments'."""
    if _COMMENTS.search(feed) or _COMMENTS.search(title):
        return False
    feed_path, listing_path = urlsplit(feed).path, urlsplit(listing).path
    if listing_path.strip("/") and feed_path.startswith(listing_path.rstrip("/") + "/"):
        return True  # WordPress /tag/peru/feed/, Ghost /tag/peru/rss/
    label, listed = _BLOGGER_LABEL_FEED.match(feed_path), _BLOGGER_LABEL.match(listing_path)
    if label and listed:
        return unquote(label.group(1)) == unquote(listed.group(1))
    if not tag or _SITE_FEED.match(feed_path):
        return False  # the site's main feed, even when the site is named like the tag
    slug = tag_slug(tag)
    segments = {tag_slug(unquote(part)) for part in re.split(r"[/.]", feed_path) if part}
    return slug in segments or f"-{slug}-" in f"-{tag_slug(title)}-"


def _conventions(page: Selector, url: str, generator: str) -> list[FeedLink]:
    """Where the listing's CMS publishes the feed of a tag, by its URL and generator."""
    parts = urlsplit(url)
    path = parts.path or "/"
    origin = f"{parts.scheme}://{parts.netloc}"
    if label := _BLOGGER_LABEL.match(path):
        return [FeedLink(f"{origin}/feeds/posts/default/-/{label.group(1)}", "blogger")]
    if "drupal" in generator or _DRUPAL_TERM.search(path):
        terms = [path, *page.xpath(DRUPAL_TERM_LINKS).getall()]
        term = next(filter(None, map(_DRUPAL_TERM.search, terms)), None)
        return [FeedLink(f"{origin}/taxonomy/term/{term.group(1)}/feed", "drupal")] if term else []
    if parts.query or path == "/" or "blogger" in generator:
        return []
    here = f"{origin}{path.rstrip('/')}"
    if "ghost" in generator:
        return [FeedLink(f"{here}/rss/", "ghost")]
    # WordPress serves the feed of any archive at its URL plus feed/; a site that says nothing
    # of its CMS is tried so when its URL looks like a WordPress tag or category.
    if "wordpress" in generator or _WORDPRESS_ARCHIVE.search(path):
        return [FeedLink(f"{here}/feed/", "wordpress")]
    return []


def parse_feed(body: bytes, url: str, max_entries: int, content_type: str = "") -> ParsedSource:
    """The entries of an RSS or Atom feed (at most `max_entries`); `format` is None when the
    bytes are no feed at all (an HTML page where a feed was guessed)."""
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(body, response_headers=headers)
    if not parsed.version:
        return ParsedSource(None, problem="not an RSS or Atom feed")
    found = ParsedSource(parsed.version)
    if parsed.bozo and not isinstance(parsed.get("bozo_exception"), _HARMLESS):
        found.problem = _one_line(parsed.get("bozo_exception"))
    for item in parsed.entries:
        link = _entry_link(item, url)
        if not link:
            continue
        if len(found.entries) == max_entries:
            found.left_out += 1
            continue
        found.entries.append(
            FeedEntry(
                url=link,
                title=_text(item.get("title")),
                published_at=_feed_time(item, "published") or _feed_time(item, "created"),
                modified_at=_feed_time(item, "updated"),
                author=_text(item.get("author")),
                keywords=tuple(
                    term for tag in item.get("tags") or () if (term := _text(tag.get("term")))
                ),
            )
        )
    return found


def parse_sitemap(body: bytes, max_entries: int, max_bytes: int) -> ParsedSource:
    """The pages of a sitemap (at most `max_entries`), or the sitemaps a sitemap index names;
    news sitemaps give each story's title, publication time and keywords. A gzip file
    (`sitemap.xml.gz`) is read up to `max_bytes` once inflated."""
    cut = None
    if body[:2] == GZIP_MAGIC:
        try:
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            body = inflater.decompress(body, max_bytes)
        except zlib.error as error:
            return ParsedSource(None, problem=f"not a readable gzip file ({error})")
        if inflater.unconsumed_tail:
            cut = f"cut at {max_bytes} bytes inflated"
    text = body.decode("utf-8", "replace").lstrip("\ufeff")
    if not text.lstrip().startswith("<"):
        return ParsedSource(None, problem="not an XML sitemap")
    try:
        parsed = sitemap_from_str(text)
    except Exception as error:  # a parser fault must not end the crawl: the sitemap is unread
        return ParsedSource(None, problem=_one_line(error))
    if isinstance(parsed, InvalidSitemap):
        return ParsedSource(None, problem=_one_line(parsed.reason))
    if isinstance(parsed, AbstractIndexSitemap):
        children = [child.url for child in parsed.sub_sitemaps]
        found = ParsedSource("sitemapindex", sitemaps=children[:max_entries])
        found.left_out = max(0, len(children) - max_entries)
        return found
    found = ParsedSource("urlset", problem=cut)
    for page in parsed.pages:
        if len(found.entries) == max_entries:
            found.left_out += 1
            continue
        news = page.news_story
        found.entries.append(
            FeedEntry(
                url=page.url,
                title=_text(news.title) if news else None,
                published_at=_iso(news.publish_date) if news and news.publish_date else None,
                modified_at=_iso(page.last_modified) if page.last_modified else None,
                keywords=tuple(news.keywords) if news and news.keywords else (),
            )
        )
    return found


def _entry_link(item: Any, base: str) -> str | None:
    """The story an entry stands for: the original of a FeedBurner-style proxy link, its
    alternate link (Atom), else its link or guid URL."""
    if original := _text(item.get("feedburner_origlink")):
        return urljoin(base, original)
    for link in item.get("links") or ():
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return urljoin(base, link["href"].strip())
    for value in (item.get("link"), item.get("id") if item.get("guidislink") else None):
        if value and value.strip():
            return urljoin(base, value.strip())
    return None


def _feed_time(item: Any, name: str) -> str | None:
    """An entry's time as ISO 8601 with the offset the feed gave (feedparser keeps only UTC)."""
    raw = _text(dict.get(item, name))  # not item.get: feedparser gives `published` for `updated`
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(raw).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    parsed: struct_time | None = dict.get(item, f"{name}_parsed")
    return datetime(*parsed[:6]).isoformat() + "+00:00" if parsed else None


def _iso(moment: datetime) -> str:
    """A sitemap time as ISO 8601; a bare date (read as a naive midnight) stays a date."""
    if moment.tzinfo is None and (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.date().isoformat()
    return moment.isoformat()


def _text(value: object) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _one_line(error: object) -> str:
    lines = str(error or "").strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:200]
