"""Schema versions: an archive written by the first release is upgraded in place, losing nothing.

tests/fixtures/foundation-archive.sqlite was written by the first release's own code (schema
0001, no version table): five stories, two tags, two runs.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from newsarchive.storage import Archive, SchemaOutdated, migrations
from tests.helpers import FIXTURES, rows, run_cli, story

FOUNDATION = FIXTURES / "foundation-archive.sqlite"
STORY_COLUMNS = "url, headline, teaser, published_at, date_source, author, site, first_seen_at"


@pytest.fixture
def old_archive(tmp_path: Path) -> Path:
    copy = tmp_path / "archive.sqlite"
    shutil.copy(FOUNDATION, copy)
    return copy


def dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def structure(db: Path) -> dict[str, object]:
    """Columns, foreign keys and indexes of every table, triggers and virtual tables by name."""
    found: dict[str, object] = {}
    with sqlite3.connect(db) as conn:
        for name, kind in conn.execute(
            "SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ):
            if kind != "table":
                found[name] = kind
                continue
            found[name] = (
                sorted(conn.execute(f"PRAGMA table_info('{name}')").fetchall()),
                sorted(row[2:] for row in conn.execute(f"PRAGMA foreign_key_list('{name}')")),
                sorted(row[1:3] for row in conn.execute(f"PRAGMA index_list('{name}')")),
            )
    return found


def test_head_constant_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(migrations._config()).get_current_head() == migrations.HEAD


def test_any_command_on_an_old_archive_says_to_upgrade(old_archive: Path) -> None:
    before = dump(old_archive)
    for command in (["runs"], ["search", "litio"], ["export", "--format", "jsonl"]):
        result = run_cli(*command, "--db", str(old_archive))
        assert result.returncode == 10, result.stderr
        assert result.stderr.count("\n") == 1
        assert "newsarchive db upgrade" in result.stderr
    crawl = run_cli("crawl", "http://127.0.0.1:9/tag/x/", "--db", str(old_archive))
    assert crawl.returncode == 10
    assert dump(old_archive) == before


def test_db_upgrade_migrates_in_place_and_keeps_everything(old_archive: Path) -> None:
    stories = rows(old_archive, f"SELECT {STORY_COLUMNS} FROM stories ORDER BY id")
    sightings = rows(old_archive, "SELECT * FROM sightings ORDER BY id")
    runs = rows(old_archive, "SELECT * FROM crawl_runs ORDER BY id")
    result = run_cli("db", "upgrade", "--db", str(old_archive))
    assert result.returncode == 0, result.stderr
    assert f"from schema 0001 to {migrations.HEAD}" in result.stdout
    backup = old_archive.with_name("archive.schema-0001.sqlite")
    assert backup.read_bytes()[:16] == b"SQLite format 3\x00"
    assert rows(backup, "SELECT count(*) FROM stories") == [(4,)]
    assert rows(old_archive, f"SELECT {STORY_COLUMNS} FROM stories ORDER BY id") == stories
    assert [
        row[:8] for row in rows(old_archive, "SELECT * FROM sightings ORDER BY id")
    ] == sightings
    assert [row[:9] for row in rows(old_archive, "SELECT * FROM crawl_runs ORDER BY id")] == runs
    assert rows(old_archive, "SELECT version_num FROM alembic_version") == [(migrations.HEAD,)]
    assert rows(old_archive, "PRAGMA integrity_check") == [("ok",)]
    again = run_cli("db", "upgrade", "--db", str(old_archive))
    assert again.stdout.strip() == f"The archive is up to date (schema {migrations.HEAD})."


def test_upgraded_archive_has_the_schema_of_a_new_one(old_archive: Path, tmp_path: Path) -> None:
    Archive.upgrade(str(old_archive), backup=False)
    Archive.open(str(tmp_path / "new.sqlite")).close()
    assert structure(old_archive) == structure(tmp_path / "new.sqlite")


def test_upgraded_archive_is_searchable_and_keeps_history(old_archive: Path, cli) -> None:
    Archive.upgrade(str(old_archive), backup=False)
    result = cli("search", "litio", "--db", str(old_archive))
    assert result.returncode == 0, result.stderr
    assert "[litio]" in result.stdout
    db = str(old_archive)
    export = cli("export", "--format", "jsonl", "--tag", "Bolivia", "--db", db)
    assert export.stdout.count("\n") == 2


def test_open_refuses_an_old_archive_without_touching_it(old_archive: Path) -> None:
    with pytest.raises(SchemaOutdated, match="db upgrade"):
        Archive.open(str(old_archive))
    assert rows(old_archive, "SELECT name FROM sqlite_master WHERE name = 'alembic_version'") == []


def test_newer_archive_is_refused(tmp_path: Path, cli) -> None:
    db = tmp_path / "archive.sqlite"
    Archive.open(str(db)).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    result = cli("runs", "--db", str(db))
    assert result.returncode == 10
    assert "newer than this newsarchive" in result.stderr


def test_postgresql_archive_of_schema_0002_is_upgraded_to_search_without_accents(
    postgres_db: str,
) -> None:
    """A PostgreSQL archive as 0002 left it: its search index folded no accents."""
    with create_engine(postgres_db).begin() as conn:
        migrations.upgrade(conn, to="0002")
    with pytest.raises(SchemaOutdated):
        Archive.open(postgres_db)
    upgrade = Archive.upgrade(postgres_db)
    assert (upgrade.before, upgrade.after, upgrade.backup) == ("0002", migrations.HEAD, None)
    with Archive.open(postgres_db) as archive:
        archive.write.store(archive.runs.begin([]), [story(1, headline="Litio en Perú")])
        assert [hit["url"] for hit in archive.read.search("peru")] == [story(1).url]
    assert rows(postgres_db, "SELECT version_num FROM alembic_version") == [(migrations.HEAD,)]


def test_upgraded_archive_takes_articles_of_its_stories(old_archive: Path) -> None:
    """0010 adds the article tables and their search index to an archive of any earlier schema."""
    from newsarchive.items import ArticleFields, ArticlePage

    Archive.upgrade(str(old_archive), backup=False)
    with Archive.open(str(old_archive)) as archive:
        url = rows(old_archive, "SELECT url FROM stories ORDER BY id")[0][0]
        run = archive.runs.begin([])
        fields = ArticleFields(title="Título", text="Las comunidades del salar votaron en asamblea.")
        page = ArticlePage(url, url, url, "ok", "2024-08-03T10:00:00+00:00", 200, fields=fields)
        assert archive.articles.store(run, [page]).stored == 1
        assert [hit["url"] for hit in archive.read.search("asamblea")] == [url]
    assert rows(old_archive, "SELECT kind FROM article_versions") == [("first",)]
    assert rows(old_archive, "PRAGMA integrity_check") == [("ok",)]
