"""One crawl over several processes (`newsarchive crawl --jobs N`): both cores, one archive.

The start URLs are split by site, so each site is crawled by one process with its usual
politeness. With fewer sites than processes, a site's start URLs are spread over several and its
politeness budget is divided between them: each gets 1/N of the per-site concurrency and N times
the download delay, so the site sees no more than one crawl would send it.

Each process reads its options as JSON on stdin and writes JSON lines on stdout: its progress
figures while it crawls (when asked for them), then its result as the last line. The parent
reads every process's lines in a thread of its own and adds their figures up.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from newsarchive.crawl.api import CrawlResult, crawl, project_settings
from newsarchive.crawl.options import CrawlOptions
from newsarchive.files import json_default
from newsarchive.runtime.progress import INTERVAL, REPORT_KEY, Figures
from newsarchive.storage import Archive, ArchiveLocked, DatabaseError, Shortfall, lock_archive
from newsarchive.urls import host_of

_ERRORS: dict[str, type[Exception]] = {
    "ArchiveLocked": ArchiveLocked,
    "DatabaseError": DatabaseError,
}


def split(urls: list[str], jobs: int) -> tuple[list[list[str]], int]:
    """The start URLs of each process, and how many processes share a site (1 when none do)."""
    by_site: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        by_site[host_of(url)].append(url)
    if len(by_site) >= jobs:
        parts: list[list[str]] = [[] for _ in range(jobs)]
        for site_urls in sorted(by_site.values(), key=len, reverse=True):
            min(parts, key=len).extend(site_urls)
        return parts, 1
    parts = [urls[start::jobs] for start in range(jobs)]
    return [part for part in parts if part], jobs


def shared_politeness(settings: Any, share: int) -> dict[str, Any]:
    """Setting overrides that divide one site's politeness budget between `share` processes."""
    if share <= 1:
        return {}
    return {
        "CONCURRENT_REQUESTS_PER_DOMAIN": max(
            1, math.ceil(settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") / share)
        ),
        "DOWNLOAD_DELAY": settings.getfloat("DOWNLOAD_DELAY") * share,
    }


def crawl_in_jobs(
    options: CrawlOptions, jobs: int, on_progress: Callable[[Figures], None] | None = None
) -> list[CrawlResult]:
    """Run the crawl as `jobs` processes on one archive; the result of each process's run.

    The parent first closes the runs of crawls that died (alone, for a moment), then shares the
    archive lock with its processes until the last one ends. `on_progress` is called about
    every second with the figures of all the processes together. Ctrl-C reaches the processes
    too: the parent waits for them to record their runs as interrupted (a second Ctrl-C stops
    waiting).
    """
    parts, share = split(list(options.urls), jobs)
    settings = options.settings | shared_politeness(project_settings(options.settings), share)
    with lock_archive(options.db), Archive.open(options.db) as archive:
        archive.runs.interrupt_stale()
    with lock_archive(options.db, shared=True):
        processes = [
            _Process(
                options.but(
                    urls=tuple(part), settings=settings, shared_lock=True,
                    report_progress=on_progress is not None,
                )
            )
            for part in parts
        ]  # fmt: skip
        interrupted = False
        while any(process.reading.is_alive() for process in processes):
            try:
                next(p for p in processes if p.reading.is_alive()).reading.join(INTERVAL)
            except KeyboardInterrupt:
                if interrupted:
                    raise
                interrupted = True
            if on_progress:
                on_progress(sum((process.figures for process in processes), Figures()))
        return [process.result() for process in processes]


class _Process:
    """One process of the crawl, and what it has reported so far."""

    def __init__(self, options: CrawlOptions) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "newsarchive.crawl.jobs"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.popen.stdin.write(options.to_json())
        self.popen.stdin.close()
        self.figures = Figures()
        self.last: str | None = None
        self.reading = threading.Thread(target=self._read, daemon=True)
        self.reading.start()

    def _read(self) -> None:
        for line in self.popen.stdout:
            report = json.loads(line) if line.startswith("{") else None
            if report and REPORT_KEY in report:
                self.figures = Figures(**report[REPORT_KEY])
            elif line.strip():
                self.last = line

    def result(self) -> CrawlResult:
        """The result the process printed as its last line; an error it reported is raised."""
        self.popen.wait()
        report = (
            json.loads(self.last) if self.last else {"error": "the process died", "kind": "failed"}
        )
        if "error" in report:
            raise _ERRORS.get(report["kind"], RuntimeError)(report["error"])
        report["shortfalls"] = [Shortfall(**found) for found in report["shortfalls"]]
        return CrawlResult(**report)


def main() -> int:
    """One process of `--jobs`: crawl the options read from stdin, print the result as JSON."""
    try:
        result = crawl(CrawlOptions.from_json(sys.stdin.read()))
    except (ArchiveLocked, DatabaseError) as error:
        print(json.dumps({"error": str(error), "kind": type(error).__name__}))
        return 1
    print(json.dumps(asdict(result), default=json_default))
    return 0


if __name__ == "__main__":
    sys.exit(main())
