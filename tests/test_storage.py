"""The archive on a real SQLite file and a real PostgreSQL server: upserts, re-runs, tags, runs."""

from __future__ import annotations

import random
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from newsarchive.status import RunStatus
from newsarchive.storage import Archive, DatabaseError
from newsarchive.storage.columns import TABLES
from newsarchive.storage.schema import metadata
from tests.helpers import NO_POSTGRES, POSTGRES_URL, rows, story


def test_store_counts_new_then_existing(archive: Archive) -> None:
    run = archive.runs.begin(["https://news.example.org/tag/peru/"])
    first = archive.write.store(run, [story(n) for n in range(1, 6)])
    assert (first.new, first.existing) == (5, 0)
    second_run = archive.runs.begin(["https://news.example.org/tag/peru/"])
    again = archive.write.store(second_run, [story(n) for n in range(1, 8)])
    assert (again.new, again.existing) == (2, 5)
    assert archive.read.count() == 7
    assert archive.runs.get(second_run)["stories_new"] == 2
    assert archive.runs.get(second_run)["stories_existing"] == 5


def test_story_under_two_tags_is_one_story_with_two_tags(archive: Archive) -> None:
    run = archive.runs.begin([])
    archive.write.store(run, [story(1, tag="Peru")])
    result = archive.write.store(run, [story(1, tag="Bolivia")])
    # Already stored in this same run: neither new again nor "already archived".
    assert (result.new, result.existing) == (0, 0)
    (record,) = list(archive.read.iter_stories())
    assert record["tags"] == ["Bolivia", "Peru"]


def test_upsert_updates_fields_but_keeps_known_values(archive: Archive) -> None:
    run = archive.runs.begin([])
    archive.write.store(run, [story(1, author="Ana Quispe")])
    archive.write.store(
        run,
        [story(1, headline="Headline 1, updated", teaser=None, author=None,
               fetched_at="2024-08-02T12:00:00+00:00")],
    )  # fmt: skip
    (record,) = list(archive.read.iter_stories())
    assert record["headline"] == "Headline 1, updated"
    assert record["teaser"] == "Teaser 1"
    assert record["author"] == "Ana Quispe"
    assert record["first_seen_at"].isoformat() == "2024-08-01T12:00:00+00:00"
    assert record["last_seen_at"].isoformat() == "2024-08-02T12:00:00+00:00"


def test_sightings_record_where_each_story_was_seen(archive: Archive, db: str) -> None:
    run = archive.runs.begin([])
    archive.write.store(run, [story(1, page_number=2, position=7), story(1, tag="Bolivia")])
    assert rows(db, "SELECT page_number, position, listing_url FROM sightings ORDER BY id") == [
        (2, 7, "https://news.example.org/tag/peru/"),
        (1, 1, "https://news.example.org/tag/peru/"),
    ]


def test_text_with_quotes_sql_and_unicode_round_trips(archive: Archive) -> None:
    headline = "Robert'); DROP TABLE stories;-- “Perú” \\ % _ 🙂"
    run = archive.runs.begin([])
    archive.write.store(run, [story(1, headline=headline)])
    assert next(archive.read.iter_stories())["headline"] == headline


def test_sqlite_archive_uses_wal(db_path: Path) -> None:
    with Archive.open(str(db_path)) as archive:
        archive.write.store(archive.runs.begin([]), [story(1)])
    mode = sqlite3.connect(db_path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_finish_run_records_outcome(archive: Archive) -> None:
    run = archive.runs.begin(["https://news.example.org/tag/peru/"])
    archive.runs.finish(run, RunStatus.FINISHED, pages=3, errors=1)
    record = archive.runs.get(run)
    assert (record["status"], record["pages"], record["errors"]) == ("finished", 3, 1)
    assert record["finished_at"] >= record["started_at"]


def test_open_without_create_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no archive"):
        Archive.open(str(tmp_path / "missing.sqlite"), create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_concurrent_writers_store_each_story_once(archive: Archive, db: str) -> None:
    """Four writers, each its own run and connection, store overlapping batches in random order."""
    urls = range(1, 241)

    def crawl(seed: int) -> tuple[int, int]:
        with Archive.open(db) as writer:
            run = writer.runs.begin([])
            order = random.Random(seed).sample(urls, len(urls))
            tag = f"Tag {seed}"
            for start in range(0, len(order), 40):
                writer.write.store(run, [story(n, tag=tag) for n in order[start : start + 40]])
            record = writer.runs.get(run)
            return record["stories_new"], record["stories_existing"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(crawl, range(4)))
    assert archive.read.count() == len(urls)
    assert sum(new for new, _ in counts) == len(urls)
    assert sum(new + existing for new, existing in counts) == 4 * len(urls)
    assert rows(db, "SELECT count(*) FROM story_tags") == [(4 * len(urls),)]
    assert rows(db, "SELECT count(*) FROM sightings") == [(4 * len(urls),)]


@pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
def test_postgres_wrong_password_is_one_line_without_the_password() -> None:
    url = make_url(POSTGRES_URL).set(password="not-the-password-42")
    with pytest.raises(DatabaseError) as caught:
        Archive.open(url.render_as_string(hide_password=False))
    message = str(caught.value)
    assert "not-the-password-42" not in message
    assert "\n" not in message and "password authentication failed" in message


def test_the_column_catalogue_describes_every_column_in_schema_order() -> None:
    assert set(TABLES) == set(metadata.tables)
    for table in metadata.sorted_tables:
        described = [(column.name, bool(column.description)) for column in TABLES[table.name]]
        assert described == [(column.name, True) for column in table.columns if column.name != "id"]
