"""`newsarchive browse` without a browser: table detection, metadata, canned SQL, the HTTP view."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive.cli.examples import DEMO_STORY
from newsarchive.items import ArchivedCapture, Story
from newsarchive.storage import Archive, BadArchive, DatabaseError
from newsarchive.views.browse.metadata import build_metadata
from newsarchive.views.browse.queries import DROPPED_OFF_SQL, QUERIES, outside_sql, weekly_sql
from newsarchive.views.browse.server import is_loopback
from newsarchive.views.browse.tables import ArchiveTables, inspect_archive
from tests.browsing import browsing, headlines_containing, headlines_with_word
from tests.helpers import ROOT, free_port, stored, story

# Where a write could be attempted: table, row, canned query, and Datasette 1.0's write API.
WRITE_PATHS = ("/stories", "/stories/1", "/latest_crawl_runs", "/-/create", "/stories/-/insert")
FTS5_EXTERNAL = (
    "CREATE VIRTUAL TABLE story_search USING fts5(headline, teaser, content='stories', "
    "content_rowid='id')"
)


@pytest.fixture
def archive(db_path: Path) -> Iterator[Archive]:
    """Browsing serves SQLite files only: the archive of these tests is one."""
    with Archive.open(str(db_path)) as archive:
        yield archive


def listed(slug: str, tag: str, run_day: str, page: int = 1, **fields) -> Story:
    """The story `slug`, as a crawl on `run_day` saw it on page `page` of `tag`."""
    values = {
        "url": f"https://news.example.org/{slug}/",
        "headline": slug.replace("-", " ").title(),
        "teaser": None,
        "listing_url": f"https://news.example.org/tag/{tag.lower()}/",
        "page_number": page,
        "position": 1,
        "fetched_at": f"{run_day}T06:00:00+00:00",
    }
    return story(0, tag, **(values | fields))


def execute(db: Path, *statements: str) -> None:
    """Run statements and close, so the write-ahead log is checkpointed into the file."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            for statement in statements:
                conn.execute(statement)
    finally:
        conn.close()


def drop_search_index(db: Path) -> None:
    """The archive without its full-text index, as an archive of another tool might be."""
    with closing(sqlite3.connect(db)) as conn:
        triggers = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stories_fts%'"
        ).fetchall()
    execute(db, *(f"DROP TRIGGER {name}" for (name,) in triggers), "DROP TABLE stories_fts")


# -- what the archive holds ---------------------------------------------------------------------


def test_inspect_archive_lists_tables_of_a_new_archive(archive: Archive, db_path: Path) -> None:
    archive.close()  # browse reads the file as a crawl leaves it: closed, its log checkpointed
    found = inspect_archive(db_path)
    assert found.has("stories", "tags", "story_tags", "sightings", "crawl_runs", "story_versions")
    assert found.stories_fts == "stories_fts"  # every archive has its search index


@pytest.mark.parametrize(
    ("ddl", "expected"),
    [
        (FTS5_EXTERNAL, "story_search"),
        ('CREATE VIRTUAL TABLE s_idx USING fts4(headline, teaser, content="stories")', "s_idx"),
        ("CREATE VIRTUAL TABLE stories_fts USING fts5(headline, teaser)", "stories_fts"),
        ("CREATE VIRTUAL TABLE other_fts USING fts5(body)", None),
    ],
)
def test_inspect_archive_finds_the_stories_search_index(
    archive: Archive, db_path: Path, ddl: str, expected: str | None
) -> None:
    archive.close()
    drop_search_index(db_path)
    assert inspect_archive(db_path).stories_fts is None
    execute(db_path, ddl)
    assert inspect_archive(db_path).stories_fts == expected


