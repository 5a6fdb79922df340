"""`newsarchive report`: a self-contained HTML report of the archive (counts, timeline, sites)."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db
from newsarchive.report.page import render
from newsarchive.storage import Archive


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
    path = Path(args.output)
    if path.exists() and not args.force:
        raise CLIError(f"{path} exists (use --force to overwrite)", CLIError.OUTPUT)
    archive = Archive.open(args.db, create=False)
    try:
        page = render(archive)
    finally:
        archive.close()
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(page, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CLIError(f"cannot write {path}: {error.strerror}", CLIError.OUTPUT) from None
    return 0
