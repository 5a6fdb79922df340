"""`newsarchive export`: archived stories as JSON lines, JSON or CSV, or a citable bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsarchive.cli.errors import CLIError, writing
from newsarchive.cli.options import add_db, add_filters, open_archive, story_filter
from newsarchive.storage.columns import FIELDS as KNOWN
from newsarchive.storage.selection import StoryFilter
from newsarchive.views.export import FIELDS, FORMATS


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export",
        help="write archived stories as jsonl, json or csv, a citable dataset bundle, or the "
        "runs' pages as a WACZ package",
        description=(
            "Write archived stories as JSON lines, JSON or CSV, streamed in constant memory. "
            "CSV keeps every text exactly; with --excel, cells starting with = + - @ tab or CR "
            "get a leading ' so spreadsheets do not run them as formulas."
        ),
    )
    add_db(parser)
    parser.add_argument(
        "--format", choices=FORMATS,
        help="default: the --output file's extension (.csv, .json, .jsonl); csv for --excel "
        "and --bundle",
    )  # fmt: skip
    parser.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    parser.add_argument(
        "--bundle", metavar="DIR",
        help="write a citable dataset: data, datapackage.json, CITATION.cff, runs.json, SHA256SUMS",
    )  # fmt: skip
    parser.add_argument(
        "--wacz", metavar="FILE",
        help="write the runs' WARC files as a WACZ package for replay tools (with --run, --tag)",
    )  # fmt: skip
    parser.add_argument(
        "--run", dest="runs", action="append", type=int, default=[], metavar="ID",
        help="--wacz: only this run's pages (repeatable; default: every run with WARC files)",
    )  # fmt: skip
    parser.add_argument(
        "--warc-dir", dest="warc_dirs", action="append", default=[], type=Path, metavar="DIR",
        help="--wacz: also look here for WARC files that were moved (repeatable)",
    )  # fmt: skip
    bundle = parser.add_argument_group("the dataset a --bundle describes")
    bundle.add_argument(
        "--license", metavar="ID",
        help="its licence, an SPDX or Open Definition id such as CC-BY-4.0 (default: "
        "other-closed: the texts belong to their publishers)",
    )  # fmt: skip
    bundle.add_argument(
        "--author", dest="authors", action="append", default=[], metavar="NAME",
        help="who compiled it, for CITATION.cff (repeatable)",
    )  # fmt: skip
    bundle.add_argument("--dataset-version", metavar="VERSION", help="its version (default: 1.0.0)")
    parser.add_argument("--force", action="store_true", help="replace an existing output")
    parser.add_argument(
        "--fields", metavar="A,B,...",
        help=f"fields to write, in order (default: {','.join(FIELDS)}; also "
        f"{','.join(sorted(set(KNOWN) - set(FIELDS)))})",
    )  # fmt: skip
    parser.add_argument(
        "--excel", action="store_true",
        help="CSV for a spreadsheet: UTF-8 with a BOM, so Excel reads accents, and formulas "
        "disarmed with a leading '",
    )  # fmt: skip
    add_filters(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.views.bundle import Citation, write_bundle
    from newsarchive.views.export import encoding, export_file, format_of, write_stories

    if args.wacz:
        return wacz(args)
    if args.runs or args.warc_dirs:
        raise CLIError("--run and --warc-dir go with --wacz", CLIError.USAGE)
    fmt = args.format or ("csv" if args.excel or args.bundle else None)
    if fmt is None and args.output:
        fmt = format_of(Path(args.output))
        if fmt is None:
            raise CLIError(
                f"cannot tell the format from the name {args.output}: give --format "
                "(jsonl, json or csv)",
                CLIError.USAGE,
            )
    if fmt is None:
        raise CLIError("choose a --format: jsonl, json or csv", CLIError.USAGE)
    if args.excel and fmt != "csv":
        raise CLIError("--excel applies to CSV only", CLIError.USAGE)
    if args.bundle and args.output:
        raise CLIError("use either --output or --bundle", CLIError.USAGE)
    described = args.license or args.authors or args.dataset_version
    if described and not args.bundle:
        raise CLIError(
            "--license, --author and --dataset-version describe a --bundle", CLIError.USAGE
        )
    fields, where = parse_fields(args.fields), story_filter(args)
    with open_archive(args) as archive:
        if args.bundle:
            given = {"version": args.dataset_version, "licence": args.license}
            citation = Citation(
                authors=tuple(args.authors),
                **{name: value for name, value in given.items() if value},
            )
            with writing(args.bundle):
                bundle = write_bundle(
                    archive, Path(args.bundle), where=where, fmt=fmt, fields=fields,
                    excel=args.excel, force=args.force, citation=citation,
                )  # fmt: skip
            print(
                f"Wrote {bundle.stories} stories from {bundle.runs} run(s) to {bundle.directory}/ "
                f"({', '.join(bundle.files)})"
            )
            count = bundle.stories
        elif args.output:
            with writing(args.output):
                count = export_file(
                    archive, Path(args.output), fmt, fields=fields, where=where,
                    excel=args.excel, force=args.force,
                )  # fmt: skip
        else:
            sys.stdout.reconfigure(encoding=encoding(args.excel), newline="")
            count = write_stories(
                archive, sys.stdout, fmt, fields=fields, where=where, excel=args.excel
            )
    if not count:
        print(no_stories_warning(where), file=sys.stderr)
    return 0


def no_stories_warning(where: StoryFilter) -> str:
    """What to say when a selection is empty: the filters, or the archive, hold no story."""
    if where == StoryFilter():
        return "newsarchive: warning: the archive holds no stories; the export is empty"
    return "newsarchive: warning: no stories match the filters; the export is empty"


def parse_fields(text: str | None) -> tuple[str, ...]:
    if not text:
        return FIELDS
    fields = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in fields if name not in KNOWN]
    if unknown or not fields:
        raise CLIError(
            f"unknown field {unknown[0]!r} (known: {', '.join(KNOWN)})"
            if unknown
            else "--fields names no field",
            CLIError.USAGE,
        )
    if len(set(fields)) != len(fields):
        raise CLIError("--fields names a field twice", CLIError.USAGE)
    return fields


def wacz(args: argparse.Namespace) -> int:
    """`export --wacz FILE`: the runs' listing pages as a WACZ package."""
    from newsarchive.views.wacz import NothingToPack, WaczError, WarcMissing, write_wacz

    others = {
        "--format": args.format, "--output": args.output, "--bundle": args.bundle,
        "--fields": args.fields, "--excel": args.excel, "--site": args.sites,
        "--since": args.since, "--until": args.until, "--first-seen": args.first_seen,
        "--license": args.license, "--author": args.authors,
        "--dataset-version": args.dataset_version,
    }  # fmt: skip
    given = [name for name, value in others.items() if value]
    if given:
        raise CLIError(f"--wacz takes --run and --tag, not {given[0]}", CLIError.USAGE)
    with open_archive(args) as archive, writing(args.wacz):
        try:
            made = write_wacz(
                archive, Path(args.wacz), run_ids=args.runs, tags=args.tags,
                search_dirs=args.warc_dirs, force=args.force,
            )  # fmt: skip
        except NothingToPack as error:
            raise CLIError(str(error), CLIError.USAGE) from None
        except WarcMissing as error:
            raise CLIError(str(error), CLIError.MISSING_WARC) from None
        except WaczError as error:
            raise CLIError(str(error), CLIError.OUTPUT) from None
    runs = ", ".join(map(str, made.runs))
    print(
        f"Wrote {made.path}: {made.pages} listing page(s) of run(s) {runs}, "
        f"{len(made.warc_files)} WARC file(s)"
    )
    return 0
