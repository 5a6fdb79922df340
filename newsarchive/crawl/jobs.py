"""One crawl over several processes (`newsarchive crawl --jobs N`): both cores, one archive.

The start URLs are split by site, so each site is crawled by one process with its usual
politeness. With fewer sites than processes, a site's start URLs are spread over several and its
politeness budget is divided between them: each gets 1/N of the per-site concurrency and N times
the download delay, so the site sees no more than one crawl would send it.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from newsarchive.crawl.api import CrawlResult, crawl, project_settings
from newsarchive.crawl.options import CrawlOptions
from newsarchive.files import json_default
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


def crawl_in_jobs(options: CrawlOptions, jobs: int) -> list[CrawlResult]:
    """Run the crawl as `jobs` processes on one archive; the result of each process's run.

    The parent first closes the runs of crawls that died (alone, for a moment), then shares the
    archive lock with its processes until the last one ends.
    """
    parts, share = split(list(options.urls), jobs)
    settings = options.settings | shared_politeness(project_settings(options.settings), share)
    with lock_archive(options.db), Archive.open(options.db) as archive:
        archive.runs.interrupt_stale()
    with lock_archive(options.db, shared=True):
        processes = [
            _start(options.but(urls=tuple(part), settings=settings, shared_lock=True))
            for part in parts
        ]
        return [_result(process) for process in processes]


def _start(options: CrawlOptions) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "newsarchive.crawl.jobs"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    process.stdin.write(options.to_json())
    process.stdin.close()
    return process


def _result(process: subprocess.Popen) -> CrawlResult:
    """The result one process printed as its last line; an error it reported is raised."""
    lines = process.stdout.read().splitlines()
    process.wait()
    report = json.loads(lines[-1]) if lines else {"error": "the process died", "kind": "failed"}
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
