"""`newsarchive worker`: crawl from the shared frontier into the archive, until told to stop."""

from __future__ import annotations

import argparse
import sys

from newsarchive.cli.crawl import summary
from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, add_redis, add_settings, archive_target
from newsarchive.crawl.checks import OptionError, check_settings


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "worker",
        help="crawl pages queued on the shared frontier into the archive",
        description=(
            "Take listing pages from the shared Redis frontier, archive their stories and queue "
            "their older pages. Run any number, on any number of machines, against one Redis "
            "and one database (PostgreSQL)."
        ),
    )
    add_redis(parser)
    add_db(parser)
    parser.add_argument(
        "--idle-exit", type=float, metavar="SECONDS",
        help="exit once the frontier has been empty this long (default: run until stopped)",
    )  # fmt: skip
    add_settings(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.cli.frontier import connect
    from newsarchive.frontier.worker import work
    from newsarchive.storage import Archive

    if args.idle_exit is not None and args.idle_exit <= 0:
        raise CLIError("--idle-exit must be more than 0 seconds", CLIError.USAGE)
    try:
        check_settings(dict(args.settings))
    except OptionError as error:
        raise CLIError(str(error), CLIError.USAGE) from None
    connect(args.redis).server.close()  # a bad --redis fails here, before Scrapy starts
    target = archive_target(args)
    Archive.open(target).close()  # and so does a bad --db
    interactive = sys.stderr.isatty() and not args.quiet
    result = work(
        args.redis,
        db=target,
        idle_exit=args.idle_exit,
        settings=dict(args.settings),
        progress=interactive,
    )
    if interactive:
        print(summary(result))
    # Stopped by a signal or idle: both are how a worker ends. What it held went back to the queue.
    return 0
