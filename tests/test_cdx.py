"""Reading both CDX answer formats and choosing a tag's captures (newsarchive.cdx, pure)."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from newsarchive.cdx import CdxError, listing_captures, queries, read_answer, spread

TAG = "https://news.example.org/tag/peru/"
ROWS = [
    # (timestamp, original, mimetype, statuscode, digest)
    ("20190301100000", TAG, "text/html", "200", "A"),
    ("20190301100100", "http://www.news.example.org/tag/peru/page/2/", "text/html", "200", "B"),
    ("20190401100000", TAG, "text/html", "200", "A"),  # the same page again: left out
    ("20190501100000", f"{TAG}?paged=3", "text/html", "200", "C"),
    ("20190601100000", f"{TAG}feed/", "application/rss+xml", "200", "D"),
    ("20190601100000", "https://news.example.org/tag/peru-food/", "text/html", "200", "E"),
    ("20190701100000", f"{TAG}page/4/", "text/html", "404", "F"),
    ("20190801100000", f"{TAG}page/5/", "warc/revisit", "-", "G"),
    ("20200101100000", TAG, "text/html", "200", "H"),
]


def internet_archive(rows) -> bytes:
    header = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
    return json.dumps([header] + [["key", *row, "100"] for row in rows]).encode()


def pywb(rows) -> bytes:
    names = ("timestamp", "url", "mime", "status", "digest")
    return "\n".join(json.dumps(dict(zip(names, row, strict=True))) for row in rows).encode()


@pytest.mark.parametrize("answer", [internet_archive, pywb], ids=["internet-archive", "pywb"])
def test_both_answer_formats_give_the_tags_listing_captures(answer) -> None:
    captures = listing_captures(read_answer(answer(ROWS)), TAG, "https://web.archive.org/web/")
    assert [(c.timestamp, c.page_number) for c in captures] == [
        ("20190301100000", 1), ("20190301100100", 2), ("20190501100000", 3),
        ("20200101100000", 1),
    ]  # fmt: skip
    assert captures[1].replay_url == (
        "https://web.archive.org/web/20190301100100id_/http://www.news.example.org/tag/peru/page/2/"
    )
    assert captures[0].captured_at.isoformat() == "2019-03-01T10:00:00+00:00"


def test_the_period_is_applied_even_when_the_server_ignores_it() -> None:
    rows = read_answer(pywb(ROWS))
    captures = listing_captures(rows, TAG, "x/", since=date(2019, 3, 2), until=date(2019, 12, 31))
    # April repeats March's page, but March is outside the period: April is the first seen.
    assert [c.timestamp for c in captures] == ["20190401100000", "20190501100000"]


@pytest.mark.parametrize("body", [b"<html>busy</html>", b"[1, 2]", b'{"a": 1}\n[2]'])
def test_an_answer_that_is_not_cdx_is_an_error(body: bytes) -> None:
    with pytest.raises(CdxError):
        read_answer(body)


def test_an_empty_answer_has_no_captures() -> None:
    assert read_answer(b"") == read_answer(b"[]") == []


def test_queries_ask_by_prefix_for_the_period() -> None:
    (query,) = queries("https://web.archive.org/cdx/search/cdx", TAG, date(2019, 1, 1), None)
    asked = parse_qs(urlsplit(query).query)
    assert asked["url"] == ["news.example.org/tag/peru"]  # without the slash the keys drop
    assert (asked["matchType"], asked["from"], asked["filter"], asked["collapse"]) == (
        ["prefix"], ["20190101000000"], ["statuscode:200"], ["digest"],
    )  # fmt: skip
    assert "to" not in asked
    home = queries("http://127.0.0.1:9/cdx", "https://blog.example/", None, date(2020, 1, 1))
    assert [parse_qs(urlsplit(q).query)["url"] for q in home] == [
        ["blog.example/page/"], ["blog.example/"],
    ]  # fmt: skip
    assert parse_qs(urlsplit(home[0]).query)["to"] == ["20200101235959"]


def test_spread_keeps_the_first_and_last_and_spaces_the_rest() -> None:
    items = list(range(10))
    assert spread(items, 4) == [0, 3, 6, 9]
    assert spread(items, 1) == [0]
    assert spread(items, None) == items == spread(items, 20)
