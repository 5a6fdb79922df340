"""Distributed crawl throughput with 1, 2 and 3 workers on this machine, against one crawl process.

    python -m benchmarks.scale_out [--rounds 3] [--python-server]

Each round crawls the 2,000-page benchmark site (100 tags x 20 pages, served by nginx) into an
empty PostgreSQL schema four ways, in rotating order: `newsarchive crawl` (one process, no Redis:
the baseline), then 1, 2 and 3 `newsarchive worker` processes sharing a Redis frontier. A
worker crawl is timed from the first start URL taken to the moment the frontier is empty (every
lease acknowledged, so every story committed); `crawl` from its run's start to its end. It prints
pages/s and CPU seconds per run, then medians and the median of the same-round ratios to the
baseline, and checks each archive against the site's ground truth.

Uses redis-server and PostgreSQL on loopback ($NEWSARCHIVE_TEST_POSTGRES_URL, else a throwaway
server started with scripts/test-postgres).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks import sitegen
from benchmarks.crawl_speed import FAST, STORY_TAGS, settings_args, verdict
from benchmarks.servers import postgres_server, static_server
from newsarchive.frontier.state import Frontier
from tests.servers import redis_server

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
ROOT = HERE.parent
VARIANTS = ("crawl", "1 worker", "2 workers", "3 workers")


@dataclass
class Run:
    variant: str
    round: int
    pages: int
    seconds: float
    cpu: float  # all processes of the variant together
    load: float  # the machine's 1-minute load average as the run ended (others share it)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds


class Schema:
    """A fresh PostgreSQL schema per run, so every run starts from an empty archive."""

    def __init__(self, server_url: str) -> None:
        self.engine = create_engine(server_url)
        self.name = f"bench_{secrets.token_hex(4)}"
        with self.engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {self.name}"))
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={self.name}"})
        self.url = url.render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {self.name} CASCADE"))
        self.engine.dispose()


def newsarchive(*args: str) -> subprocess.Popen:
    """`newsarchive ARGS` with the loopback settings, in its own process."""
    command = [sys.executable, "-m", "newsarchive", *args, *settings_args()]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def running(processes: list[subprocess.Popen]) -> bool:
    """True while any process runs (a worker that failed must not leave us polling forever)."""
    return any(process.poll() is None for process in processes)


def wait(process: subprocess.Popen) -> float:
    """Wait for `process`; returns its CPU seconds (NaN if `running` already collected it)."""
    cpu = float("nan")
    if process.returncode is None:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
    if process.returncode != 0:
        raise RuntimeError(f"{process.args[:4]} failed: {process.stderr.read()[-2000:]}")
    return cpu


def run_crawl(base: str, db: str, round_: int) -> Run:
    urls = [base + path for path in sitegen.start_paths()]
    cpu = wait(newsarchive("crawl", "--quiet", "--db", db, *urls))
    engine = create_engine(db)
    with engine.connect() as conn:
        started, finished, pages = conn.execute(
            text("SELECT started_at, finished_at, pages FROM crawl_runs")
        ).one()
    engine.dispose()
    seconds = (finished - started).total_seconds()
    return Run("crawl", round_, pages, seconds, cpu, os.getloadavg()[0])


def run_workers(base: str, db: str, redis_url: str, workers: int, round_: int) -> Run:
    frontier = Frontier.connect(redis_url)
    frontier.server.flushdb()
    frontier.enqueue([base + path for path in sitegen.start_paths()])
    starts = frontier.backlog().start
    processes = [
        newsarchive("worker", "--quiet", "--redis", redis_url, "--db", db, "--idle-exit", "1")
        for _ in range(workers)
    ]
    while frontier.backlog().start == starts and running(processes):
        time.sleep(0.01)
    first_taken = time.monotonic()
    while not frontier.backlog().empty and running(processes):
        time.sleep(0.01)
    seconds = time.monotonic() - first_taken
    cpu = sum(wait(process) for process in processes)
    engine = create_engine(db)
    with engine.connect() as conn:
        pages = conn.execute(text("SELECT sum(pages) FROM crawl_runs")).scalar_one()
    engine.dispose()
    variant = f"{workers} worker{'s' if workers > 1 else ''}"
    return Run(variant, round_, pages, seconds, cpu, os.getloadavg()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python-server", action="store_true", help="don't use nginx")
    args = parser.parse_args(argv)
    site = OUT / "site"
    truth = sitegen.generate(site)
    runs: list[Run] = []
    verdicts: list[str] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        static_server(site, not args.python_server) as (base, server),
        redis_server(Path(tmp)) as redis_url,
        postgres_server() as postgres_url,
    ):
        print(
            f"site: {len(truth)} stories on {sitegen.TAGS * sitegen.PAGES} pages; server: {server};"
            f" {os.cpu_count()} CPUs; settings: {FAST}"
        )
        for round_ in range(1, args.rounds + 1):
            shift = (round_ - 1) % len(VARIANTS)
            for variant in VARIANTS[shift:] + VARIANTS[:shift]:
                schema = Schema(postgres_url)
                try:
                    if variant == "crawl":
                        run = run_crawl(base, schema.url, round_)
                    else:
                        run = run_workers(base, schema.url, redis_url, int(variant[0]), round_)
                    verdicts.append(check_archive_url(schema.url, base, truth))
                finally:
                    schema.drop()
                runs.append(run)
                print(
                    f"round {round_} {variant:10} {run.pages:5d} pages in {run.seconds:6.2f} s"
                    f" {run.pages_per_s:7.1f} pages/s  cpu {run.cpu:5.1f} s  load {run.load:4.1f}",
                    flush=True,
                )
    summary = summarise(runs)
    for line in summary["lines"]:
        print(line)
    for line in sorted(set(verdicts)):
        print(line)
    OUT.mkdir(exist_ok=True)
    (OUT / "scale_out.json").write_text(
        json.dumps({"server": server, "runs": [asdict(r) for r in runs], **summary}, indent=2)
    )
    return 0 if all(v.startswith("archive equals") for v in verdicts) else 1


def check_archive_url(db: str, base: str, truth: dict) -> str:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            rows = [tuple(row) for row in conn.execute(text(STORY_TAGS))]
    finally:
        engine.dispose()
    return verdict(rows, base, truth)


def summarise(runs: list[Run]) -> dict:
    by_round: dict[int, dict[str, Run]] = {}
    for run in runs:
        by_round.setdefault(run.round, {})[run.variant] = run
    medians = {v: statistics.median(r[v].pages_per_s for r in by_round.values()) for v in VARIANTS}
    ratios = {
        f"{v}/crawl": statistics.median(
            r[v].pages_per_s / r["crawl"].pages_per_s for r in by_round.values()
        )
        for v in VARIANTS[1:]
    }
    cpu_ms = {
        v: statistics.median(1000 * r[v].cpu / r[v].pages for r in by_round.values())
        for v in VARIANTS
    }
    lines = ["median pages/s: " + ", ".join(f"{v} {m:.1f}" for v, m in medians.items())]
    lines += ["median CPU ms/page: " + ", ".join(f"{v} {m:.1f}" for v, m in cpu_ms.items())]
    lines += [f"median ratio {name}: {value:.2f}" for name, value in ratios.items()]
    return {"medians": medians, "cpu_ms_per_page": cpu_ms, "ratios": ratios, "lines": lines}


if __name__ == "__main__":
    sys.exit(main())
