"""An incremental crawl into a 1,000,000-story archive against the same crawl into an empty one.

    python -m benchmarks.crawl_at_scale [--stories N] [--rounds R]

The full `newsarchive crawl` of the benchmark site (see crawl_speed), alternated round by round
between an empty archive and a copy of export_scale's 1M-story archive. The site's stories are
new to both, so both walk all 2,000 pages; any difference is what the archive's size costs
(look-ups, index depth, memory). Prints pages/s, peak RSS and the median per-round ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from benchmarks import sitegen
from benchmarks.crawl_speed import OUT, run_newsarchive
from benchmarks.export_scale import archive_of
from benchmarks.servers import static_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.crawl_at_scale", description=__doc__
    )
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    source, _ = archive_of(args.stories)
    sitegen.generate(OUT / "site")
    ratios, rss = [], {"empty": [], "full": []}
    with tempfile.TemporaryDirectory() as tmp, static_server(OUT / "site") as (base, server):
        work = Path(tmp)
        print(f"server: {server}; prefilled archive: {args.stories:,} stories")
        for round_ in range(1, args.rounds + 1):
            runs = {}
            order = ("empty", "full") if round_ % 2 else ("full", "empty")
            for kind in order:
                number = round_ if kind == "empty" else 1000 + round_
                if kind == "full":
                    shutil.copy(source, work / f"archive-{number}.sqlite")
                run = run_newsarchive(base, work, number)
                runs[kind] = run
                rss[kind].append(run.peak_rss_mb)
                print(
                    f"round {round_} {kind:5} archive: {run.pages} pages {run.pages_per_s:6.1f}"
                    f" pages/s, {run.stories} sightings, peak RSS {run.peak_rss_mb:.0f} MB",
                    flush=True,
                )
                (work / f"archive-{number}.sqlite").unlink()
            ratios.append(runs["full"].pages_per_s / runs["empty"].pages_per_s)
    print(
        f"median ratio 1M-story archive / empty archive: {statistics.median(ratios):.2f}; "
        f"median peak RSS {statistics.median(rss['empty']):.0f} MB (empty), "
        f"{statistics.median(rss['full']):.0f} MB (1M)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
