"""`newsarchive runs`: the crawl runs of an archive, latest first, with their figures."""

from __future__ import annotations

import argparse
import json
from typing import Any

from newsarchive.cli.options import add_db, open_archive
from newsarchive.cli.table import print_table
from newsarchive.files import json_default

COLUMNS = (
    ("ID", ">"), ("STARTED (UTC)", "<"), ("SECONDS", ">"), ("STATUS", "<"), ("MODE", "<"),
    ("PAGES", ">"), ("LISTED", ">"), ("NEW", ">"), ("KNOWN", ">"), ("ERRORS", ">"), ("TAGS", "<"),
)  # fmt: skip


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "runs",
        help="list crawl runs with their figures, latest first",
        description="List crawl runs, latest first: status, pages, stories, tags, WARC files.",
    )
    add_db(parser)
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="default: 20")
    parser.add_argument("--json", action="store_true", help="one JSON object per run")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        runs = archive.runs.latest(max(args.limit, 1))
    if args.json:
        for run in runs:
            print(json.dumps(run, ensure_ascii=False, default=json_default))
        return 0
    print_table(COLUMNS, [_row(run) for run in runs])
    return 0


def _row(run: dict[str, Any]) -> tuple[Any, ...]:
    walks = run["walks"]
    seconds = (
        f"{(run['finished_at'] - run['started_at']).total_seconds():.1f}"
        if run["finished_at"]
        else "-"
    )
    return (
        run["id"],
        run["started_at"].strftime("%Y-%m-%d %H:%M:%S"),
        seconds,
        run["status"],
        "/".join(sorted({w["mode"] for w in walks})) or "-",
        run["pages"],
        sum(w["stories"] for w in walks) if walks else "-",
        run["stories_new"],
        run["stories_existing"],
        run["errors"],
        ", ".join(w["tag"] or w["start_url"] for w in walks) or ", ".join(run["start_urls"]),
    )
