"""Dates: markup values, visible dates in several languages, relative dates, URL fallback —
each with where it came from and how precise it is; numbers that are no dates give none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsarchive.extract.dates import (
    Dated,
    DateReader,
    date_from_url,
    date_order,
    is_date_label,
    machine_date,
)

NOW = datetime(2024, 7, 30, 12, 0, tzinfo=timezone(timedelta(hours=-3)))


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("28 de julio de 2024", "2024-07-28", "day"),
        ("July 28, 2024 at 5:04 p.m. EDT", "2024-07-28T17:04-04:00", "minute"),
        ("Samstag, 19. Juli 2014", "2014-07-19", "day"),
        ("Publiziert am 3. Januar 2014 von Anna", "2014-01-03", "day"),
        ("10 marzo 2016 23:37", "2016-03-10T23:37", "minute"),
        ("10 / февраля / 2014", "2014-02-10", "day"),
        ("2016年03月18日 23時5分", "2016-03-18T23:05", "minute"),
        ("29 juillet 2024", "2024-07-29", "day"),
        ("16.02.2016 15:06", "2016-02-16T15:06", "minute"),
        ("Опубликовано 02.03.2016 07:30", "2016-03-02T07:30", "minute"),
        ("日期：2024-03-12 10:30:45", "2024-03-12T10:30:45", "second"),
        ("Opublikowano: 2 marca 2016, 07:30", "2016-03-02T07:30", "minute"),
    ],
)
def test_visible_dates_in_many_languages(text: str, expected: str, precision: str) -> None:
    assert DateReader().read(text) == Dated(expected, "text", precision)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("3 hours ago", "2024-07-30T09:00-03:00", "hour"),
        ("hace 2 días", "2024-07-28", "day"),
        ("vor 5 Minuten", "2024-07-30T11:55-03:00", "minute"),
        ("ayer", "2024-07-29", "day"),
        ("2 months ago", "2024-05-30", "month"),
        ("hace un año", "2023-07-30", "year"),
        ("il y a 2 semaines", "2024-07-16", "week"),
        ("2 ay önce", "2024-05-30", "month"),
        ("منذ 3 ساعات", "2024-07-30T09:00-03:00", "hour"),
        ("3時間前", "2024-07-30T09:00-03:00", "hour"),
        ("2 часа назад", "2024-07-30T10:00-03:00", "hour"),
        ("Yesterday at 10:30", "2024-07-29T10:30-03:00", "minute"),
    ],
)
def test_relative_dates_resolve_against_the_fetch_time(
    text: str, expected: str, precision: str
) -> None:
    assert DateReader(now=NOW).read(text, relative=True) == Dated(expected, "relative", precision)


def test_relative_dates_need_a_fetch_time_and_a_date_label() -> None:
    assert DateReader().read("3 hours ago", relative=True) is None
    assert DateReader(now=NOW).read("3 hours ago") is None  # not marked as a date


@pytest.mark.parametrize(
    "text", ["12 comments", "Posted in 2014 by Ana", "Read more", "", "Kvartal 2015"]
)
def test_texts_that_are_no_dates(text: str) -> None:
    assert DateReader(now=datetime.now(UTC)).read(text) is None


@pytest.mark.parametrize(
    "text", ["19", "19 comentarios", "3 min read", "in 2 days", "Updated", "1h", "12 | 4"]
)
def test_numbers_and_durations_are_never_relative_dates(text: str) -> None:
    """A comment count in a date-marked box once came out as "the 19th, from relative"."""
    assert DateReader(now=NOW, languages=("es",)).read(text, relative=True) is None
    assert not is_date_label(text)


@pytest.mark.parametrize(
    "text",
    ["1 januari 0001", "12 de marzo de 1985", "3 août 2024", "05.08.2024", "2024-12-24 10:00"],
)
def test_dates_outside_the_window_are_no_dates(text: str) -> None:
    """Before 1990, or more than two days after the fetch (the 30th of July 2024)."""
    assert DateReader(now=NOW).read(text) is None


def test_the_window_keeps_dates_up_to_two_days_ahead() -> None:
    assert DateReader(now=NOW).read("1 août 2024") == Dated("2024-08-01", "text", "day")


def test_machine_dates_keep_their_offset_and_precision() -> None:
    assert machine_date("2016-03-18T23:05:27+0900") == "2016-03-18T23:05:27+09:00"
    assert machine_date("2024-07-28") == "2024-07-28"
    assert machine_date("2024-07-28T10:00:00Z") == "2024-07-28T10:00+00:00"
    assert machine_date("yesterday") is None
    assert machine_date("0001-01-01") is None
    assert machine_date("0001-01-01T00:00:00Z") is None
    assert machine_date("1989-12-31") is None
    assert machine_date("2024-08-05", now=NOW) is None
    assert machine_date("2024-08-01", now=NOW) == "2024-08-01"


def test_date_from_url_path() -> None:
    assert date_from_url("https://x.example/2024/07/28/slug/") == "2024-07-28"
    assert date_from_url("https://x.example/news/20240728/slug/") == "2024-07-28"
    assert date_from_url("https://x.example/2024/13/45/slug/") is None
    assert date_from_url("https://x.example/tag/peru/") is None
    assert date_from_url("https://x.example/2024/09/01/slug/", now=NOW) is None


def test_numeric_date_order_is_learnt_from_the_page() -> None:
    assert date_order("13/02/2016 and 05/02/2016") == "DMY"
    assert date_order("02/13/2016") == "MDY"
    assert date_order("05/02/2016") is None
    assert DateReader(order="DMY").read("05/02/2016") == Dated("2016-02-05", "text", "day")
    assert DateReader().read("05/02/2016") == Dated("2016-05-02", "text", "day")
    assert DateReader(languages=("es",)).read("05/02/2016") == Dated("2016-02-05", "text", "day")
    # Dots are day first wherever they are used.
    assert DateReader().read("05.02.2016") == Dated("2016-02-05", "text", "day")
