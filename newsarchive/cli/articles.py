"""`newsarchive articles`: fetch the article pages of stories already archived."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import (
    add_db,
    add_filters,
    add_settings,
    add_warc,
    archive_target,
    story_filter,
)
from newsarchive.status import RunStatus

if TYPE_CHECKING:
    from newsarchive.crawl.options import ArticleOptions

# `--recheck` without ages: every archived article, now.
EVERY = "every"


def register(commands: argparse._SubParsersAction) -> None:
    from newsarchive.cli.crawl import add_article_options

    parser = commands.add_parser(
        "articles",
        help="fetch the article pages of archived stories (full text, exact dates, authors)",
        description="Fetch the article page of each archived story not followed yet (or whose "
        "fetch failed), politely, as a crawl does; or re-check articles for changes.",
    )
    add_db(parser)
    add_filters(parser)
    parser.add_argument("--limit", type=int, metavar="N", help="at most N stories, newest first")
    add_article_options(parser.add_argument_group("articles"))
    parser.add_argument(
        "--recheck", nargs="?", const=EVERY, metavar="AGES",
        help="fetch archived articles again to record changes: those that reached these ages "
        "since their first fetch (e.g. 1d,7d), or without AGES every one now",
    )  # fmt: skip
    add_warc(parser, "fetched pages")
    add_settings(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument(
        "--log-file", metavar="FILE", help="append the run's full log to FILE (for cron)"
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.cli.crawl import article_summary
    from newsarchive.crawl.api import fetch_articles
    from newsarchive.storage import Archive

    options = article_options(args)
    Archive.open(
        archive_target(args), create=False
    ).close()  # a bad --db fails here, before any request
    result = fetch_articles(options)
    if result.store_failed:
        raise CLIError(
            f"the run stopped: articles could not be written to {result.archive}",
            CLIError.DATABASE,
        )
    if result.warc_error:
        raise CLIError(
            f"the run stopped: the WARC file could not be written: {result.warc_error}",
            CLIError.WARC_FAILED,
        )
    if result.status == RunStatus.INTERRUPTED:
        raise CLIError("interrupted", 130)
    if options.progress:
        print(f"{article_summary(result)}\nArchive: {result.archive} (run {result.run_id})")
    return 0


def article_options(args: argparse.Namespace) -> ArticleOptions:
    """The run the command line asks for; a usage error names what is wrong."""
    from newsarchive.crawl.options import ArticleOptions, OptionError

    every = args.recheck == EVERY
    options = ArticleOptions(
        db=archive_target(args),
        where=story_filter(args),
        limit=args.limit,
        recheck=None if every else args.recheck,
        recheck_all=every,
        max_articles=args.max_articles,
        warc=not args.no_warc,
        warc_dir=args.warc_dir,
        settings=dict(args.settings),
        progress=sys.stderr.isatty() and not args.quiet,
        log_file=args.log_file,
    )
    try:
        options.check()
    except OptionError as error:
        raise CLIError(str(error), CLIError.USAGE) from None
    return options