def test_inspect_archive_rejects_what_is_not_an_archive(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no archive at"):
        inspect_archive(tmp_path / "missing.sqlite")
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database, just words " * 100, encoding="utf-8")
    with pytest.raises(BadArchive, match="is not a SQLite database"):
        inspect_archive(text)
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(BadArchive, match="is an empty file"):
        inspect_archive(empty)
    other = tmp_path / "other.sqlite"
    execute(other, "CREATE TABLE things (id INTEGER)")
    with pytest.raises(BadArchive, match="has no stories table"):
        inspect_archive(other)


# -- metadata -----------------------------------------------------------------------------------


def test_metadata_describes_every_table_and_column_of_the_archive(
    archive: Archive, db_path: Path
) -> None:
    archive.close()
    metadata = build_metadata("archive", inspect_archive(db_path))
    tables = metadata["databases"]["archive"]["tables"]
    with sqlite3.connect(db_path) as conn:
        names = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(("stories_fts", "articles_fts", "alembic_", "sqlite_"))
        ]
        for name in names:
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({name})")} - {"id"}
            assert set(tables[name]["columns"]) == columns, name
            assert tables[name]["description"]
    assert tables["stories"]["facets"] == [
        "site",
        {"story_tags": "name"},
        {"date": "first_seen_at"},
    ]
    assert tables["stories"]["fts_table"] == "stories_fts"
    queries = metadata["databases"]["archive"]["queries"]
    assert set(queries) == {q.name for q in QUERIES}
    assert all(query["hide_sql"] for query in queries.values())
    assert tables["alembic_version"] == {"hidden": True}
    assert metadata["license"] and metadata["source"]
    assert "/archive/stories" in metadata["description_html"]


def test_metadata_leaves_out_what_the_archive_lacks_and_uses_what_it_has() -> None:
    bare = build_metadata("a", ArchiveTables(frozenset({"stories", "crawl_runs"}), None))
    assert set(bare["databases"]["a"]["tables"]) == {"stories", "crawl_runs"}
    assert set(bare["databases"]["a"]["queries"]) == {"latest_crawl_runs"}

    indexed = build_metadata("a", ArchiveTables(frozenset({"stories"}), "story_search"))
    stories = indexed["databases"]["a"]["tables"]["stories"]
    assert (stories["fts_table"], stories["fts_pk"]) == ("story_search", "id")
    assert indexed["databases"]["a"]["tables"]["story_search"] == {"hidden": True}
    assert "search box" in indexed["description_html"]


# -- canned SQL on real archives ----------------------------------------------------------------


def test_dropped_off_lists_stories_gone_from_a_tags_first_page(
    archive: Archive, db_path: Path
) -> None:
    stored(archive, [listed(s, "Peru", "2024-08-01") for s in ("lead", "second", "third")])
    stored(archive, [listed("bolivia-only", "Bolivia", "2024-08-01")])
    stored(
        archive,
        [
            listed("newest", "Peru", "2024-08-02"),
            listed("lead", "Peru", "2024-08-02"),
            listed("second", "Peru", "2024-08-02", page=2),
        ],
    )
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(DROPPED_OFF_SQL).fetchall()
    assert [(tag, headline, page) for tag, _site, headline, _url, _when, page in rows] == [
        ("Peru", "Second", 2),
        ("Peru", "Third", None),
    ]


def test_a_backfill_after_the_crawls_is_not_the_latest_crawl_of_a_tag(
    archive: Archive, db_path: Path
) -> None:
    """A backfill run comes after the crawls by number but before them in time: the latest
    crawl stays the latest live run, and a story on page 1 of a 2019 capture has dropped off."""
    stored(archive, [listed(s, "Peru", "2024-08-01") for s in ("lead", "second")])
    stored(
        archive,
        [
            listed("newest", "Peru", "2024-08-02"),
            listed("lead", "Peru", "2024-08-02"),
            listed("second", "Peru", "2024-08-02", page=2),
        ],
    )
    capture = ArchivedCapture(
        "https://news.example.org/tag/peru/", "20190301100000", "http://127.0.0.1:9/peru/"
    )
    stored(
        archive,
        [
            listed("old", "Peru", "2019-03-01", archived=capture),
            listed("lead", "Peru", "2019-03-01", page=3, archived=capture),
        ],
    )
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(DROPPED_OFF_SQL).fetchall()
    assert [(headline, when[:10], page) for _tag, _site, headline, _url, when, page in rows] == [
        ("Second", "2024-08-01", 2),
        ("Old", "2019-03-01", None),
    ]


