"""Damaged, empty, foreign and read-only archive files: one line, a documented status, no write.

Every command that reads an archive runs in this process (`main(argv)`) on a real SQLite file:
one with random bytes written over it at random places (hypothesis), an empty one, a file that
is no database, another program's database, archives whose schema version table is empty,
garbage or doubled, and an archive on a read-only mount. Each answers with exit status 0 or a
documented status and at most one line on stderr, never a traceback, and leaves the file's
bytes as they were.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.cli.errors import CLIError
from newsarchive.status import RunStatus
from newsarchive.storage import Archive
from tests.helpers import ROOT, needs_mount, rows, stored, story

# What a damaged file may answer: success (the damage missed what the command reads), "not in
# the archive" (history: a damaged URL), the database cannot be used, db check's finding, or
# the file is no readable archive.
DOCUMENTED = {0, CLIError.USAGE, CLIError.DATABASE, CLIError.CHECK_FAILED, CLIError.BAD_ARCHIVE}
URL = story(7).url


def read_commands(db: Path, out: Path) -> list[list[str]]:
    """Every command that only reads the archive, each writing what it writes under `out`."""
    on = ["--db", str(db)]
    return [
        ["runs", *on],
        ["runs", "--json", *on],
        ["history", URL, *on],
        ["history", URL, "--json", *on],
        ["search", "headline", *on],
        ["export", "--format", "jsonl", *on],
        ["export", "--format", "csv", "-o", str(out / "stories.csv"), *on],
        ["export", "--bundle", str(out / "bundle"), *on],
        ["report", "-o", str(out / "report.html"), *on],
        ["db", "check", *on],
    ]


def write_commands(db: Path) -> list[list[str]]:
    """Commands that would write to the archive; a bad file stops them before they do."""
    on = ["--db", str(db)]
    # The crawl opens the archive before it requests anything; nothing listens on port 9.
    return [["crawl", "http://127.0.0.1:9/tag/x/", *on], ["db", "upgrade", *on], ["reparse", *on]]


def build(db: Path) -> None:
    """Two runs, tags, an edited headline (a version), sightings with WARC references."""
    with Archive.open(str(db)) as archive:
        stored(archive, [story(n, tag="Perú" if n % 2 else "Bolivia") for n in range(1, 121)])
        run = archive.runs.begin(["https://news.example.org/tag/peru/"], {"DOWNLOAD_DELAY": 1})
        changed = [story(n, headline=f"Headline {n} (updated)", fetched_at="2024-08-02T12:00:00+00:00") for n in range(1, 40)]  # fmt: skip
        archive.write.store(run, changed, pages=2)
        archive.runs.finish(run, RunStatus.FINISHED, pages=2, errors=0)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every byte in the file itself


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A healthy archive file, to copy and damage."""
    db = tmp_path_factory.mktemp("pristine") / "archive.sqlite"
    build(db)
    return db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_answers_cleanly(cli: Callable, command: list[str], allowed: set[int]) -> str:
    """Run `command`; it must exit with an allowed status and at most one line on stderr."""
    result = cli(*command)
    assert result.returncode in allowed, (command, result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) <= 1, (command, result.stderr)
    if result.returncode:
        assert lines and lines[0].startswith("newsarchive: error: "), (command, result.stderr)
    return result.stderr.strip()


def assert_nothing_half_written(out: Path) -> None:
    assert not [path.name for path in out.iterdir() if path.name.endswith(".partial")]


# -- random bytes -------------------------------------------------------------------------------

scribbles = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=64)),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scribbles)
def test_random_bytes_over_an_archive_never_give_a_traceback(
    pristine: Path, tmp_path: Path, cli, scribbles: list[tuple[float, bytes]]
) -> None:
    data = bytearray(pristine.read_bytes())
    for where, junk in scribbles:
        start = int(where * len(data))
        data[start : start + len(junk)] = junk[: len(data) - start]
    db, out = tmp_path / "damaged.sqlite", tmp_path / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    for leftover in tmp_path.glob("damaged.sqlite*"):
        leftover.unlink()
    db.write_bytes(bytes(data))
    for command in read_commands(db, out):
        assert_answers_cleanly(cli, command, DOCUMENTED)
    assert db.read_bytes() == data
    assert_nothing_half_written(out)


