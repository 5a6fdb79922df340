"""Export at scale: rows/s and peak memory of `newsarchive export` on a 1M-story archive.

    python -m benchmarks.export_scale [--stories N] [--rounds R]

Builds the archive once (bulk batches through `Archive.store`, cached in benchmarks/out/), then
alternates, round by round, the CSV and JSON-lines exports with a baseline: the same rows read
with the plain sqlite3 module and written with the csv module. Each export runs in its own
process, so its peak RSS is its own. A second, ten times smaller archive shows whether memory
grows with the archive.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

from newsarchive.items import Story

OUT = Path(__file__).resolve().parent / "out"
BATCH = 5000
TAGS = ("Perú", "Bolivia", "Chile", "Ecuador", "Colombia", "Argentina", "Venezuela", "México")
WORDS = (
    "comunidades", "litio", "congreso", "reforma", "agraria", "huelga", "minería", "consulta",
    "soberanía", "protesta", "elecciones", "amazonía", "agua", "salario", "tierra", "energía",
)  # fmt: skip
# What `newsarchive export` imports when it runs (the command line itself starts without them).
EXPORT_IMPORTS = ("newsarchive.storage.archive", "newsarchive.views.bundle")
BASELINE_SQL = (
    "SELECT s.url, s.headline, s.teaser, s.published_at, s.author, s.image_url, s.site, "
    "(SELECT group_concat(t.name, '; ') FROM story_tags st JOIN tags t ON t.id = st.tag_id "
    "WHERE st.story_id = s.id), s.first_seen_at, s.last_seen_at, s.confidence FROM stories s "
    "ORDER BY s.id"
)


def build(path: Path, count: int) -> float:
    """Fill a new archive with `count` stories, each under one to three tags; returns stories/s."""
    from newsarchive.status import RunStatus
    from newsarchive.storage import Archive

    archive = Archive.open(str(path))
    run = archive.runs.begin([f"https://noticias.example.org/tag/{t.lower()}/" for t in TAGS])
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        batch = []
        for n in range(first, min(first + BATCH, count)):
            words = " ".join(WORDS[(n * k) % len(WORDS)] for k in (1, 3, 7, 11))
            for k in range(1 + n % 3):
                batch.append(Story(
                    url=f"https://noticias.example.org/{2000 + n % 25}/{n}/nota-{n}/",
                    headline=f"Nota {n}: {words}", teaser=f"Resumen de la nota {n} sobre {words}.",
                    published_at=f"{2000 + n % 25}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    author="Redacción", site="noticias.example.org", tag=TAGS[(n + k) % len(TAGS)],
                    listing_url="https://noticias.example.org/tag/x/", page_number=1 + n // 20,
                    position=1 + n % 20, fetched_at="2024-08-01T12:00:00+00:00",
                    confidence=round(0.3 + (n % 650) / 1000, 3),
                ))  # fmt: skip
        archive.write.store(run, batch)
    rate = count / (time.perf_counter() - started)
    archive.runs.finish(run, RunStatus.FINISHED, pages=count // 20, errors=0)
    archive.close()
    return rate


def archive_of(count: int) -> tuple[Path, float | None]:
    path = OUT / f"export-{count}.sqlite"
    if path.exists():
        return path, None
    OUT.mkdir(exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    for leftover in OUT.glob(partial.name + "*"):
        leftover.unlink()
    rate = build(partial, count)
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to rename
    conn.close()
    partial.replace(path)
    return path, rate


def child(kind: str, db: Path, target: Path) -> None:
    """Run one export in this process and print rows, seconds and peak RSS as JSON."""
    if kind != "baseline":  # imported before the clock starts: rows/s, not start-up
        from newsarchive.cli import main

        for module in EXPORT_IMPORTS:
            import_module(module)
    started = time.perf_counter()
    if kind == "baseline":
        with sqlite3.connect(db) as conn, target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            rows = 0
            for rows, row in enumerate(conn.execute(BASELINE_SQL), start=1):  # noqa: B007
                writer.writerow(row)
    else:
        if main(["export", "--db", str(db), "--format", kind, "-o", str(target), "--force"]):
            raise SystemExit(1)
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT count(*) FROM stories").fetchone()[0]
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mib": peak_mib()}))


def peak_mib() -> float:
    """This process's peak resident memory; VmHWM, unlike ru_maxrss, starts afresh at exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, db: Path) -> dict[str, float]:
    target = OUT / f"export-out.{kind}"
    command = [
        sys.executable,
        "-m",
        "benchmarks.export_scale",
        "--child",
        kind,
        str(db),
        str(target),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    target.unlink(missing_ok=True)
    return json.loads(result.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export_scale", description=__doc__)
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    kinds = ("baseline", "csv", "jsonl")
    for count in (args.stories // 10, args.stories):
        db, build_rate = archive_of(count)
        built = f"built at {build_rate:,.0f} stories/s" if build_rate else "cached"
        print(f"\nArchive of {count:,} stories ({built}): {db}")
        figures: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
        for _ in range(args.rounds):
            for kind in kinds:
                figures[kind].append(measure(kind, db))
        base = statistics.median(f["rows"] / f["seconds"] for f in figures["baseline"])
        for kind in kinds:
            rates = [f["rows"] / f["seconds"] for f in figures[kind]]
            ratios = [
                rate / (r["rows"] / r["seconds"])
                for rate, r in zip(rates, figures["baseline"], strict=True)
            ]
            peak = max(f["peak_mib"] for f in figures[kind])
            print(
                f"  {kind:9} {statistics.median(rates):>10,.0f} rows/s  peak RSS {peak:6.1f} MiB  "
                f"x{statistics.median(ratios):.2f} of baseline ({base:,.0f} rows/s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
