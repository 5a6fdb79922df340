"""Options shared by several commands, and the archive they name.

Light to import, like every module of the command line: what a command needs to run (the
storage layer, the extractors) is imported when it runs, so `--help` starts at once.
"""

from __future__ import annotations

import argparse
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive.cli.errors import CLIError
from newsarchive.storage.selection import StoryFilter

if TYPE_CHECKING:
    from newsarchive.crawl.config import ProjectConfig
    from newsarchive.extract import Profile
    from newsarchive.storage import Archive

DEFAULT_ARCHIVE = Path("data") / "archive.sqlite"
DEMO_ARCHIVE = Path("data") / "demo.sqlite"
DB_HELP = (
    "archive: a SQLite file path or a SQLAlchemy URL "
    "(default: $NEWSARCHIVE_DB, else data/archive.sqlite)"
)


def add_db(parser: argparse.ArgumentParser) -> None:
    """--db, and --config: a project file that may name the archive (and, for `crawl`, more)."""
    parser.add_argument("--db", metavar="DB", help=DB_HELP)
    parser.add_argument(
        "--config", metavar="FILE",
        help="project file (TOML) with the archive, start URLs, contact and per-site settings "
        "(default: newsarchive.toml in the working directory, if there); flags win over it",
    )  # fmt: skip


def project(args: argparse.Namespace) -> ProjectConfig:
    """The project file the command reads (`--config`, else ./newsarchive.toml, else none)."""
    from newsarchive.crawl.config import load_config
    from newsarchive.crawl.options import OptionError

    try:
        return load_config(args.config)
    except OptionError as error:
        raise CLIError(str(error), CLIError.USAGE) from None


def archive_target(args: argparse.Namespace) -> str | None:
    """The archive a command uses: --db, else $NEWSARCHIVE_DB, else the project file's."""
    return project(args).archive(args.db)


def open_archive(args: argparse.Namespace, *, write: bool = False) -> Archive:
    """The existing archive the command names, to use as `with open_archive(args) as archive:`;
    read-only unless the command must `write` to it."""
    from newsarchive.storage import Archive, DatabaseError

    target = archive_target(args)
    try:
        return Archive.open(target, create=False, read_only=not write)
    except DatabaseError as error:
        hint = missing_archive_hint(target)
        if not hint:
            raise
        raise type(error)(f"{error}{hint}") from None


def missing_archive_hint(target: str | None) -> str:
    """What to do when the default archive does not exist (yet): name the demo's, if there."""
    if target or os.environ.get("NEWSARCHIVE_DB") or DEFAULT_ARCHIVE.exists():
        return ""
    if DEMO_ARCHIVE.exists():
        return f"; the demo archive is {DEMO_ARCHIVE}: add --db {DEMO_ARCHIVE}"
    return "; crawl into it with `newsarchive crawl URL`, or try `newsarchive demo`"


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


def add_warc(parser: argparse.ArgumentParser, kept: str) -> None:
    """--warc-dir and --no-warc, for a command that keeps the `kept` pages in a WARC file."""
    warc = parser.add_mutually_exclusive_group()
    warc.add_argument(
        "--warc-dir", metavar="DIR",
        help="write the run's WARC file here (default: warc/ beside the archive file)",
    )  # fmt: skip
    warc.add_argument(
        "--no-warc", action="store_true", help=f"do not keep the {kept} in a WARC file"
    )


def add_profile(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", dest="profiles", action="append", default=[], metavar="FILE",
        help="site profile (TOML) to try before the automatic extraction (repeatable)",
    )  # fmt: skip


def check_profiles(files: list[str], settings: dict[str, str] | None = None) -> tuple[Profile, ...]:
    """Load the profiles a command will use; a bad one is a usage error, reported up front."""
    from newsarchive.profiles import ProfileError, load_profiles

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


def moment(text: str) -> date:
    """Parse `--since`/`--until`: a date (YYYY-MM-DD) or an ISO 8601 date-time."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2024-07-31 or a date-time like 2024-07-31T18:00, got {text!r}"
        ) from None


def add_filters(parser: argparse.ArgumentParser) -> None:
    """--tag, --site, --since, --until, --first-seen: which stories a command covers."""
    group = parser.add_argument_group("which stories")
    group.add_argument(
        "--tag", dest="tags", action="append", default=[], metavar="NAME",
        help="only stories under this tag, in any spelling: Perú, peru and PERU are one "
        "(repeatable; any of them)",
    )  # fmt: skip
    group.add_argument(
        "--site", dest="sites", action="append", default=[], metavar="HOST",
        help="only stories of this site, e.g. example.org (repeatable)",
    )  # fmt: skip
    group.add_argument("--since", type=moment, metavar="DATE", help="published on or after DATE")
    group.add_argument(
        "--until", type=moment, metavar="DATE", help="published on or before DATE (whole day)"
    )
    group.add_argument(
        "--first-seen", action="store_true",
        help="apply --since/--until to when the archive first saw a story, not its publication",
    )  # fmt: skip


def story_filter(args: argparse.Namespace) -> StoryFilter:
    return StoryFilter(
        tags=tuple(args.tags),
        sites=tuple(args.sites),
        since=args.since,
        until=args.until,
        by_first_seen=args.first_seen,
    )