def test_db_check_finds_values_scribbled_over_inside_intact_pages(
    pristine: Path, db_path: Path, cli
) -> None:
    """Bytes that break a headline's UTF-8 and a date-time leave every page intact: the
    integrity check passes them, `db check` still reports them, and an export says so."""
    data = bytearray(pristine.read_bytes())
    for needle, junk in ((b"Headline 77", b"\xff\xfe"), (b"Teaser 78", b"\xc3")):
        at = data.index(needle)
        data[at : at + len(junk)] = junk
    db_path.write_bytes(bytes(data))
    checked = cli("db", "check", "--db", db_path)
    assert checked.returncode == CLIError.CHECK_FAILED
    assert "integrity check errors: 0" in checked.stdout
    assert "unreadable values: 2 (first in stories.headline)" in checked.stdout
    exported = cli("export", "--format", "jsonl", "--db", db_path)
    assert exported.returncode == CLIError.BAD_ARCHIVE
    assert exported.stderr.strip() == (
        f"newsarchive: error: the archive at {db_path} is damaged or not an archive: "
        "column headline holds bytes that are not UTF-8 text"
    )
    assert db_path.read_bytes() == data


# -- files that are no archive ------------------------------------------------------------------


def no_database(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)  # a ZIP file, say


def another_programs_database(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org/')")


def a_database_without_tables(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 1")  # writes the header, creates no table


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (Path.touch, "{db} is an empty file, not an archive (remove it to start a new one)"),
        (no_database, "{db} is not a SQLite database, so not an archive"),
        (
            another_programs_database,
            "{db} is a SQLite database of another program (tables moz_places), not an archive",
        ),
        (a_database_without_tables, "{db} holds no archive"),
    ],
    ids=["empty", "not-sqlite", "foreign", "no-tables"],
)
def test_a_file_that_is_no_archive_is_named_and_left_alone(
    db_path: Path, tmp_path: Path, cli, make: Callable[[Path], None], message: str
) -> None:
    make(db_path)
    before, out = digest(db_path), tmp_path / "out"
    out.mkdir()
    writers = [] if make is a_database_without_tables else write_commands(db_path)
    for command in read_commands(db_path, out) + writers:
        error = assert_answers_cleanly(cli, command, {CLIError.BAD_ARCHIVE})
        assert error == "newsarchive: error: " + message.format(db=db_path), command
    assert digest(db_path) == before
    # Nothing beside it but the lock file `db upgrade` and `reparse` take before they open it.
    assert {path.name for path in tmp_path.iterdir()} <= {
        "archive.sqlite",
        "archive.sqlite.lock",
        "out",
    }
    assert not list(out.iterdir())


# Opens (creates) the archive the moment the parent says so, as crawls started at once would.
CREATOR = """
import sys
from newsarchive.storage import Archive
sys.stdin.read()
Archive.open(sys.argv[1]).close()
"""


