"""Extraction time against the size of one listing page: does it grow linearly?

    python -m benchmarks.page_size [--sizes 1000 5000 20000] [--repeats 3]

Pages of N stories in two common shapes — a classic WordPress loop (the family layer reads it)
and a news portal's unmarked cards with a printed date and a comment count (the generic layer
reads it) — each the last page of its listing (no next link, so every way of finding one is
tried), extracted in full with `extract_listing`. Prints the stories found (at most
`MAX_STORIES` per page) and the median wall-clock and CPU seconds (CPU time is what the
extraction itself costs on a machine shared with other work); a linear extractor keeps seconds
per thousand links about flat as N grows.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from parsel import Selector

from newsarchive.extract import MAX_STORIES, extract_listing

URL = "https://bench.example/tag/huelga/"
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
          "octubre", "noviembre", "diciembre")  # fmt: skip


def wordpress(count: int) -> str:
    posts = "".join(
        f'<article id="post-{n}" class="post-{n} post type-post hentry">'
        f'<h2 class="entry-title"><a href="/{2000 + n % 24}/{n % 12 + 1:02d}/{n % 28 + 1:02d}/'
        f'nota-{n}/">Titular número {n} sobre la huelga minera del sur</a></h2>'
        f'<div class="entry-meta"><time class="entry-date" datetime="{2000 + n % 24}-'
        f'{n % 12 + 1:02d}-{n % 28 + 1:02d}">{n % 28 + 1} {MONTHS[n % 12]}</time>'
        f' <span class="comments-link"><a href="/nota-{n}/#comments">{n % 40}</a></span></div>'
        f'<div class="entry-summary"><p>Bajada de la nota {n}, con texto suficiente.</p></div>'
        "</article>"
        for n in range(count)
    )
    return _page(f'<main id="main" class="site-main">{posts}</main>')


def portal(count: int) -> str:
    cards = "".join(
        f'<div class="nota"><h3><a href="/nota/{n}">Titular número {n} sobre la huelga minera'
        f" del sur</a></h3><p>Bajada de la nota {n}, con texto suficiente para ser bajada.</p>"
        f'<span class="fecha">{n % 28 + 1} de {MONTHS[n % 12]} de {2000 + n % 24}</span>'
        f' <span class="votos">{n % 40}</span></div>'
        for n in range(count)
    )
    return _page(f'<div class="contenido">{cards}</div>')


def _page(body: str) -> str:
    # The last page of its listing: no link onwards, so every way of finding one is tried.
    return f'<html lang="es"><head><title>Huelga | Bench</title></head><body>{body}</body></html>'


SHAPES: dict[str, Callable[[int], str]] = {"wordpress": wordpress, "portal": portal}


def run(sizes: list[int], repeats: int) -> None:
    print(f"median of {repeats} runs; at most {MAX_STORIES} stories are read per page")
    print(
        f"{'shape':10} {'links':>7} {'stories':>8} {'seconds':>8} {'CPU s':>7} {'s/1k links':>11}"
    )
    for name, build in SHAPES.items():
        for size in sizes:
            page = Selector(text=build(size))
            walls, cpus, found = [], [], 0
            for _ in range(repeats):
                started, cpu = time.perf_counter(), time.process_time()
                found = len(extract_listing(page, URL).stories)
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            print(f"{name:10} {size:7} {found:8} {wall:8.2f} {cpu:7.2f} {wall / size * 1000:11.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    run(options.sizes, options.repeats)
