"""Start-up of the command line: wall time of `--version`, `--help` and every command's `--help`.

    python -m benchmarks.startup [--rounds 5]

Each command line runs in a fresh process, as a user runs it (the `newsarchive` script beside
this Python, else `python -m newsarchive`), round after round; the figure is the median. The
same-run baseline is the bare interpreter (`python -c pass`). That none of them loads Scrapy,
SQLAlchemy, parsel or Datasette to start is a test (tests/test_cli.py).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def program() -> list[str]:
    script = Path(sys.executable).with_name("newsarchive")
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsarchive"]


def command_lines() -> list[list[str]]:
    """--version, --help, and `--help` of every command and `db` action."""
    from newsarchive.cli import build_parser, subcommands

    lines = [["--version"], ["--help"]]
    for name, (parser, _) in subcommands(build_parser()).items():
        lines.append([name, "--help"])
        lines += [[name, action, "--help"] for action in subcommands(parser)]
    return lines


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    lines = command_lines()
    base = [sys.executable, "-c", "pass"]
    times: dict[str, list[float]] = {"python -c pass": []} | {" ".join(line): [] for line in lines}
    for _ in range(args.rounds):
        times["python -c pass"].append(wall(base))
        for line in lines:
            times[" ".join(line)].append(wall([*program(), *line]))
    print(f"Start-up, median of {args.rounds} (wall): {' '.join(program())}")
    for name, figures in times.items():
        print(f"  {name:28} {statistics.median(figures) * 1000:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
