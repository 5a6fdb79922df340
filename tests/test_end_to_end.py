"""The whole path in real processes: loopback site -> `newsarchive crawl` -> archive -> export."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from newsarchive.cli.examples import DEMO_STORY
from tests.helpers import FAST, FIXTURES, ROOT, rows, run_cli


def test_wordpress_tag_archive_crawl_rerun_and_export(serve, db: str, cli) -> None:
    base = serve(FIXTURES / "wordpress_tag")
    truth = json.loads((FIXTURES / "wordpress_tag" / "truth.json").read_text(encoding="utf-8"))

    first = run_cli("crawl", f"{base}/tag/mining/", "--db", db, *FAST)
    assert first.returncode == 0, first.stderr
    assert first.stdout == first.stderr == ""  # not a terminal: silent, like cron wants

    stories = dict(rows(db, "SELECT url, headline FROM stories"))
    assert stories == {base + t["url"]: t["headline"] for t in truth}
    sightings = rows(
        db,
        "SELECT s.url, g.page_number, g.position FROM sightings g JOIN stories s"
        " ON s.id = g.story_id",
    )
    assert sorted(sightings) == sorted((base + t["url"], t["page"], t["position"]) for t in truth)
    run = rows(db, "SELECT status, pages, stories_new FROM crawl_runs")
    assert run == [("finished", 5, 50)]  # pagination stopped after page 5, the last

    # --full: walk every page again (a rerun is incremental by default and stops early).
    second = run_cli("crawl", f"{base}/tag/mining/", "--db", db, "--full", *FAST)
    assert second.returncode == 0, second.stderr
    assert rows(db, "SELECT count(*) FROM stories") == [(50,)]
    assert rows(db, "SELECT stories_new, stories_existing FROM crawl_runs ORDER BY id") == [
        (50, 0),
        (0, 50),
    ]

    exported = cli("export", "--db", db, "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    records = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(records) == 50
    assert {record["tags"] for record in records} == {"Mining"}
    assert exported.stdout.startswith("url,headline,teaser,published_at,author,image_url,site,tags")


def test_demo_crawls_the_sample_site_twice_and_starts_afresh(tmp_path: Path, cli) -> None:
    result = run_cli("demo", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "34 new stories, 0 already archived" in result.stdout
    assert "3 new stories, 34 already archived" in result.stdout
    db = tmp_path / "demo.sqlite"
    assert f"newsarchive runs --db {db}" in result.stdout  # what to try next, on this archive
    lines = (tmp_path / "demo.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len({r["url"] for r in records}) == 37
    assert all(r["published_at"] for r in records)
    assert sum(1 for r in records if r["tags"] == ["Bolivia", "Peru"]) == 4
    history = cli("history", DEMO_STORY, "--db", db, "--json")
    found = json.loads(history.stdout)
    assert [v["headline"] for v in found["versions"]] == [
        "Peruvian Congress Passes NGO Law In Late-Night Session"
    ]
    assert [s["run_id"] for s in found["sightings"]] == [1, 2]
    dropped = cli(
        "history",
        "http://dispatch.example/2024/07/tambo-valley-growers-call-for-mining-referendum/",
        "--db",
        db,
    )
    assert "off page 1 by" in dropped.stdout and "page 2 #" in dropped.stdout
    warc = next((tmp_path / "demo-warc").iterdir())
    (tmp_path / "demo.sqlite.lock").touch()
    rerun = run_cli("demo", "--data-dir", str(tmp_path))  # starts afresh: still 37, once each
    assert rerun.returncode == 0, rerun.stderr
    assert len((tmp_path / "demo.jsonl").read_text(encoding="utf-8").splitlines()) == 37
    assert not warc.exists() and len(list((tmp_path / "demo-warc").iterdir())) == 2


def test_scrapy_crawl_works_from_the_repository_root(serve, db: str) -> None:
    base = serve(FIXTURES / "wordpress_tag")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "tag", "-a", f"url={base}/tag/mining/",
         "-s", f"NEWSARCHIVE_DB={db}", *FAST],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert rows(db, "SELECT count(*) FROM stories") == [(50,)]
