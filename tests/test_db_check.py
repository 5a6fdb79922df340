"""`newsarchive db check` on healthy, damaged and missing archives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsarchive.cli.errors import CLIError
from newsarchive.storage import Archive
from tests.helpers import stored, story


def make_archive(db: Path, stories: int = 3) -> None:
    with Archive.open(str(db)) as archive:
        stored(archive, [story(n) for n in range(1, stories + 1)])


def counts(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)


def test_healthy_archive_passes_with_counts(db_path: Path, cli) -> None:
    make_archive(db_path)
    result = cli("db", "check", "--db", db_path)
    assert result.returncode == 0, result.stderr
    found = counts(result.stdout)
    assert found["archive"] == str(db_path)
    assert (found["stories"], found["sightings"], found["crawl runs"]) == ("3", "3", "1")
    assert found["integrity check errors"] == found["orphan sightings"] == "0"
    assert found["stories without sightings"] == found["foreign key violations"] == "0"
    assert result.stdout.strip().endswith("no problems found")


def test_orphans_and_unsighted_stories_fail_the_check(db_path: Path, cli) -> None:
    make_archive(db_path)
    with sqlite3.connect(db_path) as conn:  # foreign keys are off in a plain connection
        conn.execute("DELETE FROM sightings WHERE story_id = 1")
        conn.execute("DELETE FROM tags")
        conn.execute(
            "INSERT INTO sightings (story_id, run_id, listing_url, page_number, position, seen_at)"
            " VALUES (999, 1, 'https://news.example.org/tag/peru/', 1, 1, '2024-08-01')"
        )
    result = cli("db", "check", "--db", db_path)
    assert result.returncode == CLIError.CHECK_FAILED
    found = counts(result.stdout)
    assert found["stories without sightings"] == "1"
    assert found["orphan sightings"] == "3"  # one without its story, two without their tag
    assert found["orphan story tags"] == "3"
    assert int(found["foreign key violations"]) == 6
    assert result.stderr.strip() == (
        "newsarchive: error: archive check failed: orphan sightings, orphan story tags, "
        "stories without sightings, foreign key violations"
    )


def test_corrupted_file_is_reported_without_traceback(db_path: Path, cli) -> None:
    make_archive(db_path, stories=400)
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(db_path.read_bytes())
    for offset in range(3 * page_size + 100, len(data) - page_size, 2 * page_size):
        data[offset : offset + 64] = b"\xa5" * 64  # scribble over several b-tree pages
    db_path.write_bytes(bytes(data))
    result = cli("db", "check", "--db", db_path)
    assert result.returncode in (CLIError.CHECK_FAILED, CLIError.BAD_ARCHIVE)
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("newsarchive: error: ")
    if result.returncode == CLIError.CHECK_FAILED:
        assert int(counts(result.stdout)["integrity check errors"].split()[0]) > 0


def test_missing_archive_is_a_clean_error(tmp_path: Path, cli) -> None:
    result = cli("db", "check", "--db", tmp_path / "none.sqlite")
    assert result.returncode == CLIError.DATABASE
    assert result.stderr.strip() == f"newsarchive: error: no archive at {tmp_path / 'none.sqlite'}"
    assert not (tmp_path / "none.sqlite").exists()