def test_a_new_archive_appears_whole_even_when_processes_create_it_at_once(
    db_path: Path, cli
) -> None:
    """No process ever finds the new file empty (which every command refuses as a lost one)."""
    creators = [
        subprocess.Popen(
            [sys.executable, "-c", CREATOR, str(db_path)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for creator in creators:  # all ready: let them go together
        creator.stdin.close()
    for creator in creators:
        assert creator.wait(60) == 0, creator.stderr.read()
    assert sorted(path.name for path in db_path.parent.iterdir()) == ["archive.sqlite"]
    assert cli("db", "check", "--db", db_path).returncode == 0


@pytest.mark.parametrize(
    ("versions", "problem"),
    [
        ([], "its schema version table (alembic_version) is empty"),
        (["0003", "0003"], "its schema version table (alembic_version) holds 2 versions"),
        (["x9\x00'"], "its schema version table (alembic_version) holds no revision id"),
        (["0000"], "its schema version 0000 was never a newsarchive schema"),
    ],
    ids=["empty", "doubled", "garbage", "unknown"],
)
def test_a_damaged_schema_version_is_refused_by_every_command(
    db_path: Path, tmp_path: Path, cli, versions: list[str], problem: str
) -> None:
    Archive.open(str(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM alembic_version")
        # No primary key in the way of a doubled row: the table as another tool might leave it.
        conn.execute("ALTER TABLE alembic_version RENAME TO old_version")
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("DROP TABLE old_version")
        conn.executemany("INSERT INTO alembic_version VALUES (?)", [(v,) for v in versions])
    before, out = digest(db_path), tmp_path / "out"
    out.mkdir()
    for command in read_commands(db_path, out) + write_commands(db_path):
        error = assert_answers_cleanly(cli, command, {CLIError.BAD_ARCHIVE})
        assert error == f"newsarchive: error: the archive at {db_path} is damaged: {problem}"
    assert digest(db_path) == before
    assert rows(db_path, "SELECT count(*) FROM stories") == [(0,)]  # opened read-only
    assert not list(out.iterdir())


def test_a_newer_schema_is_still_a_newer_schema(db_path: Path, cli) -> None:
    Archive.open(str(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9001'")
    result = cli("runs", "--db", db_path)
    assert result.returncode == CLIError.SCHEMA
    assert "has schema 9001, newer than this newsarchive" in result.stderr


def test_reading_an_empty_postgresql_database_creates_nothing(postgres_db: str, cli) -> None:
    for command in (["runs"], ["export", "--format", "jsonl"], ["db", "check"]):
        result = cli(*command, "--db", postgres_db)
        assert result.returncode == CLIError.BAD_ARCHIVE, result.stderr
        assert result.stderr.strip().endswith("holds no archive")
    tables = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
    assert rows(postgres_db, tables) == [(0,)]


def test_commands_that_read_a_postgresql_archive_cannot_write(postgres_db: str, cli) -> None:
    with Archive.open(postgres_db) as archive:
        stored(archive, [story(1)])
    with Archive.open(postgres_db, read_only=True) as archive, archive.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
    assert cli("export", "--format", "jsonl", "--db", postgres_db).returncode == 0


# -- a read-only mount --------------------------------------------------------------------------

# Runs each command in one process inside the namespace, then browses the archive there.
READ_ONLY_RUNNER = """
import contextlib, io, json, sys, urllib.request
from pathlib import Path
from newsarchive.cli import main
from tests.browsing import browsing
results = []
for command in json.loads(sys.argv[1]):
    err = io.StringIO()
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        status = main(command)
    results.append([status, err.getvalue()])
with browsing(Path(sys.argv[2])) as base:
    with urllib.request.urlopen(base + "/archive/stories.json?_shape=objects&_size=max") as page:
        browsed = len(json.load(page)["rows"])
print(json.dumps({"results": results, "browsed": browsed}))
"""


@needs_mount
def test_an_archive_on_a_read_only_mount_can_be_read_and_is_not_written(
    pristine: Path, tmp_path: Path
) -> None:
    folder, out = tmp_path / "mounted", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    db = folder / "archive.sqlite"
    shutil.copy(pristine, db)
    before = digest(db)
    readers, writers = read_commands(db, out), write_commands(db)
    script = (
        f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" || exit 99; '
        'exec "$@"'
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", sys.executable, "-c", READ_ONLY_RUNNER,
         json.dumps(readers + writers), str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    results = found["results"]
    assert found["browsed"] == 120
    for command, (status, stderr) in zip(readers, results, strict=False):
        assert (status, stderr) == (0, ""), command
    for command, (status, stderr) in zip(writers, results[len(readers) :], strict=True):
        assert status == CLIError.DATABASE, (command, stderr)
        (line,) = stderr.strip().splitlines()
        assert line.startswith("newsarchive: error: ") and "read-only" in line.lower(), command
    assert digest(db) == before
    assert sorted(path.name for path in folder.iterdir()) == ["archive.sqlite"]
    assert sorted(path.name for path in out.iterdir()) == ["bundle", "report.html", "stories.csv"]
