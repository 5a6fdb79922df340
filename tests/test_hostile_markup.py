"""Hostile markup: random and mangled HTML never breaks extraction, pagination traps end.

Property tests (hypothesis) feed the extractors random documents built from listing markup with
hostile attribute values, and mutations of a real-looking listing page; the spider's chain logic
is driven over generated endless sites. Loopback crawls then show each trap bounded end to end.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parsel import Selector
from scrapy.http import HtmlResponse, Request
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newsarchive.extract import extract_listing
from newsarchive.extract.pagination import find_next_page
from newsarchive.runtime.recorder import RunRecorder
from newsarchive.spiders.tag import TagSpider
from newsarchive.urls import canonical_url
from tests.faultserver import FaultServer, page
from tests.helpers import FAST, run_cli
from tests.sites import listing_html

URL = "https://news.example.org/tag/peru/page/3/"
HOSTILE_HREFS = [
    "javascript:alert(1)", "data:text/html,<a>", "file:///etc/passwd", "ftp://x/", "//evil.example/",
    "http://[::1", "https://", "#top", "", " ", "\x00", "/tag/peru/page/4/", "?page=4",
    "https://news.example.org/" + "a/" * 3000, "http://news.example.org:99999/", "mailto:x@y",
    "https://xn--80ak6aa92e.com/", "/%E0%A4%A/", "\\\\server\\share",
]  # fmt: skip
TAGS = ["article", "div", "h2", "h3", "a", "nav", "link", "base", "time", "p", "li", "ul",
        "span", "main", "script", "meta", "img", "table", "td", "iframe", "svg"]  # fmt: skip
CLASSES = ["entry-title", "post", "next", "nav-previous", "page-numbers", "views-row",
           "post-card", "pagination", "entry-summary", "hentry", "type-post"]  # fmt: skip
ATTRS = st.dictionaries(
    st.sampled_from(["href", "class", "rel", "datetime", "src", "content", "id", "title"]),
    st.one_of(
        st.sampled_from(HOSTILE_HREFS),
        st.sampled_from(CLASSES),
        st.just("next"),
        st.text(max_size=30),
    ),
    max_size=3,
)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


@st.composite
def elements(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attrs = "".join(f' {name}="{_attr(value)}"' for name, value in draw(ATTRS).items())
    if depth >= 4:
        children = [draw(st.text(max_size=40))]
    else:
        children = draw(st.lists(st.one_of(st.text(max_size=40), elements(depth + 1)), max_size=4))
    closing = draw(st.sampled_from([f"</{tag}>", "", f"</{tag}"]))  # well-formed or not
    return f"<{tag}{attrs}>{''.join(children)}{closing}"


documents = st.one_of(
    st.text(max_size=300),
    st.lists(elements(), max_size=6).map(lambda parts: "<html><body>" + "".join(parts)),
)


@st.composite
def mangled_listings(draw) -> str:
    """A real-looking listing page with random cuts, splices and hostile insertions."""
    html = listing_html("Perú", [f"story-{n}" for n in range(5)], "/tag/peru/page/4/")
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(html)))
        end = draw(st.integers(start, min(len(html), start + 200)))
        insert = draw(st.one_of(st.text(max_size=20), elements(3), st.sampled_from(HOSTILE_HREFS)))
        html = html[:start] + insert + html[end:]
    return html


def _is_web(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(documents, mangled_listings()))
def test_extract_listing_never_fails_and_yields_only_web_urls(html: str) -> None:
    listing = extract_listing(Selector(text=html), URL)
    assert listing.next_page is None or (_is_web(listing.next_page) and listing.next_page != URL)
    for story in listing.stories:
        assert _is_web(story.url)
        assert isinstance(story.headline, str)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(documents, mangled_listings()), st.sampled_from([URL, "http://127.0.0.1:8/t/"]))
def test_find_next_page_never_fails_and_never_points_home(html: str, url: str) -> None:
    found = find_next_page(Selector(text=html), url, url)
    assert found is None or (_is_web(found) and found != url)


# -- traps, driven through the spider's own chain logic --------------------------------------

START = "http://trap.example/tag/peru/"
TRAPS = ("calendar", "session-id", "growing-url", "loop-back", "fresh-forever")


def trap_page(kind: str, url: str, visit: int, fresh: bool) -> str:
    """The page a trap serves at `url`: its stories and the next link that keeps the trap going."""
    number = visit + 1
    stories = [f"s{number}-{i}" for i in range(3)] if fresh else ["same-1", "same-2"]
    if kind == "calendar":
        next_href = f"/archive/{2024 - number // 12}/{12 - number % 12:02d}/"
    elif kind == "session-id":
        next_href = f"/tag/peru/page/2/?PHPSESSID={number:032x}"
    elif kind == "growing-url":
        next_href = url + "more/"
    elif kind == "loop-back":
        next_href = START + ("page/2/" if number % 2 else "page/3/")
    else:
        next_href = f"/tag/peru/page/{number + 1}/"
    return listing_html("Perú", stories, next_href)


def drive(spider: TagSpider, kind: str, fresh: bool, limit: int = 5000) -> list[str]:
    """Follow the spider's requests page by page; the URLs it fetched."""

    async def first() -> Request:
        async for request in spider.start():
            return request
        raise AssertionError("no start request")

    request: Request | None = asyncio.run(first())
    fetched: list[str] = []
    while request is not None and len(fetched) < limit:
        fetched.append(request.url)
        body = trap_page(kind, request.url, len(fetched), fresh).encode()
        response = HtmlResponse(request.url, body=body, request=request, encoding="utf-8")
        outputs = list(request.callback(response, **request.cb_kwargs))
        requests = [item for item in outputs if isinstance(item, Request)]
        assert len(requests) <= 1
        request = requests[0] if requests else None
    return fetched


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(TRAPS), st.booleans(), st.integers(2, 60))
def test_every_pagination_trap_ends_within_the_bounds(
    kind: str, fresh: bool, max_pages: int
) -> None:
    crawl_settings = {
        "URLLENGTH_LIMIT": 300, "NEWSARCHIVE_MAX_PAGES": max_pages, "NEWSARCHIVE_FULL": True,
        "EXTENSIONS": {RunRecorder: 100},  # the spider notes pages and walks in the run's state
    }  # fmt: skip
    crawler = get_crawler(TagSpider, settings_dict=crawl_settings)
    crawler.stats = MemoryStatsCollector(crawler)
    spider = TagSpider.from_crawler(crawler, urls=[START])
    fetched = drive(spider, kind, fresh)
    assert len(fetched) <= max_pages
    assert all(len(url) <= 300 for url in fetched)
    keys = [canonical_url(url) for url in fetched]
    assert len(keys) == len(set(keys))  # never the same page twice, whatever its session id
    ends = [key for key in crawler.stats.get_stats() if key.startswith("newsarchive/chain_end/")]
    assert len(ends) == 1  # ended, and said why
    if kind == "growing-url" and fresh and len(fetched) < max_pages:
        assert ends == ["newsarchive/chain_end/url_too_long"]


