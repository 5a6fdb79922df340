"""`newsarchive crawl --jobs 2` against one process, on the benchmark site, A/B per round.

    python -m benchmarks.jobs_speed [--rounds 3]

The site is one host, so the two processes split its start URLs and divide its per-site
concurrency (64 → 32 each). Pages/s is from the parent's wall time, start-up included for both.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks import sitegen
from benchmarks.crawl_speed import OUT, measure, settings_args
from benchmarks.servers import static_server


def crawl_once(base: str, work: Path, jobs: int, round_: int) -> tuple[float, float]:
    """One crawl of the whole site with `jobs` processes; returns (pages/s, CPU seconds)."""
    db = work / f"jobs{jobs}-{round_}.sqlite"
    command = [sys.executable, "-m", "newsarchive", "crawl", "--quiet", "--db", str(db),
               "--warc-dir", str(work / "warc"), "--jobs", str(jobs),
               *(base + path for path in sitegen.start_paths()), *settings_args()]  # fmt: skip
    wall, cpu, _ = measure(command, work)
    with sqlite3.connect(db) as conn:
        pages = conn.execute("SELECT sum(pages) FROM crawl_runs").fetchone()[0]
        stories = conn.execute("SELECT count(*) FROM stories").fetchone()[0]
    if stories != 13_334:
        raise RuntimeError(f"--jobs {jobs} stored {stories} stories, not 13,334")
    return pages / wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.jobs_speed", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sitegen.generate(OUT / "site")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp, static_server(OUT / "site") as (base, server):
        print(f"server: {server}")
        for round_ in range(1, args.rounds + 1):
            rates = {}
            for jobs in (1, 2) if round_ % 2 else (2, 1):
                rates[jobs], cpu = crawl_once(base, Path(tmp), jobs, round_)
                print(f"round {round_} --jobs {jobs}: {rates[jobs]:6.1f} pages/s, cpu {cpu:.1f} s")
            ratios.append(rates[2] / rates[1])
    print(f"median ratio --jobs 2 / --jobs 1: {statistics.median(ratios):.2f} (every story once)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
