"""kill -9 at the worst moments: the archive stays whole, and the next run completes it.

The crawl runs in a real process against a loopback server; a story page holds 5 stories and a
batch is 5 stories, so every page is one transaction. The crash points are found without sleeps:
the server tells when a page is half sent, and tests/crawlproc.py tells when a batch's rows are
written but not committed, or when its commit starts.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.crawlproc import MARKER
from tests.faultserver import FaultServer, page, stall
from tests.helpers import FAST, ROOT, run_cli
from tests.sites import chain_pages

TAG = "/tag/mineria/"
PAGES = 6
PER_PAGE = 5
ALL = PAGES * PER_PAGE
BATCHES = ["-s", "NEWSARCHIVE_BATCH_SIZE=5", "-s", "NEWSARCHIVE_BATCH_SECONDS=3600"]


def serve(faults: FaultServer, stalled: threading.Event | None = None) -> str:
    """Six pages of five stories; with `stalled`, page 3 first stops halfway (once)."""
    pages = chain_pages(TAG, "Minería", [[f"p{n}-s{i}" for i in range(PER_PAGE)] for n in range(1, PAGES + 1)])  # fmt: skip
    for number, (path, html) in enumerate(pages.items(), start=1):
        if number == 3 and stalled is not None:
            faults.route(path, stall(html.encode()[:300], stalled), page(html))
        else:
            faults.route(path, page(html))
    return faults.base + TAG


def launch(url: str, db: Path, crash_point: str | None = None) -> subprocess.Popen:
    hook = ["--pause-at", crash_point] if crash_point else []
    command = [sys.executable, "-m", "tests.crawlproc", "cli", *hook, "--",
               "crawl", url, "--db", str(db), *FAST, *BATCHES]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_marker(process: subprocess.Popen, timeout: float = 30) -> None:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "the crawl never reached its crash point"
    assert process.stdout.readline().strip() == MARKER


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    process.stdout.close()
    process.stderr.close()


def assert_whole(db: Path) -> int:
    """The checks a crash must never break; returns how many stories survived."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stories = conn.execute("SELECT count(*) FROM stories").fetchone()[0]
        unsighted = "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM sightings)"
        assert conn.execute(unsighted).fetchone()[0] == 0
        untagged = "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM story_tags)"
        assert conn.execute(untagged).fetchone()[0] == 0
        # A run's counters are updated in its batch's transaction: all of it or none of it.
        for run_id, new in conn.execute("SELECT id, stories_new FROM crawl_runs"):
            first = "SELECT count(*) FROM stories WHERE first_run_id = ?"
            assert conn.execute(first, (run_id,)).fetchone()[0] == new
    checked = run_cli("db", "check", "--db", str(db))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return stories


def runs(db: Path) -> list[tuple[str, int, int]]:
    with sqlite3.connect(db) as conn:
        query = "SELECT status, pages, stories_new FROM crawl_runs ORDER BY id"
        return conn.execute(query).fetchall()


def crash(faults: FaultServer, db: Path, point: str) -> str:
    """Start a crawl and kill -9 it at `point`; returns the start URL."""
    if point == "mid-page":
        stalled = threading.Event()
        url = serve(faults, stalled)
        process = launch(url, db)
        assert stalled.wait(30), "the crawl never reached page 3"
    else:
        url = serve(faults)
        process = launch(url, db, point)
        wait_for_marker(process)
    kill(process)
    return url


@pytest.mark.parametrize("point", ["mid-page", "sightings:3", "commit:3"])
@pytest.mark.parametrize("follow_up", ["resume", "plain"])
def test_kill_9_loses_nothing_and_the_next_run_completes(
    faults: FaultServer, tmp_path: Path, point: str, follow_up: str
) -> None:
    db = tmp_path / "archive.sqlite"
    url = crash(faults, db, point)

    survived = assert_whole(db)
    # Whole batches only. Batches are committed on the writer thread while the crawl goes on,
    # so a kill mid-page may come before the last batches handed to it were committed.
    if point == "mid-page":
        assert survived in (0, 5, 10)
    else:
        assert survived in ((10, 15) if point.startswith("commit") else (10,))
    # The killed run shows the pages whose stories it stored: counted with each batch.
    assert runs(db)[0] == ("running", survived // PER_PAGE, survived)
    report = run_cli("db", "check", "--db", str(db)).stdout
    assert "runs left running by a crawl that died: 1" in report

    extra = ["--resume"] if follow_up == "resume" else []
    result = run_cli("crawl", url, "--db", str(db), *extra, *FAST, *BATCHES)
    assert result.returncode == 0, result.stderr
    assert assert_whole(db) == ALL
    (killed, _, new_before), (status, pages, new_after) = runs(db)
    assert (killed, status) == ("interrupted", "finished")
    assert new_before + new_after == ALL  # every story stored once, counted new once
    if follow_up == "resume":
        # Resumes at the last page with stored stories, re-fetched in case it was cut short, or
        # one page earlier when the kill fell between a commit and the checkpoint that follows.
        refetched = 1 if survived else 0  # nothing stored: no checkpoint, a crawl from page 1
        assert PAGES - survived // PER_PAGE + refetched <= pages <= PAGES
    else:
        assert pages == PAGES
    assert not (tmp_path / "jobs").exists() or not any((tmp_path / "jobs").iterdir())


def test_sigterm_stops_cleanly_and_resume_finishes(faults: FaultServer, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    stalled = threading.Event()
    url = serve(faults, stalled)
    process = launch(url, db)
    assert stalled.wait(30)
    process.send_signal(signal.SIGTERM)
    faults.released.set()  # let the half-sent page finish; the crawl stops before page 4
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == (
        "newsarchive: error: crawl interrupted; run the same command with --resume to continue "
        "where it stopped"
    )
    assert runs(db)[0][0] == "interrupted"  # closed by the crawl itself, not by the next one
    stored = assert_whole(db)

    result = run_cli("crawl", url, "--db", str(db), "--resume", *FAST, *BATCHES)
    assert result.returncode == 0, result.stderr
    assert assert_whole(db) == ALL
    assert runs(db)[1][1] == PAGES - stored // PER_PAGE + 1


def test_resume_without_a_checkpoint_crawls_from_the_start(
    faults: FaultServer, tmp_path: Path
) -> None:
    db = tmp_path / "archive.sqlite"
    result = run_cli("crawl", serve(faults), "--db", str(db), "--resume", *FAST)
    assert result.returncode == 0, result.stderr
    assert runs(db) == [("finished", PAGES, ALL)]


def test_a_batch_that_cannot_be_written_stops_the_crawl_as_failed(faults, tmp_path) -> None:
    db = tmp_path / "archive.sqlite"
    process = launch(serve(faults), db, "fail:2")
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 5
    assert "cannot store stories" in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("newsarchive: error: the crawl stopped")
    with sqlite3.connect(db) as conn:
        status, new = conn.execute("SELECT status, stories_new FROM crawl_runs").fetchone()
    assert (status, new) == ("failed", PER_PAGE)  # the first batch stayed; the second rolled back
    assert assert_whole(db) == PER_PAGE
