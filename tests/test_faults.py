"""HTTP faults from a misbehaving loopback server: each ends in a logged, counted outcome.

Every crawl runs in its own process against tests/faultserver.py; none may print a traceback or
stall (the process has a timeout), and the stories of the pages that did load are archived.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.faultserver import (
    FaultServer,
    Reply,
    fault_server,
    gzip_bomb,
    huge,
    page,
    redirect,
    reset,
    stall,
    status,
)
from tests.helpers import run_crawl
from tests.sites import ARTICLE, PAGE, chain_pages, listing_html, page_path

TAG = "/tag/andes/"


def slugs(prefix: str, count: int = 3) -> list[str]:
    return [f"{prefix}-story-{n}" for n in range(1, count + 1)]


def serve_chain(server: FaultServer, pages: int = 3, **faults: tuple[Reply, ...]) -> str:
    """Pages 1..N of TAG, 3 stories each; `p2=(reply, ...)` scripts page 2's replies instead."""
    html = chain_pages(TAG, "Andes", [slugs(f"p{n}") for n in range(1, pages + 1)])
    for number, (path, body) in enumerate(html.items(), start=1):
        server.route(path, *faults.get(f"p{number}", (page(body),)))
    return server.base + TAG


def stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {url.rsplit("/", 2)[-2] for (url,) in conn.execute("SELECT url FROM stories")}


def clean(result: dict) -> dict:
    """The crawl's stats, after checking that its log shows no traceback."""
    assert "Traceback" not in result["log"], result["log"][-3000:]
    assert "Spider error" not in result["log"]
    return result["stats"]


def test_5xx_is_retried_with_growing_backoff(faults: FaultServer, tmp_path: Path) -> None:
    start = serve_chain(faults, p2=(status(500), status(503), page(listing_html("Andes", slugs("p2"), None))))  # fmt: skip
    result = run_crawl([start], tmp_path / "a.sqlite", RETRY_TIMES=2, NEWSARCHIVE_RETRY_BACKOFF=0.2)
    stats = clean(result)
    assert stats["retry/count"] == 2
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1") + slugs("p2"))
    # The waits the crawler chose, exactly: 0.2 s, then doubled.
    assert stats["newsarchive/retry_wait_seconds"] == pytest.approx(0.2 + 0.4)
    # And that it waited them, seen from the server with wide margins (arrivals jitter on a
    # busy machine; without the waits the gaps would be milliseconds).
    times = [hit.at for hit in faults.hits(page_path(TAG, 2))]
    assert times[1] - times[0] >= 0.2 / 2
    assert times[2] - times[1] >= 0.4 / 2


def test_5xx_that_persists_ends_the_chain_counted(faults: FaultServer, tmp_path: Path) -> None:
    start = serve_chain(faults, p2=(status(503),))
    result = run_crawl([start], tmp_path / "a.sqlite", RETRY_TIMES=2)
    stats = clean(result)
    assert len(faults.hits(page_path(TAG, 2))) == 3
    assert stats["retry/max_reached"] == 1
    assert stats["newsarchive/listing_failed/http_503"] == 1
    assert stats["newsarchive/chain_end/error"] == 1
    assert result["status"] == "partial"  # the page is fetched again by the next run
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1"))


def retry_after_date(seconds: int) -> Reply:
    """A 429 whose Retry-After is an HTTP date `seconds` after the moment it is sent."""

    def reply(handler) -> None:
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)
        handler.send(429, b"", {"Retry-After": when})

    return reply


@pytest.mark.parametrize("header", ["seconds", "http-date"])
def test_429_retry_after_is_honoured(faults: FaultServer, tmp_path: Path, header: str) -> None:
    throttled = status(429, Retry_After="1") if header == "seconds" else retry_after_date(2)
    start = serve_chain(faults, p2=(throttled, page(listing_html("Andes", slugs("p2"), None))))
    stats = clean(run_crawl([start], tmp_path / "a.sqlite", RETRY_TIMES=1))
    first, second = (hit.at for hit in faults.hits(page_path(TAG, 2)))
    # An HTTP date has one-second resolution; the margin is wide for a busy machine.
    assert second - first >= 0.5
    assert stats["newsarchive/retry_after_honoured"] == 1
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1") + slugs("p2"))


