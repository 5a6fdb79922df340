"""`newsarchive db ACTION`: looking after the archive database itself."""

from __future__ import annotations

import argparse

from newsarchive.cli.options import add_db
from newsarchive.storage import Archive


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "db", help="look after the archive database (upgrade)",
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
    done = Archive.upgrade(args.db, backup=not args.no_backup)
    if done.before == done.after:
        print(f"The archive is up to date (schema {done.after}).")
        return 0
    print(f"Upgraded the archive from schema {done.before or 'none'} to {done.after}.")
    if done.backup:
        print(f"The archive as it was: {done.backup}")
    return 0


ACTIONS = (register_upgrade,)
