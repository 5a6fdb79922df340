"""`newsarchive export`: the archive as JSON lines, JSON or CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive import export
from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db
from newsarchive.storage import Archive


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export",
        help="write archived stories as jsonl, json or csv",
        description="Write archived stories as JSON lines, JSON or CSV (streamed).",
    )
    add_db(parser)
    parser.add_argument("--format", required=True, choices=export.FORMATS)
    parser.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --output")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    archive = Archive.open(args.db, create=False)
    try:
        if args.output:
            write_file(archive, Path(args.output), args.format, force=args.force)
        else:
            sys.stdout.reconfigure(encoding="utf-8", newline="")
            export.write(archive.iter_stories(), sys.stdout, args.format)
    finally:
        archive.close()
    return 0


def write_file(archive: Archive, path: Path, fmt: str, *, force: bool = False) -> int:
    """Export to `path` via a temporary file, so a failed export leaves no half-written file."""
    if path.exists() and not force:
        raise CLIError(f"{path} exists (use --force to overwrite)", CLIError.OUTPUT)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            count = export.write(archive.iter_stories(), out, fmt)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CLIError(f"cannot write {path}: {error.strerror}", CLIError.OUTPUT) from None
    return count
