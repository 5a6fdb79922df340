"""Full archiving crawl vs. a bare Scrapy spider on the same loopback site, A/B/A/B.

    python -m benchmarks.crawl_speed [--rounds 3] [--python-server]

Per round it runs the bare spider (fixed selectors, items discarded), the same spider with
Scrapy's JSON-lines feed, and `newsarchive crawl` of all 100 tags (automatic extraction,
normalise, dedupe, SQLite, WARC when available) into an empty archive; the order rotates each
round. It prints pages/s, stories/s, CPU seconds and peak RSS per run, then the median of the
per-round ratios, and checks the archive against the site's ground truth.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from benchmarks import sitegen
from benchmarks.servers import static_server
from newsarchive.urls import canonical_url

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
FAST = {
    "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 64,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "LOG_LEVEL": "ERROR",
    "TELNETCONSOLE_ENABLED": False,
    "ROBOTSTXT_OBEY": True,
}


@dataclass
class Run:
    variant: str
    round: int
    pages: int
    stories: int
    seconds: float  # crawl time, from the crawl's own clock (start-up excluded)
    wall: float  # process wall time, start-up included
    cpu: float
    peak_rss_mb: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds


def settings_args(extra: dict | None = None) -> list[str]:
    args = []
    for name, value in (FAST | (extra or {})).items():
        args += ["-s", f"{name}={value}"]
    return args


def measure(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Run `command`; return its wall time, CPU seconds and peak RSS in MB."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{command[:4]} failed: {process.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_bare(base: str, work: Path, round_: int, feed: bool) -> Run:
    urls = work / "urls.txt"
    urls.write_text("\n".join(base + path for path in sitegen.start_paths()))
    stats = work / "stats.json"
    command = [sys.executable, "-m", "scrapy", "runspider", str(HERE / "bare_spider.py"),
               "-a", f"urls={urls}", "-a", f"stats={stats}", *settings_args()]  # fmt: skip
    if feed:
        command += ["-O", str(work / "stories.jsonl")]
    wall, cpu, rss = measure(command, work)
    data = json.loads(stats.read_text())
    return Run(
        "bare+jsonl" if feed else "bare",
        round_,
        data["response_received_count"] - 1,
        data.get("item_scraped_count", 0),
        data["crawl_seconds"],
        wall,
        cpu,
        rss,
    )  # fmt: skip (robots.txt is the one response that is not a page)


def run_newsarchive(base: str, work: Path, round_: int) -> Run:
    db = work / f"archive-{round_}.sqlite"
    command = [sys.executable, "-m", "newsarchive", "crawl", "--quiet", "--db", str(db),
               *(base + path for path in sitegen.start_paths()), *settings_args()]  # fmt: skip
    if (
        "--warc-dir"
        in subprocess.run(
            [sys.executable, "-m", "newsarchive", "crawl", "--help"], capture_output=True, text=True
        ).stdout
    ):
        command += ["--warc-dir", str(work / "warc")]
    wall, cpu, rss = measure(command, work)
    with sqlite3.connect(db) as conn:
        started, finished, pages = conn.execute(
            "SELECT started_at, finished_at, pages FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        sightings = conn.execute("SELECT count(*) FROM sightings").fetchone()[0]
    seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    return Run("newsarchive", round_, pages, sightings, seconds, wall, cpu, rss)


STORY_TAGS = (
    "SELECT s.url, s.headline, t.name FROM stories s JOIN story_tags st"
    " ON st.story_id = s.id JOIN tags t ON t.id = st.tag_id"
)


def check_archive(db: Path, base: str, truth: dict) -> str:
    """Compare the archive with the site's ground truth; returns a one-line verdict."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(STORY_TAGS).fetchall()
    return verdict(rows, base, truth)


