"""`newsarchive export`: archived stories as JSON lines, JSON or CSV, or a citable bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive import export
from newsarchive.bundle import BundleExists, write_bundle
from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, add_filters, story_filter
from newsarchive.storage import Archive, StoryFilter


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export",
        help="write archived stories as jsonl, json or csv, or a citable dataset bundle",
        description=(
            "Write archived stories as JSON lines, JSON or CSV, streamed in constant memory. "
            "CSV cells starting with = + - @ tab or CR get a leading ' so spreadsheets do "
            "not run them as formulas."
        ),
    )
    add_db(parser)
    parser.add_argument("--format", choices=export.FORMATS, help="default: csv with --excel")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--bundle", metavar="DIR",
        help="write a citable dataset: data, datapackage.json, runs.json, SHA256SUMS",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="replace an existing output")
    parser.add_argument(
        "--fields", metavar="A,B,...",
        help=f"fields to write, in order (default: {','.join(export.FIELDS)}; also "
        f"{','.join(sorted(set(export.FIELD_INFO) - set(export.FIELDS)))})",
    )  # fmt: skip
    parser.add_argument(
        "--excel", action="store_true", help="CSV as UTF-8 with a BOM, so Excel reads accents"
    )
    add_filters(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    fmt = args.format or ("csv" if args.excel or args.bundle else None)
    if fmt is None:
        raise CLIError("choose a --format: jsonl, json or csv", CLIError.USAGE)
    if args.excel and fmt != "csv":
        raise CLIError("--excel applies to CSV only", CLIError.USAGE)
    if args.bundle and args.output:
        raise CLIError("use either --output or --bundle", CLIError.USAGE)
    fields = parse_fields(args.fields)
    where = story_filter(args)
    archive = Archive.open(args.db, create=False)
    try:
        if args.bundle:
            try:
                bundle = write_bundle(
                    archive, Path(args.bundle), where=where, fmt=fmt, fields=fields,
                    excel=args.excel, force=args.force,
                )  # fmt: skip
            except BundleExists as error:
                raise CLIError(str(error), CLIError.OUTPUT) from None
            except OSError as error:
                raise CLIError(
                    f"cannot write {args.bundle}: {error.strerror}", CLIError.OUTPUT
                ) from None
            print(
                f"Wrote {bundle.stories} stories from {bundle.runs} run(s) to {bundle.directory}/ "
                f"({', '.join(bundle.files)})"
            )
        elif args.output:
            write_file(
                archive, Path(args.output), fmt, force=args.force, where=where, fields=fields,
                excel=args.excel,
            )  # fmt: skip
        else:
            sys.stdout.reconfigure(encoding="utf-8-sig" if args.excel else "utf-8", newline="")
            export.write(archive.iter_stories(where), sys.stdout, fmt, fields)
    finally:
        archive.close()
    return 0


def parse_fields(text: str | None) -> tuple[str, ...]:
    if not text:
        return export.FIELDS
    fields = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in fields if name not in export.FIELD_INFO]
    if unknown or not fields:
        raise CLIError(
            f"unknown field {unknown[0]!r} (known: {', '.join(export.FIELD_INFO)})"
            if unknown
            else "--fields names no field",
            CLIError.USAGE,
        )
    if len(set(fields)) != len(fields):
        raise CLIError("--fields names a field twice", CLIError.USAGE)
    return fields


def write_file(
    archive: Archive,
    path: Path,
    fmt: str,
    *,
    force: bool = False,
    where: StoryFilter | None = None,
    fields: tuple[str, ...] = export.FIELDS,
    excel: bool = False,
) -> int:
    """Export to `path` via a temporary file, so a failed export leaves no half-written file."""
    if path.exists() and not force:
        raise CLIError(f"{path} exists (use --force to overwrite)", CLIError.OUTPUT)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as out:
            count = export.write(archive.iter_stories(where), out, fmt, fields)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise CLIError(f"cannot write {path}: {error.strerror}", CLIError.OUTPUT) from None
    return count
