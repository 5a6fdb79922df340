"""`newsarchive coverage` says how complete each tag is, as walks go on from run to run.

Loopback sites: a tag walked in parts after `--max-pages 2` is complete once a plain crawl
reaches its end; a tag whose older pages hold only stories another tag listed is walked to its
end all the same; a page that fails leaves its tag incomplete (the run partial) until a later
run fetches it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import FAST, run_cli
from tests.sites import write_chain


def coverage(cli, db: Path, *args: str) -> dict[str, dict]:
    result = cli("coverage", "--db", db, "--json", *args)
    assert result.returncode == 0, result.stderr
    return {row["tag"]: row for row in map(json.loads, result.stdout.splitlines())}


def crawl(*args: str) -> None:
    result = run_cli("crawl", *args, *FAST)
    assert result.returncode == 0, result.stderr


def test_a_walk_cut_short_is_complete_once_a_later_run_reaches_the_end(
    tmp_path: Path, serve, cli
) -> None:
    site, db = tmp_path / "site", tmp_path / "a.sqlite"
    write_chain(
        site, "/tag/litio/", "Litio", [[f"p{p}-s{n}" for n in range(5)] for p in range(1, 7)]
    )
    start = serve(site) + "/tag/litio/"
    crawl(start, "--db", str(db), "--max-pages", "2")
    row = coverage(cli, db)["Litio"]
    assert (row["stories"], row["deepest_page"], row["walk_complete"]) == (10, 2, False)
    assert (row["runs"], row["last_run_status"]) == (1, "finished")
    assert row["feed_url"] is None and row["feed_only"] == [] and row["listing_only"] is None
    crawl(start, "--db", str(db), "--max-pages", "3")
    assert coverage(cli, db)["Litio"]["deepest_page"] == 5
    assert not coverage(cli, db)["Litio"]["walk_complete"]
    crawl(start, "--db", str(db), "--max-pages", "3")
    row = coverage(cli, db)["Litio"]
    assert (row["stories"], row["deepest_page"], row["walk_complete"], row["runs"]) == (
        30, 6, True, 3,
    )  # fmt: skip
    table = cli("coverage", "--db", db)
    assert table.returncode == 0
    header, line = table.stdout.splitlines()
    assert header.split()[:3] == ["TAG", "SITE", "STORIES"]
    assert line.split()[:8] == ["Litio", "127.0.0.1", "30", "-", "-", "6", "yes", "3"]


def test_shared_stories_and_failed_pages_in_coverage(tmp_path: Path, serve, cli) -> None:
    site, db = tmp_path / "site", tmp_path / "a.sqlite"
    shared = [[f"shared-{page}-{n}" for n in range(5)] for page in range(1, 5)]
    write_chain(site, "/tag/america-latina/", "América Latina", shared)
    write_chain(site, "/tag/peru/", "Perú", [["peru-only-1"], *shared])
    hidden = site / "tag" / "peru" / "page" / "4"
    shutil.move(hidden, tmp_path / "page-4")  # a 404 for now
    base = serve(site)
    starts = [base + "/tag/america-latina/", base + "/tag/peru/"]
    first = run_cli("crawl", *starts, "--db", str(db), *FAST)
    assert first.returncode == 0, first.stderr
    found = coverage(cli, db)
    # Its older pages hold only stories the other tag listed: walked to the end all the same.
    latin = found["América Latina"]
    assert (latin["stories"], latin["deepest_page"], latin["walk_complete"]) == (20, 4, True)
    peru = found["Perú"]
    assert (peru["deepest_page"], peru["walk_complete"], peru["last_run_status"]) == (
        3, False, "partial",
    )  # fmt: skip
    assert list(coverage(cli, db, "--tag", "perú")) == ["Perú"]
    assert coverage(cli, db, "--site", "www.example.org") == {}
    shutil.move(tmp_path / "page-4", hidden)
    crawl(*starts, "--db", str(db))
    peru = coverage(cli, db, "--tag", "Perú")["Perú"]
    assert (peru["stories"], peru["deepest_page"], peru["walk_complete"]) == (21, 5, True)
    assert (peru["runs"], peru["last_run_status"]) == (2, "finished")
