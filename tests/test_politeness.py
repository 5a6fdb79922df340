"""Politeness against loopback sites: robots.txt, its Crawl-delay per site, the User-Agent."""

from __future__ import annotations

import sqlite3
from itertools import pairwise
from pathlib import Path

import pytest

from newsarchive import __version__
from newsarchive.crawl.api import project_settings
from tests.faultserver import FaultServer, fault_server, page
from tests.helpers import FAST, run_cli, run_crawl
from tests.sites import chain_pages

TAG = "/tag/agua/"


def serve(server: FaultServer, robots: str | None, pages: int = 4) -> str:
    html = chain_pages(TAG, "Agua", [[f"p{n}-a", f"p{n}-b"] for n in range(1, pages + 1)])
    for path, body in html.items():
        server.route(path, page(body))
    if robots is not None:
        server.route("/robots.txt", page(robots, content_type="text/plain"))
    return server.base + TAG


def gaps(server: FaultServer) -> list[float]:
    times = [hit.at for hit in server.log if hit.path.startswith(TAG)]
    return [later - earlier for earlier, later in pairwise(times)]


def test_defaults_are_polite() -> None:
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")


def test_robots_txt_disallow_is_obeyed(faults: FaultServer, tmp_path: Path) -> None:
    robots = "User-agent: *\nDisallow: /tag/agua/page/3/\nDisallow: /tag/private/\n"
    start = serve(faults, robots)
    faults.route("/tag/private/", page("<html><body>secret</body></html>"))
    db = tmp_path / "a.sqlite"
    result = run_cli("crawl", start, faults.base + "/tag/private/", "--db", str(db), *FAST)
    assert result.returncode == 3
    assert "/tag/private/: Forbidden by robots.txt" in result.stderr
    assert not faults.hits("/tag/private/")
    assert not faults.hits(TAG + "page/3/")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM stories").fetchone()[0] == 4  # pages 1-2


@pytest.mark.parametrize("autothrottle", [False, True])
def test_crawl_delay_is_honoured_per_site(tmp_path: Path, autothrottle: bool) -> None:
    with fault_server() as slow_site, fault_server("127.0.0.2") as other_site:
        delayed = serve(slow_site, "User-agent: newsarchive\nCrawl-delay: 0.5\n")
        undelayed = serve(other_site, "User-agent: *\nAllow: /\n")
        settings = {"AUTOTHROTTLE_ENABLED": autothrottle, "AUTOTHROTTLE_START_DELAY": 0}
        stats = run_crawl([delayed, undelayed], tmp_path / "a.sqlite", **settings)["stats"]
        # Arrival times at a server on a busy machine jitter: the margins are wide on purpose.
        # Honoured, the gaps are 0.5 s; ignored, they would be a few milliseconds. The site's
        # robots.txt, listing pages, feed and sitemap all wait their turn.
        assert len(gaps(slow_site)) >= 3 and min(gaps(slow_site)) >= 0.5 / 2
        assert min(gaps(other_site)) < 0.5 / 2  # the other site keeps its own pace
    assert stats[f"newsarchive/crawl_delay/{slow_site.base.removeprefix('http://')}"] == 0.5


def test_crawl_delay_is_capped(faults: FaultServer, tmp_path: Path) -> None:
    start = serve(faults, "User-agent: *\nCrawl-delay: 86400\n", pages=2)
    result = run_crawl([start], tmp_path / "a.sqlite", NEWSARCHIVE_CRAWL_DELAY_MAX=0.3)
    assert result["status"] == "finished"
    assert 0.3 / 2 <= gaps(faults)[0] < 5  # wide margins: arrivals jitter on a busy machine
    assert "asks for 86400 s between requests; waiting 0.3 s" in result["log"]


def test_user_agent_names_the_tool_and_a_contact(faults: FaultServer, tmp_path: Path) -> None:
    start = serve(faults, None, pages=1)
    log = run_crawl([start], tmp_path / "a.sqlite", LOG_LEVEL="DEBUG")["log"]
    run_crawl([start], tmp_path / "b.sqlite", NEWSARCHIVE_CONTACT="mailto:archive@example.org")
    assert "Remote control HTTP server" not in log  # no control port (settings.py)
    default, contact = (hit.headers["User-Agent"] for hit in faults.hits(TAG))
    assert default == f"newsarchive/{__version__} (+https://pypi.org/project/newsarchive/)"
    assert contact == f"newsarchive/{__version__} (+mailto:archive@example.org)"
    assert {hit.headers["User-Agent"] for hit in faults.hits("/robots.txt")} == {default, contact}
