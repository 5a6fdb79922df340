"""`newsarchive demo`: crawl the bundled sample site twice and export it, to see the tool at work."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from newsarchive.cli.crawl import outcome, summary
from newsarchive.cli.examples import DEMO_DB, EXAMPLES

# What to try next, as each command's help shows it.
NEXT = ("runs", "history", "search", "export", "report")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "demo",
        help="crawl the bundled sample site twice into data/demo.sqlite and export it",
        description=(
            "Serve the bundled sample site on 127.0.0.1 and crawl it twice, as a daily crawl "
            "would: in between, the site publishes new stories, pushes older ones off the first "
            "page and rewrites a headline. Then export the archive. Replaces the files an "
            "earlier demo left in the same folder."
        ),
    )
    parser.add_argument("--data-dir", default="data", metavar="DIR", help="default: data")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive import demo
    from newsarchive.crawl.api import crawl
    from newsarchive.crawl.options import CrawlOptions
    from newsarchive.demo.proxy import proxy_settings
    from newsarchive.demo.server import serve_sample_site
    from newsarchive.storage import Archive
    from newsarchive.views.export import export_file

    data = Path(args.data_dir)
    db, warc = data / "demo.sqlite", data / "demo-warc"
    clean(data)
    with serve_sample_site() as site:
        print(f"Serving the sample site {demo.SITE}/ from {site.proxy}")
        options = CrawlOptions(
            urls=demo.START_URLS,
            db=str(db),
            warc_dir=str(warc),
            settings=demo.FAST_SETTINGS | proxy_settings(site.proxy),
        )
        for number, state in enumerate((demo.EARLIER, demo.LATER), start=1):
            site.state = state
            print(
                f"\nCrawl {number} of 2: the site {'as it was' if number == 1 else 'a day later'}"
            )
            result = crawl(options)
            outcome(result)
            print(summary(result))
    with Archive.open(str(db)) as archive:
        for fmt in ("jsonl", "csv"):
            path = data / f"demo.{fmt}"
            count = export_file(archive, path, fmt, force=True)
            print(f"Exported {count} stories to {path}")
    program = sys.argv[0] if Path(sys.argv[0]).name == "newsarchive" else "newsarchive"
    print("\nTry next:")
    for command in NEXT:
        line, meaning = EXAMPLES[command][0]
        line = line.replace(f"--db {DEMO_DB}", f"--db {db}").replace("newsarchive", program, 1)
        print(f"  {line}\n      {meaning}")
    print(f"Explore it in your web browser: {program} browse --db {db}")
    return 0


def clean(data: Path) -> None:
    """Remove what an earlier demo left in `data`: its archive, exports and WARC files."""
    db = data / "demo.sqlite"
    for suffix in ("", "-wal", "-shm", ".lock"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    for name in ("demo.jsonl", "demo.csv"):
        (data / name).unlink(missing_ok=True)
    shutil.rmtree(data / "demo-warc", ignore_errors=True)
