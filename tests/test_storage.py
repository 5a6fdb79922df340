"""The archive on a real SQLite file: upserts, idempotent re-runs, tags, runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsarchive.items import Story
from newsarchive.storage import Archive


def story(n: int, tag: str = "Peru", **fields) -> Story:
    values = {
        "url": f"https://news.example.org/2024/07/story-{n}/",
        "headline": f"Headline {n}",
        "teaser": f"Teaser {n}",
        "site": "news.example.org",
        "tag": tag,
        "listing_url": "https://news.example.org/tag/peru/",
        "page_number": 1,
        "position": n,
        "fetched_at": "2024-08-01T12:00:00+00:00",
    }
    return Story(**(values | fields))


def test_store_counts_new_then_existing(archive: Archive) -> None:
    run = archive.begin_run(["https://news.example.org/tag/peru/"])
    first = archive.store(run, [story(n) for n in range(1, 6)])
    assert (first.new, first.existing) == (5, 0)
    second_run = archive.begin_run(["https://news.example.org/tag/peru/"])
    again = archive.store(second_run, [story(n) for n in range(1, 8)])
    assert (again.new, again.existing) == (2, 5)
    assert archive.count_stories() == 7
    assert archive.run(second_run)["stories_new"] == 2
    assert archive.run(second_run)["stories_existing"] == 5


def test_story_under_two_tags_is_one_story_with_two_tags(archive: Archive) -> None:
    run = archive.begin_run([])
    archive.store(run, [story(1, tag="Peru")])
    result = archive.store(run, [story(1, tag="Bolivia")])
    # Already stored in this same run: neither new again nor "already archived".
    assert (result.new, result.existing) == (0, 0)
    (record,) = list(archive.iter_stories())
    assert record["tags"] == ["Bolivia", "Peru"]


def test_upsert_updates_fields_but_keeps_known_values(archive: Archive) -> None:
    run = archive.begin_run([])
    archive.store(run, [story(1, author="Ana Quispe")])
    archive.store(
        run,
        [story(1, headline="Headline 1, updated", teaser=None, author=None,
               fetched_at="2024-08-02T12:00:00+00:00")],
    )  # fmt: skip
    (record,) = list(archive.iter_stories())
    assert record["headline"] == "Headline 1, updated"
    assert record["teaser"] == "Teaser 1"
    assert record["author"] == "Ana Quispe"
    assert record["first_seen_at"].isoformat() == "2024-08-01T12:00:00+00:00"
    assert record["last_seen_at"].isoformat() == "2024-08-02T12:00:00+00:00"


def test_sightings_record_where_each_story_was_seen(archive: Archive, db_path: Path) -> None:
    run = archive.begin_run([])
    archive.store(run, [story(1, page_number=2, position=7), story(1, tag="Bolivia")])
    rows = (
        sqlite3.connect(db_path)
        .execute("SELECT page_number, position, listing_url FROM sightings ORDER BY id")
        .fetchall()
    )
    assert rows == [
        (2, 7, "https://news.example.org/tag/peru/"),
        (1, 1, "https://news.example.org/tag/peru/"),
    ]


def test_text_with_quotes_sql_and_unicode_round_trips(archive: Archive) -> None:
    headline = "Robert'); DROP TABLE stories;-- “Perú” \\ % _ 🙂"
    run = archive.begin_run([])
    archive.store(run, [story(1, headline=headline)])
    assert next(archive.iter_stories())["headline"] == headline


def test_sqlite_archive_uses_wal(archive: Archive, db_path: Path) -> None:
    archive.store(archive.begin_run([]), [story(1)])
    mode = sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_finish_run_records_outcome(archive: Archive) -> None:
    run = archive.begin_run(["https://news.example.org/tag/peru/"])
    archive.finish_run(run, "finished", pages=3, errors=1)
    record = archive.run(run)
    assert (record["status"], record["pages"], record["errors"]) == ("finished", 3, 1)
    assert record["finished_at"] >= record["started_at"]


def test_open_without_create_refuses_missing_file(tmp_path: Path) -> None:
    import pytest

    from newsarchive.storage import DatabaseError

    with pytest.raises(DatabaseError, match="no archive"):
        Archive.open(str(tmp_path / "missing.sqlite"), create=False)
    assert not (tmp_path / "missing.sqlite").exists()
