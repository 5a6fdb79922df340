"""`newsarchive demo`: crawl the bundled sample site and export it, to see the tool at work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive import demo
from newsarchive.cli.crawl import outcome, summary


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "demo",
        help="crawl the bundled sample site into data/demo.sqlite and export it",
        description="Serve the bundled sample site on 127.0.0.1, crawl it, export it.",
    )
    parser.add_argument("--data-dir", default="data", metavar="DIR", help="default: data")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.crawl.api import crawl
    from newsarchive.crawl.options import CrawlOptions
    from newsarchive.server import serve_directory
    from newsarchive.storage import Archive
    from newsarchive.views.export import export_file

    data = Path(args.data_dir)
    db = data / "demo.sqlite"
    # The sample site gets a new port each time, so its story URLs change: start afresh.
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    with serve_directory(demo.site_root()) as base:
        urls = [base + path for path in demo.TAG_PATHS]
        print(f"Serving the sample site at {base}; crawling {', '.join(urls)}")
        result = crawl(CrawlOptions(urls=tuple(urls), db=str(db), settings=demo.FAST_SETTINGS))
    outcome(result)
    print(summary(result))
    with Archive.open(str(db)) as archive:
        for fmt in ("jsonl", "csv"):
            path = data / f"demo.{fmt}"
            count = export_file(archive, path, fmt, force=True)
            print(f"Exported {count} stories to {path}")
    program = sys.argv[0] if Path(sys.argv[0]).name == "newsarchive" else "newsarchive"
    print(f"Explore it in your web browser: {program} browse --db {db}")
    return 0
