"""Distributed crawls in real processes: redis-server, workers, a loopback site, SQLite/PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from newsarchive.cli import main
from newsarchive.cli.errors import CLIError
from newsarchive.frontier.state import Frontier
from tests.helpers import FAST, ROOT, rows
from tests.servers import Hit, recording_server
from tests.sites import write_chain


def build_site(root: Path, tags: int, pages: int) -> tuple[list[str], dict[str, set[str]]]:
    """Tags of `pages` pages, four stories of their own and one shared with a sibling tag per page.

    Returns the listing page paths and, for each story path, the tags that list it.
    """
    paths: list[str] = []
    stories: dict[str, set[str]] = {}
    for tag in range(tags):
        chain = []
        for page in range(1, pages + 1):
            slugs = [f"t{tag}-p{page}-s{n}" for n in range(4)] + [f"shared-{tag // 2}-p{page}"]
            chain.append(slugs)
            for slug in slugs:
                stories.setdefault(f"/{slug}/", set()).add(f"Tag {tag}")
            paths.append(f"/tag/t{tag}/" + (f"page/{page}/" if page > 1 else ""))
        write_chain(root, f"/tag/t{tag}/", f"Tag {tag}", chain)
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    return paths, stories


def enqueue(redis_url: str, base: str, tags: int) -> None:
    urls = [f"{base}/tag/t{tag}/" for tag in range(tags)]
    assert main(["enqueue", *urls, "--redis", redis_url]) == 0


def start_worker(redis_url: str, db: str, name: str, *settings: str) -> subprocess.Popen:
    """`newsarchive worker` in its own process; its requests carry `name` as User-Agent."""
    command = [
        sys.executable, "-m", "newsarchive", "worker", "--redis", redis_url, "--db", db,
        "--idle-exit", "1", *FAST, "-s", f"USER_AGENT={name}",
        "-s", "NEWSARCHIVE_BATCH_SECONDS=0.5", *settings,
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip


def finish(worker: subprocess.Popen) -> None:
    _, stderr = worker.communicate(timeout=90)
    assert worker.returncode == 0, stderr


def pages_fetched(hits: list[Hit]) -> Counter[str]:
    return Counter(hit.path for hit in hits if hit.path != "/robots.txt")


def archived(db: str, base: str) -> dict[str, set[str]]:
    """Story path -> its tags, as the archive has them."""
    found: dict[str, set[str]] = {}
    for url, tag in rows(
        db,
        "SELECT s.url, t.name FROM stories s JOIN story_tags st ON st.story_id = s.id"
        " JOIN tags t ON t.id = st.tag_id",
    ):
        found.setdefault(url.removeprefix(base), set()).add(tag)
    return found


def test_three_workers_archive_every_story_once_and_fetch_every_page_once(
    tmp_path: Path, redis_url: str, postgres_db: str
) -> None:
    paths, stories = build_site(tmp_path / "site", tags=20, pages=10)
    with recording_server(tmp_path / "site", latency=0.1) as (base, hits):
        enqueue(redis_url, base, tags=20)
        workers = [
            start_worker(redis_url, postgres_db, f"w{n}", "-s", "CONCURRENT_REQUESTS=4")
            for n in range(3)
        ]
        for worker in workers:
            finish(worker)
    fetched = pages_fetched(hits)
    assert sorted(fetched) == sorted(paths) and set(fetched.values()) == {1}
    assert archived(postgres_db, base) == stories
    assert rows(postgres_db, "SELECT count(*) FROM stories") == [(len(stories),)]
    runs = rows(postgres_db, "SELECT status, pages, stories_new FROM crawl_runs")
    assert [status for status, _, _ in runs] == ["finished"] * 3
    assert sum(pages for _, pages, _ in runs) == len(paths)
    assert sum(new for _, _, new in runs) == len(stories)  # each counted new by one worker only
    assert {hit.agent for hit in hits} == {"w0", "w1", "w2"}
    assert Frontier.connect(redis_url).backlog().empty


def committed_pages(db: str, worker: str) -> int:
    """The page count the run of the worker named `worker` has committed so far."""
    query = "SELECT pages FROM crawl_runs WHERE settings LIKE :agent"
    return sum(pages for (pages,) in rows(db, query, agent=f'%"USER_AGENT": "{worker}"%'))


def test_a_killed_worker_loses_nothing(tmp_path: Path, redis_url: str, postgres_db: str) -> None:
    paths, stories = build_site(tmp_path / "site", tags=20, pages=10)
    lease = ("-s", "NEWSARCHIVE_LEASE_SECONDS=2", "-s", "CONCURRENT_REQUESTS=4")
    with recording_server(tmp_path / "site", latency=0.1) as (base, hits):
        enqueue(redis_url, base, tags=20)
        workers = [start_worker(redis_url, postgres_db, f"w{n}", *lease) for n in range(3)]
        deadline = time.monotonic() + 30
        # Until w0 is mid-walk and its run record shows pages it stored (while it still runs).
        while (
            sum(hit.agent == "w0" for hit in hits) < 6 or not committed_pages(postgres_db, "w0")
        ) and time.monotonic() < deadline:
            time.sleep(0.05)
        workers[0].send_signal(signal.SIGKILL)  # mid-page: it holds leases in flight
        workers[0].communicate(timeout=10)
        for worker in workers[1:]:
            finish(worker)
    frontier = Frontier.connect(redis_url)
    requeued = frontier.requeued()
    assert requeued >= 1  # what the killed worker held went back to the queue
    fetched = pages_fetched(hits)
    assert sorted(fetched) == sorted(paths)
    assert sum(count - 1 for count in fetched.values()) <= requeued  # refetched: only those
    assert archived(postgres_db, base) == stories
    assert rows(postgres_db, "SELECT count(*) FROM stories") == [(len(stories),)]
    statuses = sorted(status for (status,) in rows(postgres_db, "SELECT status FROM crawl_runs"))
    assert statuses == ["finished", "finished", "running"]  # the killed one never finished
    # ... yet it shows the pages whose stories it stored: counted with each batch.
    (killed,) = rows(postgres_db, "SELECT id, pages FROM crawl_runs WHERE status = 'running'")
    stored_pages = "SELECT count(DISTINCT listing_url) FROM sightings WHERE run_id = :run"
    assert rows(postgres_db, stored_pages, run=killed[0]) == [(killed[1],)]
    assert killed[1] > 0
    assert frontier.backlog().empty


def test_each_job_fetches_listing_pages_again(tmp_path: Path, redis_url: str, db: str) -> None:
    site = tmp_path / "site"
    # Page 2 lists page 1's last story again (a story was published meanwhile): one sighting.
    write_chain(site, "/tag/peru/", "Peru", [["p1", "p2", "p3"], ["p3", "p4"], ["p5"]])
    write_chain(site, "/tag/bolivia/", "Bolivia", [["b1", "p1"], ["b2"]])
    with recording_server(site) as (base, hits):
        for _ in range(2):
            urls = [f"{base}/tag/peru/", f"{base}/tag/bolivia/", f"{base}/tag/peru/"]
            assert main(["enqueue", *urls, "--redis", redis_url]) == 0
            finish(start_worker(redis_url, db, "worker"))
    assert set(pages_fetched(hits).values()) == {2}  # once per job
    assert len(pages_fetched(hits)) == 5
    assert rows(db, "SELECT count(*) FROM stories") == [(7,)]
    assert rows(db, "SELECT count(*) FROM sightings") == [(16,)]  # 8 story listings per job
    runs = rows(db, "SELECT pages, stories_new, stories_existing FROM crawl_runs ORDER BY id")
    assert runs == [(5, 7, 0), (5, 0, 7)]


def test_site_delay_holds_across_workers(tmp_path: Path, redis_url: str, db_path: Path) -> None:
    build_site(tmp_path / "site", tags=6, pages=5)
    spacing = ("-s", "NEWSARCHIVE_HOST_INTERVAL=0.1", "-s", "CONCURRENT_REQUESTS=2")
    with recording_server(tmp_path / "site") as (base, hits):
        enqueue(redis_url, base, tags=6)
        workers = [start_worker(redis_url, str(db_path), f"w{n}", *spacing) for n in range(2)]
        for worker in workers:
            finish(worker)
    assert {hit.agent for hit in hits} == {"w0", "w1"}
    assert len(pages_fetched(hits)) == 30
    arrivals = [hit.at for hit in hits]
    # Any ten intervals take a second, whichever workers made the requests; arrivals jitter on a
    # busy machine, so the margin is wide (without the shared delay they take milliseconds).
    assert min(b - a for a, b in zip(arrivals, arrivals[10:], strict=False)) >= 0.5


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["enqueue", "news.example.org/tag/peru/"], 2, "not an http(s) URL"),
        (["enqueue", "https://news.example.org/tag/peru/"], 2, "no frontier: give --redis"),
        (["enqueue", "https://a.example/tag/x/", "--redis", "http://host/"], 2, "not a Redis URL"),
        (["worker", "--redis", "redis://127.0.0.1:1/0", "--idle-exit", "0"], 2, "--idle-exit"),
        (
            ["worker", "--redis", "redis://:hunter2@127.0.0.1:1/0"],
            CLIError.FRONTIER,
            "cannot reach the frontier",
        ),
    ],
)
def test_frontier_command_errors_are_one_line(args, code, message, capsys, monkeypatch) -> None:
    monkeypatch.delenv("NEWSARCHIVE_REDIS", raising=False)
    assert main(args) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert "hunter2" not in err
