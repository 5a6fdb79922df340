"""Run every benchmark, or those named: `python -m benchmarks [extraction_speed ...]`.

Each runs in a process of its own, so that one's memory neither counts in the next one's figures
nor, through fork, in the peak RSS it measures of its own child processes.
"""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "extraction_speed", "page_size", "crawl_speed", "jobs_speed", "crawl_at_scale",
    "storage_scale", "export_scale", "startup", "article_speed", "feeds",
)  # fmt: skip


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    for name in names or MODULES:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, "-m", f"benchmarks.{name}"], check=False).returncode:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
