"""`newsarchive db ACTION`: looking after the archive database itself."""

from __future__ import annotations

import argparse

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, archive_target, open_archive


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "db", help="look after the archive database (upgrade, check)",
        description="Look after the archive database.",
    )  # fmt: skip
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for register_action in ACTIONS:
        register_action(actions)


def register_upgrade(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "upgrade",
        help="migrate an archive written by an older version to the current schema",
        description=(
            "Migrate the archive in place to the current schema, keeping every story. "
            "A SQLite archive is first copied next to itself (ARCHIVE.schema-REV.sqlite)."
        ),
    )
    add_db(parser)
    parser.add_argument(
        "--no-backup", action="store_true", help="do not keep a copy of the archive first"
    )
    parser.set_defaults(handler=upgrade)


def upgrade(args: argparse.Namespace) -> int:
    from newsarchive.storage import Archive, lock_archive

    target = archive_target(args)
    with lock_archive(target):  # no crawl writes while the schema changes
        done = Archive.upgrade(target, backup=not args.no_backup)
    if done.before == done.after:
        print(f"The archive is up to date (schema {done.after}).")
        return 0
    print(f"Upgraded the archive from schema {done.before or 'none'} to {done.after}.")
    if done.backup:
        print(f"The archive as it was: {done.backup}")
    return 0


def register_check(actions: argparse._SubParsersAction) -> None:
    parser = actions.add_parser(
        "check",
        help="run the integrity checks and print counts",
        description=(
            "Check the archive: SQLite integrity, orphan rows, stories without sightings. "
            "Prints counts; exits non-zero when a check finds a problem. Safe while a crawl runs."
        ),
    )
    add_db(parser)
    parser.set_defaults(handler=check)


def check(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        findings = archive.check()
        print(f"archive: {archive.location}")
    for finding in findings:
        note = f" ({finding.detail})" if finding.detail and finding.count else ""
        print(f"{finding.name}: {finding.count}{note}")
    failed = [finding.name for finding in findings if finding.failed]
    if failed:
        raise CLIError(f"archive check failed: {', '.join(failed)}", CLIError.CHECK_FAILED)
    print("no problems found")
    return 0


ACTIONS = (register_upgrade, register_check)
