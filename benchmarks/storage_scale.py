"""The write path at scale: stories/s into an archive that already holds 1,000,000 stories.

    python -m benchmarks.storage_scale [--stories N] [--rounds R]

Uses the 1M-story archive of `export_scale` (built once, cached in benchmarks/out/). Each round
copies it, then stores 100,000 stories new to it (one sighting and one tag each, batches of
5,000, as a crawl hands them over) and then sees the same 100,000 again (every one known: an
update and a sighting each). The baseline in the same round is the driver alone: plain sqlite3
inserting the same story rows into a table with only the unique URL index, filled to the same
size. Peak RSS is this process's.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.export_scale import archive_of
from newsarchive.items import Story
from newsarchive.storage import Archive

ADDED = 100_000
BATCH = 5_000


def stories(first: int, count: int, fetched_at: str) -> list[Story]:
    return [
        Story(
            url=f"https://diario.example.net/2026/{n % 12 + 1:02d}/nota-nueva-{n}/",
            headline=f"Nota nueva {n}: asamblea, huelga y consulta previa",
            teaser=f"Resumen de la nota nueva {n} sobre la asamblea regional y la huelga.",
            published_at=f"2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
            author="Redacción",
            site="diario.example.net",
            tag=f"Tema {n % 100}",
            extraction_method="wordpress",
            listing_url="https://diario.example.net/tag/x/",
            page_number=1 + n // 20 % 20,
            position=1 + n % 20,
            fetched_at=fetched_at,
        )
        for n in range(first, first + count)
    ]


def store_all(archive: Archive, run: int, fetched_at: str) -> float:
    """Store the ADDED stories batch by batch; returns stories/s."""
    started = time.perf_counter()
    for first in range(0, ADDED, BATCH):
        archive.write.store(run, stories(first, BATCH, fetched_at))
    return ADDED / (time.perf_counter() - started)


def baseline(path: Path, size: int) -> float:
    """The driver alone: the same story rows into a table with just the unique URL index."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE stories (id INTEGER PRIMARY KEY, url TEXT UNIQUE, headline TEXT, "
        "teaser TEXT, published_at TEXT, author TEXT, site TEXT)"
    )
    with conn:
        conn.executemany(
            "INSERT INTO stories (url, headline, teaser, published_at, author, site) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    f"https://noticias.example.org/{n}/nota-{n}/",
                    f"Nota {n}",
                    "Resumen",
                    "2024",
                    "Redacción",
                    "noticias.example.org",
                )
                for n in range(size)
            ),
        )
    rows = stories(0, ADDED, "2026-01-01T00:00:00+00:00")
    started = time.perf_counter()
    for first in range(0, ADDED, BATCH):
        with conn:
            conn.executemany(
                "INSERT INTO stories (url, headline, teaser, published_at, author, site) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (s.url, s.headline, s.teaser, s.published_at, s.author, s.site)
                    for s in rows[first : first + BATCH]
                ],
            )
    rate = ADDED / (time.perf_counter() - started)
    conn.close()
    return rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.storage_scale", description=__doc__)
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    source, built = archive_of(args.stories)
    if built:
        print(f"built the {args.stories:,}-story archive at {built:,.0f} stories/s")
    figures: dict[str, list[float]] = {"new": [], "known": [], "baseline": []}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            copy = Path(tmp) / "archive.sqlite"
            shutil.copy(source, copy)
            archive = Archive.open(str(copy))
            run = archive.runs.begin(["https://diario.example.net/tag/x/"])
            new = store_all(archive, run, "2026-01-01T00:00:00+00:00")
            known = store_all(archive, run, "2026-01-02T00:00:00+00:00")
            archive.close()
            base = baseline(Path(tmp) / f"baseline-{round_}.sqlite", args.stories)
            for name, value in (("new", new), ("known", known), ("baseline", base)):
                figures[name].append(value)
            print(
                f"round {round_}: new {new:9,.0f} stories/s   known {known:9,.0f} stories/s   "
                f"driver alone {base:9,.0f} rows/s",
                flush=True,
            )
            for leftover in Path(tmp).iterdir():
                leftover.unlink()
    medians = {name: statistics.median(values) for name, values in figures.items()}
    ratio = statistics.median(
        n / b for n, b in zip(figures["new"], figures["baseline"], strict=True)
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"into a {args.stories:,}-story archive, medians: new {medians['new']:,.0f} stories/s, "
        f"known {medians['known']:,.0f} stories/s, driver alone {medians['baseline']:,.0f} rows/s "
        f"(new / driver alone: {ratio:.2f}); peak RSS {peak:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
