"""`newsarchive crawl`: tag listings and their older pages into the archive."""

from __future__ import annotations

import argparse
import sys

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, add_settings
from newsarchive.crawl import CrawlResult, crawl, invalid_urls
from newsarchive.storage import Archive


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "crawl",
        help="crawl tag-listing pages and their older pages into the archive",
        description="Crawl tag-listing pages and all their older pages into the archive.",
    )
    parser.add_argument("urls", nargs="+", metavar="URL", help="tag-listing page URL")
    add_db(parser)
    parser.add_argument(
        "--max-pages", type=int, metavar="N", help="follow at most N pages per start URL"
    )
    add_settings(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    bad = invalid_urls(args.urls)
    if bad:
        raise CLIError(f"not an http(s) URL: {bad[0]}", CLIError.USAGE)
    if args.max_pages is not None and args.max_pages < 1:
        raise CLIError("--max-pages must be at least 1", CLIError.USAGE)
    Archive.open(args.db).close()  # a bad --db fails here, before any request is made
    interactive = sys.stderr.isatty() and not args.quiet
    result = crawl(
        args.urls,
        db=args.db,
        max_pages=args.max_pages,
        settings=dict(args.settings),
        progress=interactive,
    )
    for failure in result.page_failures:
        print(f"newsarchive: warning: pagination stopped early: {failure}", file=sys.stderr)
    if interactive:
        print(summary(result))
    return outcome(result)


def summary(result: CrawlResult) -> str:
    return (
        f"Crawled {result.pages} page(s) in {result.seconds:.1f} s: "
        f"{result.stories_new} new stories, {result.stories_existing} already archived, "
        f"{result.errors} error(s).\nArchive: {result.archive}"
    )


def outcome(result: CrawlResult) -> int:
    """Exit status of a finished crawl; raises CLIError with the reason when it failed."""
    if result.failures:
        raise CLIError(_failed(result), CLIError.START_FAILED)
    if result.status == "interrupted":
        raise CLIError("crawl interrupted", 130)
    if result.status != "finished":
        raise CLIError(
            "no stories found: the site may have changed its layout (check the URL with a browser)",
            CLIError.NO_STORIES,
        )
    return 0


def _failed(result: CrawlResult) -> str:
    first = result.failures[0]
    more = (
        f" (and {len(result.failures) - 1} more start URL(s))" if len(result.failures) > 1 else ""
    )
    return f"cannot crawl {first}{more}"
