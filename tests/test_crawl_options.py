"""Crawl options for cron: --full, --stop-after, WARC placement, --log-file, exit codes."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.helpers import FAST, run_cli
from tests.sites import write_chain


def slugs(prefix: str, count: int) -> list[str]:
    # Headlines of a headline's length ("A Story Of The Day 1"): a page of shorter ones reads
    # as misread (low confidence) and the crawl would warn about it.
    return [f"{prefix}-story-of-the-day-{n}" for n in range(1, count + 1)]


def walks(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT run_id, mode, pages, end_reason FROM listing_walks").fetchall()


def five_pages(site: Path) -> None:
    write_chain(site, "/tag/long/", "Long", [slugs(f"p{n}", 4) for n in range(1, 6)])


def test_second_run_with_nothing_new_stops_after_k_pages(tmp_path: Path, serve) -> None:
    five_pages(tmp_path / "site")
    url, db = serve(tmp_path / "site") + "/tag/long/", tmp_path / "a.sqlite"
    for extra in (
        [],
        [],
        ["--stop-after", "1"],
        ["--full"],
        ["--stop-after", "3", "--max-pages", "2"],
    ):
        result = run_cli("crawl", url, "--db", str(db), *extra, *FAST)
        assert result.returncode == 0, result.stderr
    assert walks(db) == [
        (1, "full", 5, "last_page"),
        (2, "incremental", 2, "known_stories"),
        (3, "incremental", 1, "known_stories"),
        (4, "full", 5, "last_page"),
        (5, "incremental", 2, "max_pages"),
    ]


def test_a_walk_cut_short_by_an_error_goes_on_from_the_failed_page_next_time(
    tmp_path: Path, serve
) -> None:
    site = tmp_path / "site"
    five_pages(site)
    shutil.rmtree(site / "tag/long/page/3")  # 404: the first walk ends at page 2
    url, db = serve(site) + "/tag/long/", tmp_path / "a.sqlite"
    run_cli("crawl", url, "--db", str(db), *FAST)
    five_pages(site)
    result = run_cli("crawl", url, "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    # From page 1 until known stories, then on from the page that failed, to the end.
    assert walks(db) == [
        (1, "full", 2, "error"), (2, "incremental", 2, "known_stories"), (2, "resume", 3, "last_page"),
    ]  # fmt: skip


def test_warc_dir_and_no_warc(tmp_path: Path, serve) -> None:
    write_chain(tmp_path / "site", "/tag/one/", "One", [slugs("o", 2)])
    url, db = serve(tmp_path / "site") + "/tag/one/", tmp_path / "a.sqlite"
    elsewhere = tmp_path / "warcs"
    assert (
        run_cli("crawl", url, "--db", str(db), "--warc-dir", str(elsewhere), *FAST).returncode == 0
    )
    assert len(list(elsewhere.glob("newsarchive-*-run1.warc.gz"))) == 1
    assert run_cli("crawl", url, "--db", str(db), "--no-warc", *FAST).returncode == 0
    assert not (tmp_path / "warc").exists()
    with sqlite3.connect(db) as conn:
        offsets = conn.execute("SELECT run_id, warc_offset IS NULL FROM sightings").fetchall()
    assert sorted(set(offsets)) == [(1, 0), (2, 1)]


def test_log_file_gets_the_log_and_stderr_stays_quiet(tmp_path: Path, serve) -> None:
    write_chain(tmp_path / "site", "/tag/one/", "One", [slugs("o", 2)])
    url, db, log = serve(tmp_path / "site") + "/tag/one/", tmp_path / "a.sqlite", tmp_path / "c.log"
    for _ in range(2):
        result = run_cli("crawl", url, "--db", str(db), "--quiet", "--log-file", str(log), *FAST)
        assert result.returncode == 0
        assert (result.stdout, result.stderr) == ("", "")
    text = log.read_text(encoding="utf-8")
    assert "run 1 finished: 1 page(s), 2 new stories" in text
    assert "run 2 finished: 1 page(s), 0 new stories, 2 already archived" in text


def test_far_fewer_stories_per_page_than_last_run_exits_9(tmp_path: Path, serve) -> None:
    site = tmp_path / "site"
    write_chain(site, "/tag/news/", "News", [slugs("a", 10), slugs("b", 10)])
    url, db = serve(site) + "/tag/news/", tmp_path / "a.sqlite"
    assert run_cli("crawl", url, "--db", str(db), *FAST).returncode == 0
    # A redesign: the extractor now finds only the two stories of a "featured" box.
    write_chain(site, "/tag/news/", "News", [slugs("c", 2), slugs("d", 2)])
    result = run_cli("crawl", url, "--db", str(db), "--full", *FAST)
    assert result.returncode == 9
    assert result.stderr.count("\n") == 1
    assert "far fewer stories than before on" in result.stderr
    assert "2.0 per page, 10.0 in run 1" in result.stderr
    with sqlite3.connect(db) as conn:
        statuses = conn.execute("SELECT status FROM crawl_runs ORDER BY id").fetchall()
        assert statuses == [("finished",), ("fewer_stories",)]
        assert conn.execute("SELECT count(*) FROM stories").fetchone() == (24,)


def test_zero_stories_exits_4(tmp_path: Path, serve) -> None:
    write_chain(tmp_path / "site", "/tag/empty/", "Empty", [[]])
    url = serve(tmp_path / "site") + "/tag/empty/"
    result = run_cli("crawl", url, "--db", str(tmp_path / "a.sqlite"), *FAST)
    assert result.returncode == 4
    assert "no stories found" in result.stderr


def test_bad_stop_after_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(
        "crawl", "http://127.0.0.1:9/", "--stop-after", "0", "--db", str(tmp_path / "a")
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "newsarchive: error: --stop-after must be at least 1"
