"""`newsarchive report`: a self-contained HTML report of the archive (counts, timeline, sites)."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsarchive.cli.errors import writing
from newsarchive.cli.options import add_db, open_archive


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report",
        help="write a self-contained HTML report of the archive",
        description=(
            "Write one HTML file with the archive's counts, a coverage timeline and its top "
            "sites; it needs no network, script or other file to open."
        ),
    )
    add_db(parser)
    parser.add_argument("--output", "-o", required=True, metavar="FILE.html", help="write here")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --output")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.views.report.page import write_report

    path = Path(args.output)
    with open_archive(args) as archive, writing(path):
        write_report(archive, path, force=args.force)
    return 0
