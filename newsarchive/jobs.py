"""One crawl over several processes (`newsarchive crawl --jobs N`): both cores, one archive.

The start URLs are split by site, so each site is crawled by one process with its usual
politeness. With fewer sites than processes, a site's start URLs are spread over several and its
politeness budget is divided between them: each gets 1/N of the per-site concurrency and N times
the download delay, so the site sees no more than one crawl would send it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from newsarchive.urls import host_of


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