def verdict(rows: list[tuple[str, str, str]], base: str, truth: dict) -> str:
    """Compare (url, headline, tag) rows with the site's ground truth, in one line."""
    found: dict[str, dict] = {}
    for url, headline, tag in rows:
        entry = found.setdefault(url.removeprefix(base), {"headline": headline, "tags": []})
        entry["tags"].append(tag)
    expected = {
        canonical_url(base + url).removeprefix(base): (v["headline"], sorted(v["tags"]))
        for url, v in truth.items()
    }
    got = {url: (v["headline"], sorted(v["tags"])) for url, v in found.items()}
    if got == expected:
        return f"archive equals ground truth ({len(expected)} stories, {len(rows)} story-tags)"
    missing, extra = expected.keys() - got.keys(), got.keys() - expected.keys()
    wrong = sum(1 for url in expected.keys() & got.keys() if expected[url] != got[url])
    return f"ARCHIVE DIFFERS: {len(missing)} missing, {len(extra)} extra, {wrong} wrong"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python-server", action="store_true", help="don't use nginx")
    args = parser.parse_args(argv)
    site = OUT / "site"
    truth = sitegen.generate(site)
    runs: list[Run] = []
    verdicts = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        static_server(site, not args.python_server) as (
            base,
            server,
        ),
    ):
        work = Path(tmp)
        print(
            f"site: {len(truth)} stories on {sitegen.TAGS * sitegen.PAGES} pages; server: {server}"
        )
        variants = ["bare", "bare+jsonl", "newsarchive"]
        for round_ in range(1, args.rounds + 1):
            order = variants[round_ - 1 :] + variants[: round_ - 1]
            for variant in order:
                if variant == "newsarchive":
                    run = run_newsarchive(base, work, round_)
                    verdicts.append(check_archive(work / f"archive-{round_}.sqlite", base, truth))
                else:
                    run = run_bare(base, work, round_, feed=variant == "bare+jsonl")
                runs.append(run)
                print(
                    f"round {round_} {variant:12} {run.pages:5d} pages {run.pages_per_s:7.1f} pages/s"
                    f" {run.stories / run.seconds:8.0f} stories/s  cpu {run.cpu:5.1f} s"
                    f"  peak RSS {run.peak_rss_mb:6.1f} MB  (wall {run.wall:.1f} s)",
                    flush=True,
                )
    summary = summarise(runs)
    for line in summary["lines"]:
        print(line)
    for verdict in sorted(set(verdicts)):
        print(verdict)
    OUT.mkdir(exist_ok=True)
    (OUT / "crawl_speed.json").write_text(
        json.dumps({"server": server, "runs": [asdict(r) for r in runs], **summary}, indent=2)
    )
    return 0 if all(v.startswith("archive equals") for v in verdicts) else 1


def summarise(runs: list[Run]) -> dict:
    by_round: dict[int, dict[str, Run]] = {}
    for run in runs:
        by_round.setdefault(run.round, {})[run.variant] = run

    def median_ratio(a: str, b: str) -> float:
        return statistics.median(r[a].pages_per_s / r[b].pages_per_s for r in by_round.values())

    ratios = {
        "newsarchive/bare": median_ratio("newsarchive", "bare"),
        "newsarchive/bare+jsonl": median_ratio("newsarchive", "bare+jsonl"),
        "bare+jsonl/bare": median_ratio("bare+jsonl", "bare"),
    }
    medians = {
        v: statistics.median(r[v].pages_per_s for r in by_round.values())
        for v in ("bare", "bare+jsonl", "newsarchive")
    }
    lines = ["median pages/s: " + ", ".join(f"{v} {m:.1f}" for v, m in medians.items())]
    lines += [f"median ratio {name}: {value:.2f}" for name, value in ratios.items()]
    # CPU seconds per page are steadier than wall time on a busy machine.
    cpu_ratios = {
        f"{a}/{b}": statistics.median(
            (r[b].cpu / r[b].pages) / (r[a].cpu / r[a].pages) for r in by_round.values()
        )
        for a, b in (("newsarchive", "bare"), ("newsarchive", "bare+jsonl"))
    }
    lines += [
        f"median CPU-efficiency ratio {name}: {value:.2f}" for name, value in cpu_ratios.items()
    ]
    return {"medians": medians, "ratios": ratios, "cpu_ratios": cpu_ratios, "lines": lines}


if __name__ == "__main__":
    sys.exit(main())
