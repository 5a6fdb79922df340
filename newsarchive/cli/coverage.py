"""`newsarchive coverage`: how complete each start URL's listing is, with its feed as a witness."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from newsarchive.cli.options import add_db, open_archive
from newsarchive.cli.table import print_table
from newsarchive.files import json_default

if TYPE_CHECKING:
    from newsarchive.storage.coverage import StartCoverage

COLUMNS = (
    ("TAG", "<"), ("SITE", "<"), ("STORIES", ">"), ("NEWEST", "<"), ("OLDEST", "<"),
    ("DEEPEST", ">"), ("COMPLETE", "<"), ("RUNS", ">"), ("LAST RUN", "<"), ("FEED ONLY", ">"),
    ("LISTING ONLY", ">"), ("FEED", "<"),
)  # fmt: skip


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "coverage",
        help="how complete each tag's archive is, checked against its feed and sitemaps",
        description=(
            "One row per start URL: stories, newest and oldest publication date, deepest page "
            "reached, whether a walk reached the listing's end, runs, the feed and sitemaps "
            "found, and what the feed listed that the listing did not (and the other way round)."
        ),
    )
    add_db(parser)
    parser.add_argument(
        "--tag", dest="tags", action="append", default=[], metavar="NAME",
        help="only start URLs of this tag (repeatable; any case)",
    )  # fmt: skip
    parser.add_argument(
        "--site", dest="sites", action="append", default=[], metavar="HOST",
        help="only start URLs of this site, e.g. example.org (repeatable)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="one JSON object per start URL")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        found = archive.coverage.per_start_url(args.tags, args.sites)
    if args.json:
        for row in found:
            print(json.dumps(row.as_dict(), ensure_ascii=False, default=json_default))
        return 0
    print_table(COLUMNS, [_row(row) for row in found])
    return 0


def _row(row: StartCoverage) -> tuple[Any, ...]:
    return (
        row.tag or row.start_url,
        row.site,
        row.stories,
        (row.newest_published or "-")[:10],
        (row.oldest_published or "-")[:10],
        row.deepest_page or "-",
        "yes" if row.walk_complete else "no",
        row.runs,
        f"{row.last_run_id} {row.last_run_status}" if row.last_run_id else "-",
        len(row.feed_only) if row.feed_url or row.feed_only else "-",
        "-" if row.listing_only is None else row.listing_only,
        row.feed_url or "-",
    )
