"""Run every benchmark, or those named: `python -m benchmarks [extraction_speed ...]`."""

from __future__ import annotations

import importlib
import sys

MODULES = (
    "extraction_speed", "crawl_speed", "jobs_speed", "crawl_at_scale", "storage_scale",
    "export_scale",
)  # fmt: skip


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; known: {', '.join(MODULES)}", file=sys.stderr)
        return 2
    for name in names or MODULES:
        print(f"== {name}")
        module = importlib.import_module(f"benchmarks.{name}")
        if hasattr(module, "run"):
            module.run()
        elif module.main([]):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
