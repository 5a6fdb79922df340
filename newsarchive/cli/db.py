"""`newsarchive db`: looking after the archive itself (`db check`)."""

from __future__ import annotations

import argparse

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db
from newsarchive.storage import Archive
from newsarchive.storage.checks import check_archive


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "db", help="check the archive", description="Look after the archive itself."
    )
    subcommands = parser.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)
    check = subcommands.add_parser(
        "check",
        help="run the integrity checks and print counts",
        description=(
            "Check the archive: SQLite integrity, orphan rows, stories without sightings. "
            "Prints counts; exits non-zero when a check finds a problem. Safe while a crawl runs."
        ),
    )
    add_db(check)
    check.set_defaults(handler=handle_check)


def handle_check(args: argparse.Namespace) -> int:
    archive = Archive.open(args.db, create=False)
    try:
        findings = check_archive(archive)
        print(f"archive: {archive.location}")
    finally:
        archive.close()
    for finding in findings:
        note = f" ({finding.detail})" if finding.detail and finding.count else ""
        print(f"{finding.name}: {finding.count}{note}")
    failed = [finding.name for finding in findings if finding.failed]
    if failed:
        raise CLIError(f"archive check failed: {', '.join(failed)}", CLIError.CHECK_FAILED)
    print("no problems found")
    return 0
