"""Dates: markup values, visible dates in several languages, relative dates, URL fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsarchive.extract.dates import DateReader, date_from_url, date_order, machine_date

NOW = datetime(2024, 7, 30, 12, 0, tzinfo=timezone(timedelta(hours=-3)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28 de julio de 2024", "2024-07-28"),
        ("July 28, 2024 at 5:04 p.m. EDT", "2024-07-28T17:04-04:00"),
        ("Samstag, 19. Juli 2014", "2014-07-19"),
        ("Publiziert am 3. Januar 2014 von Anna", "2014-01-03"),
        ("10 marzo 2016 23:37", "2016-03-10T23:37"),
        ("10 / февраля / 2014", "2014-02-10"),
        ("2016年03月18日 23時5分", "2016-03-18T23:05"),
        ("29 juillet 2024", "2024-07-29"),
        ("16.02.2016 15:06", "2016-02-16T15:06"),
    ],
)
def test_visible_dates_in_many_languages(text: str, expected: str) -> None:
    assert DateReader().read(text) == (expected, "text")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 hours ago", "2024-07-30T09:00-03:00"),
        ("hace 2 días", "2024-07-28"),
        ("vor 5 Minuten", "2024-07-30T11:55-03:00"),
        ("ayer", "2024-07-29"),
    ],
)
def test_relative_dates_resolve_against_the_fetch_time(text: str, expected: str) -> None:
    assert DateReader(now=NOW).read(text, relative=True) == (expected, "relative")


def test_relative_dates_need_a_fetch_time_and_a_date_label() -> None:
    assert DateReader().read("3 hours ago", relative=True) is None
    assert DateReader(now=NOW).read("3 hours ago") is None  # not marked as a date


@pytest.mark.parametrize(
    "text", ["12 comments", "Posted in 2014 by Ana", "Read more", "", "Kvartal 2015"]
)
def test_texts_that_are_no_dates(text: str) -> None:
    assert DateReader(now=datetime.now(UTC)).read(text) is None


def test_machine_dates_keep_their_offset_and_precision() -> None:
    assert machine_date("2016-03-18T23:05:27+0900") == "2016-03-18T23:05:27+09:00"
    assert machine_date("2024-07-28") == "2024-07-28"
    assert machine_date("2024-07-28T10:00:00Z") == "2024-07-28T10:00+00:00"
    assert machine_date("yesterday") is None


def test_date_from_url_path() -> None:
    assert date_from_url("https://x.example/2024/07/28/slug/") == "2024-07-28"
    assert date_from_url("https://x.example/news/20240728/slug/") == "2024-07-28"
    assert date_from_url("https://x.example/2024/13/45/slug/") is None
    assert date_from_url("https://x.example/tag/peru/") is None


def test_numeric_date_order_is_learnt_from_the_page() -> None:
    assert date_order("13/02/2016 and 05/02/2016") == "DMY"
    assert date_order("02/13/2016") == "MDY"
    assert date_order("05/02/2016") is None
    assert DateReader(order="DMY").read("05/02/2016") == ("2016-02-05", "text")
