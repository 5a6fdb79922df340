"""What feeds and sitemaps cost: finding a listing's feed, reading a feed and a sitemap, a crawl.

    python -m benchmarks.feeds [--entries 5000] [--repeats 5] [--crawls 3]

Same-run figures, medians of CPU seconds (what the work costs on a machine shared with others):
- finding the feed on a listing page, as a share of extracting that page (`feed_links` runs on
  every page `extract_listing` reads);
- reading a feed and a news sitemap of N entries (the default bound), per thousand entries;
- a crawl of the four loopback CMS sites (three pages each, their feeds and sitemaps) with
  feeds and with `--no-feeds`: requests made and the ratio of wall-clock seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from parsel import Selector

from newsarchive.extract import extract_listing
from newsarchive.extract.feeds import feed_links, parse_feed, parse_sitemap
from tests.feed_sites import FAMILIES, build, serve_site
from tests.helpers import FAST, ROOT


def cpu(work: Callable[[], object], repeats: int) -> float:
    """Median CPU seconds of `work`."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times)


def feed_xml(entries: int) -> bytes:
    items = "".join(
        f"<item><title>Nota {n} sobre la huelga minera</title><link>https://b.example/{n}/</link>"
        f"<pubDate>Fri, 19 Jul 2024 09:{n % 60:02d}:00 -0500</pubDate><dc:creator>Ana</dc:creator>"
        f"<description>Bajada de la nota {n}.</description></item>"
        for n in range(entries)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>x</title>{items}</channel></rss>"
    ).encode()


def news_sitemap(entries: int) -> bytes:
    urls = "".join(
        f"<url><loc>https://b.example/{n}/</loc><lastmod>2024-07-20T10:00:00-05:00</lastmod>"
        "<news:news><news:publication><news:name>B</news:name><news:language>es</news:language>"
        "</news:publication><news:publication_date>2024-07-19T09:00:00-05:00"
        f"</news:publication_date><news:title>Nota {n}</news:title><news:keywords>Perú"
        "</news:keywords></news:news></url>"
        for n in range(entries)
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


def crawl_seconds(starts: list[str], *extra: str) -> tuple[float, int]:
    """Wall-clock seconds of one crawl into a fresh archive, and the requests it made."""
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "bench.sqlite")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "newsarchive", "crawl", *starts, "--db", db, "--no-warc",
             "--log-file", str(Path(folder) / "log"), *FAST, *extra],
            capture_output=True, text=True, cwd=ROOT, check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        log = (Path(folder) / "log").read_text()
    stats = log[log.index("Dumping Scrapy stats") :]
    requests = int(stats.split("'downloader/request_count': ")[1].split(",")[0])
    return seconds, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--crawls", type=int, default=3)
    args = parser.parse_args()

    url = "http://127.0.0.1:8000/tag/peru/"
    page = Selector(text=build("wordpress", "http://127.0.0.1:8000").pages["/tag/peru/"][1])
    listing = cpu(lambda: extract_listing(page, url), args.repeats * 20)
    finding = cpu(lambda: feed_links(page, url, url, "Perú"), args.repeats * 20)
    print(
        f"finding the feed: {finding * 1e3:.3f} ms, {finding / listing:.1%} of extracting the page"
    )

    body = feed_xml(args.entries)
    feed = cpu(lambda: parse_feed(body, "https://b.example/feed/", args.entries), args.repeats)
    print(
        f"a feed of {args.entries} entries ({len(body) / 1e6:.1f} MB): {feed:.2f} s, "
        f"{feed / args.entries * 1e3:.3f} s per 1000"
    )
    body = news_sitemap(args.entries)
    sitemap = cpu(lambda: parse_sitemap(body, args.entries, len(body)), args.repeats)
    print(
        f"a news sitemap of {args.entries} entries ({len(body) / 1e6:.1f} MB): {sitemap:.2f} s, "
        f"{sitemap / args.entries * 1e3:.3f} s per 1000"
    )

    pages: dict[str, tuple[str, str]] = {}
    with serve_site(pages) as base:
        starts = []
        for family in FAMILIES:
            site = build(family, base)
            pages.update({path: page for path, page in site.pages.items() if path not in pages})
            starts.append(base + site.start)
        runs = {"feeds": [], "no feeds": []}
        for _ in range(args.crawls):
            runs["feeds"].append(crawl_seconds(starts))
            runs["no feeds"].append(crawl_seconds(starts, "--no-feeds"))
    with_feeds = statistics.median(seconds for seconds, _ in runs["feeds"])
    without = statistics.median(seconds for seconds, _ in runs["no feeds"])
    print(
        f"crawl of {len(starts)} tags: {runs['feeds'][0][1]} requests with feeds, "
        f"{runs['no feeds'][0][1]} without; {with_feeds:.2f} s against {without:.2f} s "
        f"({with_feeds / without:.2f}x)"
    )
    print(json.dumps({"finding_share": finding / listing, "crawl_ratio": with_feeds / without}))


if __name__ == "__main__":
    main()
