"""Options shared by several commands."""

from __future__ import annotations

import argparse
import os

from newsarchive.cli.errors import CLIError
from newsarchive.extract import Profile
from newsarchive.profiles import ProfileError, load_profiles

DB_HELP = (
    "archive: a SQLite file path or a SQLAlchemy URL "
    "(default: $NEWSARCHIVE_DB, else data/archive.sqlite)"
)


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="DB", help=DB_HELP)


def add_profile(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", dest="profiles", action="append", default=[], metavar="FILE",
        help="site profile (TOML) to try before the automatic extraction (repeatable)",
    )  # fmt: skip


def check_profiles(files: list[str], settings: dict[str, str] | None = None) -> tuple[Profile, ...]:
    """Load the profiles a command will use; a bad one is a usage error, reported up front."""
    folder = (settings or {}).get("NEWSARCHIVE_PROFILES_DIR") or os.environ.get(
        "NEWSARCHIVE_PROFILES_DIR"
    )
    try:
        return load_profiles(files, folder)
    except ProfileError as error:
        raise CLIError(str(error), CLIError.USAGE) from error


def setting(text: str) -> tuple[str, str]:
    """Parse `NAME=VALUE` for `-s`."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value