def test_weekly_sql_and_report_count_the_same_weeks(archive: Archive, db_path: Path) -> None:
    stored(
        archive,
        [
            listed("mon", "Peru", "2024-08-01", published_at="2024-07-01"),
            listed("sun", "Peru", "2024-08-01", published_at="2024-07-07T23:30:00-05:00"),
            listed("next-mon", "Peru", "2024-08-01", published_at="2024-07-08"),
            listed("undated", "Peru", "2024-08-01"),  # first seen Thursday 2024-08-01
            listed("month-only", "Bolivia", "2024-08-01", published_at="2024-07"),
            listed("late", "Bolivia", "2024-08-01", published_at="2024-07-30"),
        ],
    )
    with sqlite3.connect(db_path) as conn:
        sparse = conn.execute(weekly_sql()).fetchall()
        every = conn.execute(weekly_sql(every_week=True)).fetchall()
    assert sparse == [
        ("2024-07-01", "Peru", 2),
        ("2024-07-08", "Peru", 1),
        ("2024-07-29", "Bolivia", 2),
        ("2024-07-29", "Peru", 1),
    ]
    assert [
        (w.week.isoformat(), w.tag, w.stories) for w in archive.overview.weekly_coverage()
    ] == sparse
    # Each tag from its own first week (Bolivia's stories begin on 29 July) to the last week.
    assert [row[:3] for row in every if row[1] == "Bolivia"] == [("2024-07-29", "Bolivia", 2)]
    assert len(every) == 5 + 1
    assert ("2024-07-15", "Peru", 0, "2024-07-01", 0) in every
    assert {row[:3] for row in every} >= set(sparse)


def test_the_latest_crawls_week_is_marked_partial(archive: Archive, db_path: Path) -> None:
    now = datetime.now(UTC)
    monday = (now - timedelta(days=now.weekday())).date().isoformat()
    stored(
        archive,
        [listed("today", "Peru", now.date().isoformat(), published_at=now.date().isoformat())],
    )
    with sqlite3.connect(db_path) as conn:
        every = conn.execute(weekly_sql(every_week=True)).fetchall()
    assert every == [(monday, "Peru", 1, monday, 1)]


def test_the_timeline_query_is_bounded_whatever_the_dates(archive: Archive, db_path: Path) -> None:
    """Placeholder and far-future dates are listed, not plotted; 35 years are 454 points."""
    weeks = [date(1990, 1, 1) + timedelta(weeks=n) for n in range(0, 35 * 52, 5)]
    stored(
        archive,
        [listed(f"w{n}", "Peru", "2025-01-01", published_at=week.isoformat()) for n, week in enumerate(weeks)]
        + [listed("zero", "Peru", "2025-01-01", published_at="0001-01-01"),
           listed("far", "Bolivia", "2025-01-01", published_at="2999-12-31")],
    )  # fmt: skip
    with sqlite3.connect(db_path) as conn:
        timeline = conn.execute(weekly_sql(every_week=True)).fetchall()
        outside = conn.execute(outside_sql()).fetchall()
    assert {row[1] for row in timeline} == {"Peru"}
    assert len(timeline) == 454  # 1,815 weeks after the first, in periods of 4 weeks
    assert timeline[0][0] == "1990-01-01" and timeline[1][0] == "1990-01-29"
    assert {row[3] for row in timeline} == {"1990-01-01"}  # where the tag's stories begin
    assert sum(row[2] for row in timeline) == len(weeks)
    assert [(published, headline) for published, headline, _url, _seen in outside] == [
        ("0001-01-01", "Zero"), ("2999-12-31", "Far"),
    ]  # fmt: skip


def test_tags_of_two_sites_are_told_apart(archive: Archive, db_path: Path) -> None:
    stored(
        archive,
        [
            listed("a", "Peru", "2024-08-01"),
            listed("b", "Peru", "2024-08-01", url="https://other.example.net/b/", site="other.example.net"),
        ],
    )  # fmt: skip
    with sqlite3.connect(db_path) as conn:
        tags = {tag for _week, tag, _n in conn.execute(weekly_sql())}
    assert tags == {"Peru (news.example.org)", "Peru (other.example.net)"}
    assert {w.tag for w in archive.overview.weekly_coverage()} == tags


# -- the command --------------------------------------------------------------------------------


