"""Extraction speed per layer over the real corpus (and our fixture listings), in pages/s.

Every layer runs on every page (whether or not it would win there), then the whole
`extract_listing` and the pagination finder. Each figure is the median of REPEATS runs over all
pages; the baseline is parsing the same pages into a Selector, and every layer is shown as a
ratio to it (how many parses one layer's run costs).

Then the learned layouts on the generated benchmark site (a classic WordPress theme): pages of
a few tags read in crawl order through one `LayoutCache` (learning on the first page, checking
against full extraction every so often), and the learned read alone on the later pages, against
full extraction and parsing of the same pages.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from parsel import Selector

from benchmarks import sitegen
from newsarchive.extract import LAYERS, extract_listing
from newsarchive.extract.context import page_context
from newsarchive.extract.learned import LayoutCache, learn, read
from newsarchive.extract.pagination import find_next_page

REPEATS = 5
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"
LISTINGS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "listings"
SITE = Path(__file__).resolve().parent / "out" / "site"
SITE_TAGS = 5  # tags of the generated site read in the learned-layout figures
BASE = "http://127.0.0.1:8000"


def pages() -> list[tuple[str, str]]:
    """(html, page URL) of every corpus page and fixture listing."""
    found = []
    for folder in (CORPUS, LISTINGS):
        for truth_path in sorted(folder.glob("*.json")):
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            encoding = truth.get("encoding", "utf-8")
            codec = "utf-8-sig" if "BOM" in encoding else encoding.split()[0]
            html = truth_path.with_suffix(".html").read_bytes().decode(codec)
            found.append((html, truth["page_url"]))
    return found


def median_seconds(work: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> None:
    layers()
    learned()


def layers() -> None:
    sources = pages()
    if not sources:
        print("no pages found (corpus or fixtures missing)")
        return
    parsed = [(Selector(text=html), url) for html, url in sources]
    count = len(parsed)
    baseline = median_seconds(lambda: [Selector(text=html) for html, _ in sources])
    rows = [("parse HTML (baseline)", baseline)]

    def layer_run(layer: Callable) -> Callable[[], object]:
        # A fresh context per page and run, as in a crawl: no dates cached between pages.
        return lambda: [layer(page_context(page, url)) for page, url in parsed]

    seen: dict[str, int] = {}
    for name, layer in LAYERS:
        seen[name] = seen.get(name, 0) + 1  # a family may have several layouts (joomla)
        label = f"layer {name}" + (f" ({seen[name]})" if seen[name] > 1 else "")
        rows.append((label, median_seconds(layer_run(layer))))
    rows.append((
        "find_next_page",
        median_seconds(lambda: [find_next_page(p, u, u) for p, u in parsed]),
    ))  # fmt: skip
    rows.append((
        "extract_listing (all layers)",
        median_seconds(lambda: [extract_listing(p, u) for p, u in parsed]),
    ))  # fmt: skip
    print(f"{count} pages, median of {REPEATS} runs")
    print(f"{'step':34} {'pages/s':>9} {'x parse':>8}")
    for name, seconds in rows:
        print(f"{name:34} {count / seconds:9.1f} {seconds / baseline:8.1f}")


def site_pages() -> list[tuple[str, str]]:
    """(html, URL) of every page of the first SITE_TAGS tags, in crawl order."""
    sitegen.generate(SITE)
    found = []
    for tag in range(SITE_TAGS):
        for number in range(1, sitegen.PAGES + 1):
            path = sitegen.page_url(tag, number)
            html = (SITE / path.strip("/") / "index.html").read_text(encoding="utf-8")
            found.append((html, BASE + path))
    return found


def crawl_order(parsed: list[tuple[Selector, str]]) -> None:
    """Every page through one cache, as a crawl reads them."""
    cache = LayoutCache()
    for page, url in parsed:
        cache.extract(page, url)


def learned() -> None:
    sources = site_pages()
    parsed = [(Selector(text=html), url) for html, url in sources]
    later = [(page, url) for page, url in parsed if "/page/" in url]
    layout = learn(*parsed[0], None, extract_listing(*parsed[0]))
    if layout is None:
        print("no layout learned on the generated site")
        return
    baseline = median_seconds(lambda: [Selector(text=html) for html, _ in sources]) / len(sources)
    rows = [
        ("parse HTML (baseline)", baseline),
        (
            "extract_listing (all layers)",
            median_seconds(lambda: [extract_listing(p, u) for p, u in later]) / len(later),
        ),
        (
            "learned layout, later pages",
            median_seconds(lambda: [read(layout, p, u, None) for p, u in later]) / len(later),
        ),
        (
            "LayoutCache, every page",
            median_seconds(lambda: crawl_order(parsed)) / len(parsed),
        ),
    ]
    print(f"\ngenerated site: {SITE_TAGS} tags x {sitegen.PAGES} pages, median of {REPEATS} runs")
    print(f"{'step':34} {'ms/page':>9} {'pages/s':>9} {'x parse':>8}")
    for name, seconds in rows:
        print(f"{name:34} {seconds * 1000:9.2f} {1 / seconds:9.1f} {seconds / baseline:8.1f}")


if __name__ == "__main__":
    run()