def test_retry_after_beyond_the_limit_gives_up(faults: FaultServer, tmp_path: Path) -> None:
    start = serve_chain(faults, p2=(status(429, Retry_After="86400"),))
    stats = clean(run_crawl([start], tmp_path / "a.sqlite", RETRY_TIMES=2))
    assert len(faults.hits(page_path(TAG, 2))) == 1
    assert stats["newsarchive/retry_after_too_long"] == 1
    assert stats["newsarchive/listing_failed/http_429"] == 1


def test_read_timeout_is_retried_then_counted(faults: FaultServer, tmp_path: Path) -> None:
    start = serve_chain(faults, p2=(stall(b"<html><body>"),))
    stats = clean(run_crawl([start], tmp_path / "a.sqlite", RETRY_TIMES=1, DOWNLOAD_TIMEOUT=0.5))
    assert len(faults.hits(page_path(TAG, 2))) == 2
    assert stats["newsarchive/listing_failed/DownloadTimeoutError"] == 1
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1"))


def test_connection_reset_mid_body_is_retried_then_counted(
    faults: FaultServer, tmp_path: Path
) -> None:
    body = listing_html("Andes", slugs("p2"), None).encode()
    start = serve_chain(faults, p2=(reset(body[: len(body) // 2]),))
    stats = clean(run_crawl([start], tmp_path / "a.sqlite", RETRY_TIMES=1))
    assert len(faults.hits(page_path(TAG, 2))) == 2
    assert stats["retry/count"] == 1
    assert stats["newsarchive/chain_end/error"] == 1
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1"))  # nothing from the torn page


def test_redirect_chain_is_followed(faults: FaultServer, tmp_path: Path) -> None:
    faults.route("/old-tag/", redirect("/moved/", 301))
    faults.route("/moved/", redirect("/moved/again/", 302))
    faults.route("/moved/again/", redirect(TAG, 307))
    serve_chain(faults, pages=2)
    stats = clean(run_crawl([faults.base + "/old-tag/"], tmp_path / "a.sqlite"))
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1") + slugs("p2"))
    assert stats["newsarchive/pages"] == 2


def test_redirect_loop_ends_counted(faults: FaultServer, tmp_path: Path) -> None:
    faults.route("/loop/a/", redirect("/loop/b/"))
    faults.route("/loop/b/", redirect("/loop/a/"))
    result = run_crawl([faults.base + "/loop/a/"], tmp_path / "a.sqlite")
    stats = clean(result)
    assert stats["newsarchive/listing_failed/IgnoreRequest"] == 1
    assert result["status"] == "failed"
    assert result["failures"] and "/loop/a/" in result["failures"][0]
    assert len(faults.log) <= 2 + 11  # robots.txt, then REDIRECT_MAX_TIMES + 1 hops at most


@pytest.mark.parametrize("allowed", [False, True])
def test_redirect_to_another_host_is_not_followed(
    faults: FaultServer, tmp_path: Path, allowed: bool
) -> None:
    with fault_server("127.0.0.2") as elsewhere:
        elsewhere.route(TAG + "page/2/", page(listing_html("Andes", slugs("away"), None)))
        start = serve_chain(faults, p2=(redirect(elsewhere.base + TAG + "page/2/"),))
        settings = {"NEWSARCHIVE_ALLOWED_HOSTS": "127.0.0.2"} if allowed else {}
        stats = clean(run_crawl([start], tmp_path / "a.sqlite", **settings))
        if allowed:
            assert stored(tmp_path / "a.sqlite") == set(slugs("p1") + slugs("away"))
        else:
            assert not elsewhere.hits(TAG + "page/2/")
            assert stats["newsarchive/refused/offsite"] == 1
            assert stored(tmp_path / "a.sqlite") == set(slugs("p1"))


@pytest.mark.parametrize("code", [404, 410])
def test_gone_page_ends_the_chain(faults: FaultServer, tmp_path: Path, code: int) -> None:
    start = serve_chain(faults, pages=4, p3=(status(code),))
    result = run_crawl([start], tmp_path / "a.sqlite", RETRY_TIMES=2)
    stats = clean(result)
    assert len(faults.hits(page_path(TAG, 3))) == 1  # not retried
    assert not faults.hits(page_path(TAG, 4))
    assert stats[f"newsarchive/listing_failed/http_{code}"] == 1
    assert result["status"] == "partial"  # the page is tried again by the next run
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1") + slugs("p2"))


@pytest.mark.parametrize("declared", [True, False])
def test_huge_body_is_cut_at_the_size_limit(
    faults: FaultServer, tmp_path: Path, declared: bool
) -> None:
    start = serve_chain(faults, p2=(huge(3_000_000, declare_length=declared),))
    stats = clean(run_crawl([start], tmp_path / "a.sqlite", DOWNLOAD_MAXSIZE=1_000_000))
    assert stats["newsarchive/chain_end/error"] == 1
    assert sum(v for k, v in stats.items() if k.startswith("newsarchive/listing_failed/")) == 1
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1"))


def test_gzip_bomb_is_cut_at_the_size_limit(faults: FaultServer, tmp_path: Path) -> None:
    # 64 MB once decompressed, about 64 KB on the wire; the default DOWNLOAD_MAXSIZE is 32 MB.
    bomb = gzip_bomb(listing_html("Andes", slugs("bomb"), None), 64 * 1024 * 1024)
    start = serve_chain(faults, p2=(bomb,))
    stats = clean(run_crawl([start], tmp_path / "a.sqlite"))
    assert stats["newsarchive/listing_failed/IgnoreRequest"] == 1
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1"))


def test_non_html_pages_are_counted_not_parsed(faults: FaultServer, tmp_path: Path) -> None:
    start = serve_chain(faults, p2=(page('{"stories": []}', content_type="application/json"),))
    faults.route("/report.pdf", page(b"%PDF-1.7 ...", content_type="application/pdf"))
    result = run_crawl([start, faults.base + "/report.pdf"], tmp_path / "a.sqlite")
    stats = clean(result)
    assert stats["newsarchive/listing_failed/not_html"] == 2
    assert any("report.pdf" in failure and "not an HTML page" in failure for failure in result["failures"])  # fmt: skip
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1"))


HEADLINE = "Perú: la “reforma agraria” vuelve al Congreso — ¿quién paga?"


def charset_page(body_encoding: str, meta: bool) -> bytes:
    html = PAGE.format(
        tag="Andes",
        head="",
        articles=ARTICLE.format(url="/peru-reforma/", headline=HEADLINE),
        nav="",
    )
    if not meta:
        html = html.replace('<meta charset="utf-8">', "")
    return html.encode(body_encoding)


@pytest.mark.parametrize(
    ("body_encoding", "content_type", "meta", "repaired"),
    [
        ("cp1252", "text/html; charset=utf-8", False, True),  # cp1252 bytes labelled UTF-8
        ("utf-8", "text/html; charset=iso-8859-1", False, True),  # UTF-8 bytes labelled Latin-1
        ("cp1252", "text/html", False, False),  # no charset anywhere
        ("utf-8", "text/html", False, False),
        ("cp1252", "text/html", True, True),  # the page's own meta tag is wrong
    ],
)
def test_wrong_or_missing_charset_still_gives_the_exact_headline(
    faults: FaultServer,
    tmp_path: Path,
    body_encoding: str,
    content_type: str,
    meta: bool,
    repaired: bool,
) -> None:
    faults.route(TAG, page(charset_page(body_encoding, meta), content_type=content_type))
    stats = clean(run_crawl([faults.base + TAG], tmp_path / "a.sqlite"))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        assert conn.execute("SELECT headline FROM stories").fetchall() == [(HEADLINE,)]
    assert stats.get("newsarchive/charset_repaired", 0) == int(repaired)


def test_empty_body_is_a_page_without_stories(faults: FaultServer, tmp_path: Path) -> None:
    faults.route("/tag/empty/", page(b""))
    start = serve_chain(faults, p2=(page(b""),))
    result = run_crawl([faults.base + "/tag/empty/", start], tmp_path / "a.sqlite")
    stats = clean(result)
    assert stats["newsarchive/pages_without_stories"] == 2
    assert stats["newsarchive/chain_end/last_page"] == 2
    assert stored(tmp_path / "a.sqlite") == set(slugs("p1"))
