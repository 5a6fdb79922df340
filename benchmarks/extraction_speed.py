"""Extraction speed per layer over the real corpus (and our fixture listings), in pages/s.

Every layer runs on every page (whether or not it would win there), then the whole
`extract_listing` and the pagination finder. Each figure is the median of REPEATS runs over all
pages; the baseline is parsing the same pages into a Selector, and every layer is shown as a
ratio to it (how many parses one layer's run costs).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from parsel import Selector

from newsarchive.extract import LAYERS, extract_listing
from newsarchive.extract.context import page_context
from newsarchive.extract.pagination import find_next_page

REPEATS = 5
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"
LISTINGS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "listings"


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
