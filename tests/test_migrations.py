"""Schema versions: an archive written by the first release is upgraded in place, losing nothing.

tests/fixtures/foundation-archive.sqlite was written by the first release's own code (schema
0001, no version table): five stories, two tags, two runs. tests/fixtures/schema-0003-archive.sqlite
was written by the code of schema 0003 through its Archive API: five stories in three runs, the
tag "Perú" of news.example.org also spelt "Peru" and "PERU" there (stories under two spellings,
a headline the site rewrote), "Perú" on otro.example, and "Bolivia".
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import MetaData, column, create_engine, select, text
from sqlalchemy import table as sa_table

from newsarchive.items import ArchivedCapture
from newsarchive.storage import Archive, SchemaOutdated, StoryFilter, migrations
from newsarchive.storage.engine import database_url
from tests.helpers import FIXTURES, rows, run_cli, slugs, stored, story

FOUNDATION = FIXTURES / "foundation-archive.sqlite"
SCHEMA_0003 = FIXTURES / "schema-0003-archive.sqlite"
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
    archive_at(postgres_db, "0002")
    with pytest.raises(SchemaOutdated):
        Archive.open(postgres_db)
    upgrade = Archive.upgrade(postgres_db)
    assert (upgrade.before, upgrade.after, upgrade.backup) == ("0002", migrations.HEAD, None)
    with Archive.open(postgres_db) as archive:
        archive.write.store(archive.runs.begin([]), [story(1, headline="Litio en Perú")])
        assert [hit["url"] for hit in archive.read.search("peru")] == [story(1).url]
    assert rows(postgres_db, "SELECT version_num FROM alembic_version") == [(migrations.HEAD,)]


def archive_at(db: str, revision: str) -> None:
    """An empty archive of an older schema, as the migrations up to `revision` made it."""
    engine = create_engine(database_url(db))
    try:
        with engine.begin() as conn:
            migrations.upgrade(conn, to=revision)
    finally:
        engine.dispose()


def copy_archive(source: Path, db: str) -> None:
    """The rows of the SQLite archive `source` in the archive at `db` (of the same schema)."""
    reflected = MetaData()
    reader, writer = create_engine(f"sqlite:///{source}"), create_engine(database_url(db))
    try:
        reflected.reflect(reader)
        with reader.connect() as old, writer.begin() as new:
            for table in reflected.sorted_tables:
                if table.name.startswith("stories_fts") or table.name == "alembic_version":
                    continue
                found = [dict(row) for row in old.execute(select(table)).mappings()]
                columns = [column(found_column.name) for found_column in table.columns]
                if found:
                    new.execute(sa_table(table.name, *columns).insert(), found)
                if "id" in table.columns and new.dialect.name == "postgresql":
                    new.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                             f"(SELECT max(id) FROM {table.name}))")
                    )  # fmt: skip
    finally:
        reader.dispose()
        writer.dispose()


@pytest.fixture
def archive_0003(db: str, tmp_path: Path) -> str:
    """SCHEMA_0003 on each backend: the file itself (a copy), and its rows in PostgreSQL."""
    if db.endswith(".sqlite"):
        shutil.copy(SCHEMA_0003, db)
    else:
        archive_at(db, "0003")
        copy_archive(SCHEMA_0003, db)
    return db


TAG_REFERENCES = (
    "SELECT 'story', story_id, tag_id FROM story_tags UNION ALL "
    "SELECT 'sighting', id, tag_id FROM sightings UNION ALL "
    "SELECT 'walk', id, tag_id FROM listing_walks ORDER BY 1, 2, 3"
)


def test_spellings_of_a_tag_become_the_one_seen_first(archive_0003: str, cli) -> None:
    """ "Perú", "Peru" and "PERU" on news.example.org are one tag, "Perú" (seen first), with
    every story, sighting and walk of the three; "Perú" on otro.example stays its own."""
    db = archive_0003
    stories = rows(db, f"SELECT {STORY_COLUMNS} FROM stories ORDER BY id")
    sightings = rows(
        db, "SELECT id, story_id, run_id, listing_url, seen_at FROM sightings ORDER BY id"
    )
    versions = rows(db, "SELECT * FROM story_versions ORDER BY id")
    assert sorted(rows(db, "SELECT name FROM tags")) == [
        ("Bolivia",), ("PERU",), ("Peru",), ("Perú",), ("Perú",),
    ]  # fmt: skip
    upgrade = Archive.upgrade(db, backup=False)
    assert (upgrade.before, upgrade.after) == ("0003", migrations.HEAD)
    assert rows(db, "SELECT id, site, name, slug FROM tags ORDER BY id") == [
        (1, "news.example.org", "Bolivia", "bolivia"),
        (2, "news.example.org", "Perú", "peru"),
        (5, "otro.example", "Perú", "peru"),
    ]
    # Each story once under the tag, however many spellings listed it (stories 1, 3 and 4 were
    # under two); every sighting and walk of a spelling now names the tag.
    assert rows(db, TAG_REFERENCES) == sorted([
        ("story", 1, 2), ("story", 2, 1), ("story", 3, 2), ("story", 4, 2), ("story", 5, 5),
        ("sighting", 1, 2), ("sighting", 2, 2), ("sighting", 3, 1), ("sighting", 4, 2),
        ("sighting", 5, 2), ("sighting", 6, 2), ("sighting", 7, 2), ("sighting", 8, 5),
        ("walk", 1, 2), ("walk", 2, 1), ("walk", 3, 2), ("walk", 4, 2), ("walk", 5, 5),
    ])  # fmt: skip
    assert rows(db, f"SELECT {STORY_COLUMNS} FROM stories ORDER BY id") == stories
    assert (
        rows(db, "SELECT id, story_id, run_id, listing_url, seen_at FROM sightings ORDER BY id")
        == sightings
    )
    assert rows(db, "SELECT * FROM story_versions ORDER BY id") == versions
    # Stories archived before confidence was recorded have none; nothing is invented.
    assert set(
        rows(db, "SELECT confidence, date_precision, author_source, teaser_source FROM stories")
    ) == {(None, None, None, None)}
    assert rows(db, "SELECT count(*) FROM crawl_runs WHERE low_confidence_pages IS NOT NULL") == [
        (0,)
    ]
    for spelling in ("peru", "PERU", "Perú", "Peru"):
        out = cli("export", "--db", db, "--format", "jsonl", "--tag", spelling).stdout
        assert slugs(out) == [
            "congreso-archiva-reforma", "litio-consulta-previa", "agua-arequipa",
            "elecciones-regionales",
        ]  # fmt: skip
    # A crawl after the upgrade files a new spelling under the tag, named as it was.
    with Archive.open(db) as archive:
        stored(archive, [story(9, tag="PERÚ")])
        peru = {s["url"]: s["tags"] for s in archive.read.iter_stories(StoryFilter(tags=("peru",)))}
        assert peru[story(9).url] == ["Perú"]
        assert archive.runs.latest(1)[0]["low_confidence_pages"] == []
    assert rows(db, "SELECT count(*) FROM tags") == [(3,)]


def test_an_archive_of_schema_0004_gains_feeds_and_keeps_its_walks(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        migrations.upgrade(conn, to="0004")
        conn.exec_driver_sql(
            "INSERT INTO crawl_runs (id, start_urls, started_at, status, pages, stories_new, "
            "stories_existing, errors) VALUES (1, '[]', '2024-08-01 05:00:00', 'finished', 1, 1, 0, 0)"
        )
        conn.exec_driver_sql(
            "INSERT INTO stories (id, url, headline, site, first_seen_at, last_seen_at) VALUES "
            "(1, 'https://news.example.org/a/', 'A', 'news.example.org', '2024-08-01 05:00:00', "
            "'2024-08-01 05:00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO listing_walks (run_id, start_url, mode, pages, stories, end_reason, "
            "last_page) VALUES (1, 'https://news.example.org/tag/a/', 'full', 1, 1, 'last_page', 1)"
        )
    engine.dispose()
    upgrade = Archive.upgrade(str(db), backup=False)
    assert (upgrade.before, upgrade.after) == ("0004", migrations.HEAD)
    assert rows(db, "SELECT url, modified_at FROM stories") == [
        ("https://news.example.org/a/", None)
    ]
    assert rows(db, "SELECT count(*) FROM feed_fetches") == [(0,)]
    with Archive.open(str(db)) as archive:
        (row,) = archive.coverage.per_start_url()
    assert (row.start_url, row.walk_complete, row.deepest_page) == (
        "https://news.example.org/tag/a/", True, 1,
    )  # fmt: skip


def test_archive_of_schema_0003_gains_the_record_index_and_archived_captures(
    archive_0003: str,
) -> None:
    """0006: sightings keep their WARC records, and can name a web archive's capture."""
    db = archive_0003
    sightings = rows(db, "SELECT count(*) FROM sightings")
    with pytest.raises(SchemaOutdated):
        Archive.open(db)
    upgrade = Archive.upgrade(db, backup=False)
    assert (upgrade.before, upgrade.after) == ("0003", migrations.HEAD)
    assert rows(db, "SELECT count(*) FROM sightings") == sightings
    assert rows(db, "SELECT count(archived_capture_id) FROM sightings") == [(0,)]
    assert rows(db, "SELECT count(*) FROM warc_records") == [(0,)]
    capture = ArchivedCapture(
        "https://news.example.org/tag/peru/", "20190301100000", "http://127.0.0.1:9/x"
    )
    with Archive.open(db) as archive:
        run = archive.runs.begin([])
        archive.write.store(
            run, [story(3, fetched_at="2019-03-01T10:00:00+00:00", archived=capture)]
        )
    assert rows(db, "SELECT url, timestamp FROM archived_captures") == [
        (capture.url, capture.timestamp)
    ]
    assert rows(db, "SELECT count(archived_capture_id) FROM sightings") == [(1,)]


def test_upgraded_archive_takes_articles_of_its_stories(old_archive: Path) -> None:
    """0010 adds the article tables and their search index to an archive of any earlier schema."""
    from newsarchive.items import ArticleFields, ArticlePage

    Archive.upgrade(str(old_archive), backup=False)
    with Archive.open(str(old_archive)) as archive:
        url = rows(old_archive, "SELECT url FROM stories ORDER BY id")[0][0]
        run = archive.runs.begin([])
        fields = ArticleFields(
            title="Título", text="Las comunidades del salar votaron en asamblea."
        )
        page = ArticlePage(url, url, url, "ok", "2024-08-03T10:00:00+00:00", 200, fields=fields)
        assert archive.articles.store(run, [page]).stored == 1
        assert [hit["url"] for hit in archive.read.search("asamblea")] == [url]
    assert rows(old_archive, "SELECT kind FROM article_versions") == [("first",)]
    assert rows(old_archive, "PRAGMA integrity_check") == [("ok",)]
