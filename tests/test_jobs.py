"""`newsarchive crawl --jobs N`: one crawl over several processes into one archive."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from scrapy.settings import Settings

from newsarchive.crawl.jobs import shared_politeness, split
from tests.helpers import FAST, run_cli
from tests.sites import write_chain


def test_split_keeps_each_site_in_one_process() -> None:
    urls = ["https://a.org/tag/1/", "https://b.org/tag/1/", "https://a.org/tag/2/"]
    parts, share = split(urls, 2)
    assert share == 1
    assert sorted(map(sorted, parts)) == [
        ["https://a.org/tag/1/", "https://a.org/tag/2/"],
        ["https://b.org/tag/1/"],
    ]


def test_one_site_over_two_processes_shares_its_politeness() -> None:
    urls = [f"https://a.org/tag/{n}/" for n in range(5)]
    parts, share = split(urls, 2)
    assert share == 2 and sorted(url for part in parts for url in part) == sorted(urls)
    assert len(parts) == 2
    polite = Settings({"CONCURRENT_REQUESTS_PER_DOMAIN": 2, "DOWNLOAD_DELAY": 1.0})
    assert shared_politeness(polite, share) == {
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 2.0,
    }
    assert shared_politeness(polite, 1) == {}


def stored(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT s.url, t.name FROM stories s JOIN story_tags st ON st.story_id = s.id"
            " JOIN tags t ON t.id = st.tag_id ORDER BY s.url"
        ).fetchall()


def test_two_sites_two_processes_one_archive(tmp_path: Path, serve) -> None:
    site = tmp_path / "site"
    for tag in ("uno", "dos"):
        write_chain(site, f"/tag/{tag}/", tag.title(), [[f"{tag}-{p}-{n}" for n in range(4)] for p in range(3)])  # fmt: skip
    base = serve(site)
    other = base.replace("127.0.0.1", "localhost")  # the same server under a second host name
    db = tmp_path / "archive.sqlite"
    result = run_cli(
        "crawl", f"{base}/tag/uno/", f"{other}/tag/dos/", "--db", str(db), "--jobs", "2", *FAST
    )
    assert result.returncode == 0, result.stderr
    rows = stored(db)
    assert len(rows) == len({url for url, _ in rows}) == 24
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT status, pages, start_urls FROM crawl_runs").fetchall()
    assert sorted((status, pages) for status, pages, _ in runs) == [("finished", 3)] * 2
    assert sorted(len(json.loads(urls)) for *_, urls in runs) == [1, 1]


def test_one_site_split_over_processes_with_divided_politeness(tmp_path: Path, serve) -> None:
    site = tmp_path / "site"
    tags = [f"t{n}" for n in range(4)]
    for tag in tags:
        write_chain(site, f"/tag/{tag}/", tag, [[f"{tag}-{p}-{n}" for n in range(3)] for p in range(2)])  # fmt: skip
    base = serve(site)
    db = tmp_path / "archive.sqlite"
    urls = [f"{base}/tag/{tag}/" for tag in tags]
    result = run_cli("crawl", *urls, "--db", str(db), "--jobs", "2", *FAST)
    assert result.returncode == 0, result.stderr
    assert len(stored(db)) == 24
    with sqlite3.connect(db) as conn:
        settings = [json.loads(s) for (s,) in conn.execute("SELECT settings FROM crawl_runs")]
    assert [int(s["CONCURRENT_REQUESTS_PER_DOMAIN"]) for s in settings] == [8, 8]  # 16 / 2


def test_jobs_must_be_at_least_one() -> None:
    result = run_cli("crawl", "https://example.org/tag/x/", "--jobs", "0")
    assert result.returncode == 2 and "--jobs must be at least 1" in result.stderr
