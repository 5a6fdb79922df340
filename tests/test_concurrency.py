"""Two crawls on one archive, and readers during a crawl.

A second crawl of the same archive refuses at once (exit 7) while the first holds the lock;
crawls of different archives run side by side; exports and checks never wait for the lock and
read one committed state while a crawl keeps writing.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

from newsarchive.cli.errors import CLIError
from newsarchive.storage import Archive
from tests.faultserver import FaultServer, page, slow, stall
from tests.helpers import FAST, ROOT, run_cli
from tests.sites import chain_pages

TAG = "/tag/litio/"
BATCHES = ["-s", "NEWSARCHIVE_BATCH_SIZE=5", "-s", "NEWSARCHIVE_BATCH_SECONDS=3600"]


def serve(faults: FaultServer, pages: int, delay: float = 0.0) -> dict[str, str]:
    html = chain_pages(TAG, "Litio", [[f"p{n}-s{i}" for i in range(5)] for n in range(1, pages + 1)])  # fmt: skip
    for path, body in html.items():
        faults.route(path, slow(page(body), delay))
    return html


def crawl_process(url: str, db: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "newsarchive", "crawl", url, "--db", str(db), *FAST, *BATCHES]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def count(db: Path) -> int:
    # Read-only: a plain connect would create an empty file, which the crawl refuses to open.
    try:
        with closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT count(*) FROM stories").fetchone()[0]
    except sqlite3.OperationalError:
        return 0  # the crawl has not created the archive yet


def wait_until(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def scrapy_crawl(url: str, db: Path) -> list[str]:
    """`scrapy crawl tag` as a Scrapy user runs it from the project directory."""
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    settings = [*FAST, "-s", f"NEWSARCHIVE_DB={db}", "-s", "LOG_LEVEL=ERROR"]
    return [scrapy, "crawl", "tag", "-a", f"url={url}", *settings]


def test_scrapy_crawl_holds_the_archive_lock(faults: FaultServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    html = serve(faults, 3)
    stalled = threading.Event()
    faults.route(TAG + "page/3/", stall(b"<html>", stalled), page(html[TAG + "page/3/"]))
    first = subprocess.Popen(
        scrapy_crawl(faults.base + TAG, db), cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert stalled.wait(30)
        second = subprocess.run(
            scrapy_crawl(faults.base + TAG, db), cwd=ROOT, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
        assert second.returncode == CLIError.LOCKED
        assert f"newsarchive: error: another crawl is writing to {db} (pid {first.pid} " in (
            second.stderr
        )
        third = run_cli("crawl", faults.base + TAG, "--db", str(db), *FAST)
        assert third.returncode == CLIError.LOCKED
        (line,) = third.stderr.strip().splitlines()
        assert line.startswith(f"newsarchive: error: another crawl is writing to {db} (pid ")
    finally:
        faults.released.set()
    assert first.wait(60) == 0, first.stderr
    with sqlite3.connect(db) as conn:
        # One run, partial (page 3 was cut off while the test held it): the refused crawls
        # never began one.
        assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [("partial",)]


def test_second_crawl_of_one_archive_refuses_at_once(faults: FaultServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    html = serve(faults, 3)
    stalled = threading.Event()
    faults.route(TAG + "page/3/", stall(b"<html>", stalled), page(html[TAG + "page/3/"]))
    first = crawl_process(faults.base + TAG, db)
    try:
        assert stalled.wait(30)
        started = time.monotonic()
        second = run_cli("crawl", faults.base + TAG, "--db", str(db), *FAST)
        assert time.monotonic() - started < 10  # refuses, does not wait
        assert second.returncode == CLIError.LOCKED
        (line,) = second.stderr.strip().splitlines()
        assert line.startswith(f"newsarchive: error: another crawl is writing to {db} (pid ")
        assert f"pid {first.pid} " in line
        # Another archive is another lock; readers take none.
        other = run_cli("crawl", faults.base + TAG, "--db", str(tmp_path / "other.sqlite"), *FAST)
        assert other.returncode == 0, other.stderr
        assert run_cli("export", "--db", str(db), "--format", "jsonl").returncode == 0
        checked = run_cli("db", "check", "--db", str(db))
        assert checked.returncode == 0
        assert "runs left running by a crawl that died: 0" in checked.stdout  # it is alive
    finally:
        faults.released.set()
        first.communicate(timeout=30)
    with sqlite3.connect(db) as conn:
        # Partial: page 3 was cut off while the test held it (the next crawl fetches it again).
        assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [("partial",)]


def test_export_reads_one_snapshot_while_a_crawl_writes(
    faults: FaultServer, tmp_path: Path
) -> None:
    db = tmp_path / "archive.sqlite"
    serve(faults, 40, delay=0.05)
    crawl = crawl_process(faults.base + TAG, db)
    try:
        wait_until(lambda: count(db) >= 10)
        with Archive.open(str(db), create=False) as archive:
            rows = archive.read.iter_stories(batch_size=5)  # streamed: the read stays open
            exported = [next(rows)]
            at_start = count(db)
            wait_until(lambda: count(db) >= at_start + 10)  # the crawl commits meanwhile
            exported += list(rows)
        # One committed state: whole batches of 5, each story with its tag, none from later.
        assert len(exported) % 5 == 0
        assert len(exported) <= at_start < count(db)
        assert all(record["tags"] == ["Litio"] for record in exported)
        # The CLI export, in its own process, during the crawl.
        cli = run_cli("export", "--db", str(db), "--format", "jsonl")
        assert cli.returncode == 0, cli.stderr
        lines = [json.loads(line) for line in cli.stdout.splitlines()]
        assert len(lines) % 5 == 0 and len({line["url"] for line in lines}) == len(lines)
    finally:
        crawl.communicate(timeout=60)
    assert crawl.returncode == 0
    assert count(db) == 200
