"""Crawls in a real process against a real loopback server: pagination and its bounds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import FAST, ROOT, rows, run_cli
from tests.sites import write_chain


def stored(db: str) -> set[str]:
    return {url for (url,) in rows(db, "SELECT url FROM stories")}


def pages_fetched(db: str) -> list[int]:
    return [pages for (pages,) in rows(db, "SELECT pages FROM crawl_runs ORDER BY id")]


def slugs(prefix: str, count: int) -> list[str]:
    return [f"{prefix}-story-{n}" for n in range(1, count + 1)]


def test_pagination_loop_ends_the_chain(tmp_path: Path, serve, db: str) -> None:
    site = tmp_path / "site"
    # Page 3 links back to page 2 under another URL: same stories, so the chain stops there.
    write_chain(site, "/tag/loop/", "Loop", [slugs("a", 3), slugs("b", 3), slugs("c", 3)],
                last_next="/tag/loop/page/2/?session=42")  # fmt: skip
    base = serve(site)
    result = run_cli("crawl", f"{base}/tag/loop/", "--db", db, *FAST)
    assert result.returncode == 0, result.stderr
    assert len(stored(db)) == 9
    assert pages_fetched(db) == [4]  # 1, 2, 3 and the looping copy of 2


def test_max_pages_bounds_the_chain(tmp_path: Path, serve, db: str) -> None:
    site = tmp_path / "site"
    write_chain(site, "/tag/long/", "Long", [slugs(f"p{n}", 2) for n in range(1, 7)])
    base = serve(site)
    result = run_cli("crawl", f"{base}/tag/long/", "--db", db, "--max-pages", "3", *FAST)
    assert result.returncode == 0, result.stderr
    assert len(stored(db)) == 6
    assert pages_fetched(db) == [3]


def test_next_link_to_another_host_is_not_followed(tmp_path: Path, serve, db: str) -> None:
    site = tmp_path / "site"
    write_chain(site, "/tag/away/", "Away", [slugs("x", 2)],
                last_next="http://localhost.invalid/tag/away/page/2/")  # fmt: skip
    base = serve(site)
    result = run_cli("crawl", f"{base}/tag/away/", "--db", db, *FAST)
    assert result.returncode == 0, result.stderr
    assert pages_fetched(db) == [1]


def test_same_url_twice_on_command_line_is_fetched_once(tmp_path: Path, serve, db: str) -> None:
    site = tmp_path / "site"
    write_chain(site, "/tag/one/", "One", [slugs("o", 2)])
    base = serve(site)
    result = run_cli("crawl", f"{base}/tag/one/", f"{base}/tag/one/", "--db", db, *FAST)
    assert result.returncode == 0, result.stderr
    assert pages_fetched(db) == [1]


CRAWL_TWICE = """
import json, sys
from newsarchive.crawl.api import crawl
from newsarchive.crawl.options import CrawlOptions
from tests.helpers import FAST_SETTINGS

base, first_db, second_db = sys.argv[1:]
for url, db in ((base + "/tag/one/", first_db), (base + "/tag/two/", second_db)):
    result = crawl(CrawlOptions(urls=(url,), db=db, settings=FAST_SETTINGS))
    print(json.dumps([result.status, result.pages, result.stories_new]))
"""


def test_crawl_can_be_called_twice_in_one_process(tmp_path: Path, serve) -> None:
    site = tmp_path / "site"
    write_chain(site, "/tag/one/", "One", [slugs("a", 3), slugs("b", 2)])
    write_chain(site, "/tag/two/", "Two", [slugs("c", 4)])
    base = serve(site)
    dbs = [str(tmp_path / "one.sqlite"), str(tmp_path / "two.sqlite")]
    done = subprocess.run(
        [sys.executable, "-c", CRAWL_TWICE, base, *dbs], cwd=ROOT, capture_output=True,
        text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first == ["finished", 2, 5]
    assert second == ["finished", 1, 4]  # Twisted's reactor ran already: a new process did it
    assert len(stored(dbs[1])) == 4
