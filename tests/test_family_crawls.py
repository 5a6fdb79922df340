"""End to end: `newsarchive crawl` over a three-page tag listing of every CMS family.

One crawl process takes all the families' start URLs, so the check stays fast; each family's
stories must all be stored, found by its own layer, with every page of its chain fetched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from tests.family_sites import PAGES, build_sites, serve_pages
from tests.helpers import FAST, run_cli


def test_crawl_follows_each_family_to_its_last_page(tmp_path: Path) -> None:
    sites = build_sites()
    pages = {path: html for site in sites.values() for path, html in site.pages.items()}
    db = tmp_path / "families.sqlite"
    with serve_pages(pages) as base:
        result = run_cli("crawl", *(base + s.start for s in sites.values()), "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        stored = {
            urlsplit(url).path: method
            for url, method in conn.execute("SELECT url, extraction_method FROM stories")
        }
        (fetched,) = conn.execute("SELECT pages FROM crawl_runs").fetchone()
    for family, site in sites.items():
        found = {path: stored.get(path) for path in site.stories}
        assert found == dict.fromkeys(site.stories, family), family
    assert len(stored) == sum(len(site.stories) for site in sites.values())
    assert fetched == PAGES * len(sites)
