"""`newsarchive reparse`: re-extract stored listing pages from WARC files, without network."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, archive_target, open_archive


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "reparse",
        help="re-extract stories from the runs' WARC files with the current extractors",
        description=(
            "Re-extract the listing pages kept in WARC files with the current extractors and "
            "replace the sightings of each page with the result; sightings whose page cannot be "
            "read again are kept. No network. Use it after an extractor fix."
        ),
    )
    add_db(parser)
    parser.add_argument("--run", type=int, metavar="ID", help="only this run (default: all)")
    parser.add_argument(
        "--warc-dir", dest="warc_dirs", action="append", default=[], type=Path, metavar="DIR",
        help="also look here for WARC files that were moved (repeatable)",
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.reparse import reparse
    from newsarchive.storage import lock_archive

    # A crawl must not write while sightings are replaced.
    with lock_archive(archive_target(args)), open_archive(args, write=True) as archive:
        results = reparse(archive, args.run, args.warc_dirs)
    if not results:
        which = f"run {args.run} has" if args.run is not None else "no run has"
        raise CLIError(f"{which} no WARC files to re-extract", CLIError.MISSING_WARC)
    missing = []
    for result in results:
        if result.missing:
            missing += result.missing
            print(f"Run {result.run_id}: skipped, WARC file not found: {result.missing[0]}")
        else:
            kept = (
                f"; {result.kept} sighting(s) kept as they were (no readable WARC record)"
                if result.kept
                else ""
            )
            stories = "story" if result.removed == 1 else "stories"
            removed = (
                f"; removed {result.removed} {stories} that no page lists any more"
                if result.removed
                else ""
            )
            print(
                f"Run {result.run_id}: {result.pages} page(s), {result.stories} stories "
                f"({result.new} new to the archive){kept}{removed}"
            )
    if missing:
        raise CLIError(
            f"{len(missing)} WARC file(s) not found (use --warc-dir if they were moved)",
            CLIError.MISSING_WARC,
        )
    return 0
