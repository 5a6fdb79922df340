"""Options shared by several commands."""

from __future__ import annotations

import argparse
import os

DB_HELP = (
    "archive: a SQLite file path or a SQLAlchemy URL "
    "(default: $NEWSARCHIVE_DB, else data/archive.sqlite)"
)


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="DB", help=DB_HELP)


def add_redis(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis", metavar="URL", default=os.environ.get("NEWSARCHIVE_REDIS"),
        help="the shared frontier: a redis:// URL (default: $NEWSARCHIVE_REDIS)",
    )  # fmt: skip


def add_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s", dest="settings", action="append", type=setting, default=[], metavar="NAME=VALUE",
        help="override a Scrapy or NEWSARCHIVE_* setting (repeatable)",
    )  # fmt: skip


def setting(text: str) -> tuple[str, str]:
    """Parse `NAME=VALUE` for `-s`."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name.strip(), value