# -- the same traps against a loopback server ------------------------------------------------


def crawl_trap(
    faults: FaultServer, tmp_path: Path, kind: str, *extra: str, fresh: bool = True
) -> tuple[int, str]:
    counter = itertools.count(1)
    faults.fallback = lambda path, n: page(
        trap_page(kind, faults.base + path, next(counter), fresh)
    )
    db = tmp_path / "a.sqlite"
    result = run_cli("crawl", faults.base + "/tag/peru/", "--db", str(db), "--max-pages", "30", *extra, *FAST)  # fmt: skip
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT pages FROM crawl_runs").fetchone()[0], result.stderr


def test_session_ids_do_not_make_a_page_new(faults: FaultServer, tmp_path: Path) -> None:
    # Every visit shows fresh stories and a next link to page 2 under a new session id.
    pages, _ = crawl_trap(faults, tmp_path, "session-id")
    assert pages == 2  # page 1, page 2 once; the rest is page 2 again


def test_growing_next_url_ends_at_the_length_limit(faults: FaultServer, tmp_path: Path) -> None:
    pages, _ = crawl_trap(faults, tmp_path, "growing-url", "-s", "URLLENGTH_LIMIT=80")
    assert 2 <= pages < 30
    assert len(faults.log[-1].path) + len(faults.base) <= 80


def test_endless_calendar_ends_when_nothing_is_new(faults: FaultServer, tmp_path: Path) -> None:
    pages, _ = crawl_trap(faults, tmp_path, "calendar", fresh=False)
    assert pages == 2


def test_endless_fresh_pages_end_at_max_pages(faults: FaultServer, tmp_path: Path) -> None:
    pages, _ = crawl_trap(faults, tmp_path, "fresh-forever")
    assert pages == 30  # new stories on every page: only --max-pages ends it