def test_browse_refuses_what_it_cannot_serve(
    tmp_path: Path, archive: Archive, db_path: Path, cli
) -> None:
    archive.close()
    missing = cli("browse", "--db", str(tmp_path / "nothing.sqlite"))
    assert missing.returncode == 5
    assert missing.stderr.startswith("newsarchive: error: no archive at")

    remote = cli("browse", "--db", "postgresql+psycopg://reader@db.example.org/news")
    assert remote.returncode == 2
    assert "needs a SQLite archive file" in remote.stderr

    assert cli("browse", "--db", str(db_path), "--port", "0").returncode == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        busy = cli("browse", "--db", str(db_path), "--port", port)
    assert busy.returncode == 2
    assert f"port {port}" in busy.stderr
    assert "Traceback" not in missing.stderr + remote.stderr + busy.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("192.0.2.10", False), ("::", False), ("example.org", False)],
)  # fmt: skip
def test_only_loopback_addresses_count_as_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# -- the running view over HTTP -----------------------------------------------------------------


@pytest.fixture(scope="module")
def indexed_demo(demo_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive, with its full-text index over headline and teaser, as `indexed`."""
    indexed = tmp_path_factory.mktemp("indexed") / "indexed.sqlite"
    shutil.copy(demo_data / "demo.sqlite", indexed)
    return indexed


@pytest.fixture(scope="module")
def view(indexed_demo: Path):
    with browsing(indexed_demo) as base:
        yield base


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_full_text_search_and_tag_filter_narrow_the_stories(view: str) -> None:
    found = get_json(f"{view}/indexed/stories.json?_search=strike&_shape=objects&_size=max")
    assert {row["headline"] for row in found["rows"]} == headlines_with_word("strike")
    tagged = get_json(
        f"{view}/indexed/stories.json?_search=strike&_tag=Bolivia&_shape=objects&_size=max"
    )
    assert tagged["human_description_en"].startswith(
        'where tagged "Bolivia" and search matches "strike"'
    )
    assert {row["headline"] for row in tagged["rows"]} == headlines_with_word("strike", "Bolivia")
    assert len(tagged["rows"]) < len(found["rows"])


def test_the_tag_filter_and_facet_take_any_spelling(view: str) -> None:
    stories = f"{view}/indexed/stories.json?_shape=objects&_size=max&_extra=facet_results"
    exact, folded = get_json(f"{stories}&_tag=Bolivia"), get_json(f"{stories}&_tag=BOLIVIA")
    assert [row["id"] for row in folded["rows"]] == [row["id"] for row in exact["rows"]]
    assert {row["headline"] for row in folded["rows"]} == headlines_containing("", "Bolivia")
    facet = {found["value"]: found for found in folded["facet_results"]["tag"]["results"]}
    assert facet["Bolivia"]["selected"] and not facet["Peru"]["selected"]
    assert "_tag" not in facet["Bolivia"]["toggle_url"]  # unselecting removes BOLIVIA


def test_our_search_reads_words_as_the_search_command_does(view: str) -> None:
    def found(query: str, *more: str) -> set[str]:
        args = urllib.parse.urlencode({"_q": query, "_shape": "objects", "_size": "max"})
        rows = get_json(f"{view}/indexed/stories.json?{args}{''.join(more)}")["rows"]
        return {row["headline"] for row in rows}

    assert found("strike") == headlines_with_word("strike")
    assert found("covid-19") == {"Covid-19 Returns To Iquitos Hospitals As Oxygen Runs Short"}
    assert found('"lithium survey" OR copper', "&_tag=Peru") == {
        "Aymara Communities On Both Shores Of Lake Titicaca Unite Against Lithium Survey",
        "Cajamarca Farmers Block Access Road To Cerro Wari Copper Project",
        "Arequipa Copper Miners Vote To Strike Over Night-Shift Safety",
        "Tambo Valley Rice Growers Call For Local Referendum On Mining Project",  # its teaser
    }
    assert found("+++") == set()


def get_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def test_story_tag_and_warc_pages(view: str, indexed_demo: Path) -> None:
    with closing(sqlite3.connect(indexed_demo)) as conn:
        (story_id,) = conn.execute("select id from stories where url = ?", [DEMO_STORY]).fetchone()
        (peru,) = conn.execute("select id from tags where name = 'Peru'").fetchone()
        (file_id, offset) = conn.execute(
            "select warc_file_id, warc_offset from sightings where story_id = ? order by id",
            [story_id],
        ).fetchone()
    story = get_text(f"{view}/-/story/{story_id}")
    assert "Peruvian Congress Passes NGO Law In Late-Night Session" in story
    assert f"/-/warc/{file_id}/{offset}.warc.gz" in story
    tag = get_text(f"{view}/-/tag/{peru}")
    assert "Quechua Community Radios Say New Licensing Rules" in tag  # dropped off page 1
    assert "Walked to its last page" in tag and "<svg" in tag
    capture = get_text(f"{view}/-/warc/{file_id}/{offset}")
    assert "http://dispatch.example/tag/peru/" in capture
    with urllib.request.urlopen(f"{view}/-/warc/{file_id}/{offset}.warc.gz", timeout=30) as raw:
        records = list(ArchiveIterator(io.BytesIO(raw.read())))
    assert [r.rec_type for r in records] == ["response"]
    for missing in ("/-/story/99999", "/-/tag/99999", f"/-/warc/{file_id}/1"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(view + missing, timeout=30)
        assert refused.value.code == 404


def test_every_canned_query_runs(view: str) -> None:
    for query in QUERIES:
        result = get_json(f"{view}/indexed/{query.name}.json?_shape=objects")
        assert result["ok"] is not False, query.name
    weekly = get_json(f"{view}/indexed/stories_per_tag_per_week.json?_shape=objects")["rows"]
    totals: dict[str, int] = {}
    for row in weekly:
        totals[row["tag"]] = totals.get(row["tag"], 0) + row["stories"]
    assert totals == {"Peru": 28, "Bolivia": 13}


def test_the_view_cannot_write(view: str, indexed_demo: Path) -> None:
    before = hashlib.sha256(indexed_demo.read_bytes()).hexdigest()
    databases = get_json(f"{view}/-/databases.json")
    # Read through mode=ro connections, so committed changes show; no write query configured.
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("indexed", True)]
    # Datasette 0.65 answers these with 404, 405 or (for a table) a 500 from its refusal.
    for path in WRITE_PATHS:
        post = urllib.request.Request(
            f"{view}/indexed{path}",
            data=json.dumps({"row": {"headline": "changed"}}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(post, timeout=30)
        assert refused.value.code >= 400, path
    for sql in ("delete from stories", "update stories set headline = 'x'"):
        query = urllib.parse.urlencode({"sql": sql})
        with pytest.raises(urllib.error.HTTPError) as rejected:
            urllib.request.urlopen(f"{view}/indexed.json?{query}", timeout=30)
        assert json.load(rejected.value)["error"] == "Statement must be a SELECT"
    assert hashlib.sha256(indexed_demo.read_bytes()).hexdigest() == before


def test_free_port_is_free() -> None:
    port = free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


# What a crawl killed with kill -9 leaves: committed batches in the write-ahead log, not yet in
# the file itself, and a run still marked running. `os._exit` ends it as abruptly: no checkpoint.
KILLED_CRAWL = """
import os, sys
from newsarchive.storage import Archive
from tests.helpers import story
archive = Archive.open(sys.argv[1])
archive.runs.begin(["https://news.example.org/tag/peru/"], {})
archive.write.store(1, [story(n) for n in range(1, 41)], pages=2)
os._exit(0)
"""


def test_browse_after_a_crawl_killed_shows_what_it_committed(tmp_path: Path) -> None:
    db = tmp_path / "killed.sqlite"
    done = subprocess.run(
        [sys.executable, "-c", KILLED_CRAWL, str(db)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert db.with_name("killed.sqlite-wal").stat().st_size > 0
    with browsing(db) as base:
        stories = get_json(f"{base}/killed/stories.json?_shape=objects&_size=max")["rows"]
        runs = get_json(f"{base}/killed/crawl_runs.json?_shape=objects")["rows"]
    assert len(stories) == 40
    assert [(run["status"], run["pages"]) for run in runs] == [("running", 2)]
