"""`newsarchive crawl`: tag listings and their older pages into the archive."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import (
    add_db,
    add_profile,
    add_settings,
    add_warc,
    check_profiles,
    project,
)
from newsarchive.files import json_default
from newsarchive.status import RunStatus

if TYPE_CHECKING:
    from newsarchive.crawl.api import CrawlResult
    from newsarchive.crawl.options import CrawlOptions


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "crawl",
        help="crawl tag-listing pages and their older pages into the archive",
        description="Crawl tag-listing pages and all their older pages into the archive.",
    )
    parser.add_argument(
        "urls", nargs="*", metavar="URL",
        help="tag-listing page URL (or none: those of -i FILE, or of the project file)",
    )  # fmt: skip
    parser.add_argument(
        "-i", "--input", metavar="FILE",
        help="read start URLs from FILE, one per line (# comments); - reads standard input",
    )  # fmt: skip
    add_db(parser)
    parser.add_argument(
        "--max-pages", type=int, metavar="N", help="follow at most N pages per start URL"
    )
    parser.add_argument(
        "--full", action="store_true",
        help="walk every page, even of start URLs the archive has crawled before",
    )  # fmt: skip
    parser.add_argument(
        "--stop-after", type=int, metavar="K",
        help="incremental crawls stop after K pages in a row with no new story (default: 2)",
    )  # fmt: skip
    add_warc(parser, "fetched pages")
    parser.add_argument(
        "--no-feeds", action="store_true",
        help="do not fetch the listings' feeds and the sites' sitemaps",
    )  # fmt: skip
    add_settings(parser)
    parser.add_argument(
        "--resume", action="store_true",
        help="continue an interrupted crawl of the same URLs into the same archive "
        "from its checkpoint (see README \"Reliability\")",
    )  # fmt: skip
    add_profile(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0,
        help="log what the crawl does on stderr, as Scrapy does (-vv: everything)",
    )  # fmt: skip
    parser.add_argument(
        "--json", action="store_true",
        help="end with one JSON object on stdout: the figures and status of each run",
    )  # fmt: skip
    parser.add_argument(
        "--log-file", metavar="FILE", help="append the crawl's full log to FILE (for cron)"
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N",
        help="split the start URLs by site over N processes (one per core)",
    )  # fmt: skip
    articles = parser.add_argument_group("articles")
    articles.add_argument(
        "--articles", action="store_true",
        help="also fetch each listed story's article page once (full text, exact dates, authors)",
    )  # fmt: skip
    add_article_options(articles)
    articles.add_argument(
        "--recheck", metavar="AGES",
        help="with --articles: fetch the crawled sites' articles again once they reach these "
        "ages since their first fetch, e.g. 1d,7d (units s, m, h, d, w)",
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def add_article_options(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--max-articles", type=int, metavar="N",
        help="fetch at most N article pages in this run (default 1000, NEWSARCHIVE_MAX_ARTICLES)",
    )  # fmt: skip


def handle(args: argparse.Namespace) -> int:
    from newsarchive.crawl.api import crawl
    from newsarchive.crawl.jobs import crawl_in_jobs
    from newsarchive.runtime.progress import ProgressLine
    from newsarchive.storage import Archive

    options = crawl_options(args)
    if args.jobs < 1:
        raise CLIError("--jobs must be at least 1", CLIError.USAGE)
    check_profiles(list(options.profiles), options.settings)  # so does a bad profile
    with Archive.open(options.db) as archive:  # a bad --db fails here, before any request
        location = archive.location
    interactive = options.progress
    if interactive:
        processes = f" in {args.jobs} processes" if args.jobs > 1 else ""
        count = len(options.urls)
        print(
            f"crawling {count} start URL{'s' if count > 1 else ''} into {location}{processes}",
            file=sys.stderr,
            flush=True,
        )
    if args.jobs > 1:
        line = ProgressLine() if interactive else None
        results = crawl_in_jobs(options.but(progress=False), args.jobs, line.show if line else None)
        if line:
            line.clear()
    else:
        results = [crawl(options)]
    for result in results:
        for failure in result.page_failures:
            print(f"newsarchive: warning: pagination stopped early: {failure}", file=sys.stderr)
        warn_low_confidence(result)
        for problem in result.feed_problems:
            print(f"newsarchive: warning: {problem}", file=sys.stderr)
    status = max((exit_status(result) for result in results), default=0)
    if args.json:
        print(json.dumps(report(results, status), ensure_ascii=False, default=json_default))
    elif interactive:
        print(summary(results[0]) if len(results) == 1 else jobs_summary(results))
    return status


def crawl_options(args: argparse.Namespace) -> CrawlOptions:
    """The crawl the command line asks for, on top of the project file; a usage error names
    what is wrong."""
    from newsarchive.crawl.config import read_urls
    from newsarchive.crawl.options import CrawlOptions, OptionError

    try:
        urls = list(args.urls) + (read_urls(args.input, sys.stdin) if args.input else [])
        options = CrawlOptions.configured(
            project(args),
            urls=tuple(urls),
            db=args.db,
            max_pages=args.max_pages,
            full=args.full,
            stop_after=args.stop_after,
            warc=not args.no_warc,
            warc_dir=args.warc_dir,
            feeds=not args.no_feeds,
            settings=dict(args.settings),
            progress=sys.stderr.isatty() and not (args.quiet or args.verbose),
            verbosity=args.verbose,
            log_file=args.log_file,
            resume=args.resume,
            profiles=tuple(args.profiles),
            articles=args.articles,
            max_articles=args.max_articles,
            recheck=args.recheck,
        )
        if not options.urls:
            raise OptionError(
                "no start URL: name one, read them from a file with -i FILE, or list them as "
                "urls in newsarchive.toml"
            )
        options.check()
    except OptionError as error:
        raise CLIError(str(error), CLIError.USAGE) from None
    return options


def report(results: list[CrawlResult], status: int) -> dict[str, object]:
    """`crawl --json`: the totals, the exit status, and each run's own figures."""
    runs = [
        {key: value for key, value in asdict(result).items() if key != "stats"}
        for result in results
    ]
    return {
        "exit_status": status,
        "pages": sum(result.pages for result in results),
        "stories_new": sum(result.stories_new for result in results),
        "stories_existing": sum(result.stories_existing for result in results),
        "errors": sum(result.errors for result in results),
        "archive": results[0].archive if results else None,
        "runs": runs,
    }


def exit_status(result: CrawlResult, judge: Callable[[CrawlResult], int] | None = None) -> int:
    """`outcome` (or `judge`) as a number, for crawls whose errors were reported already."""
    try:
        return (judge or outcome)(result)
    except CLIError as error:
        print(f"newsarchive: error: {error}", file=sys.stderr)
        return error.code


def warn_low_confidence(result: CrawlResult) -> None:
    """One line on stderr for pages whose stories were all of low confidence; the run is not
    failed for them (its stories are archived), but their layout was probably misread."""
    pages = result.low_confidence_pages
    if pages:
        more = f" (and {len(pages) - 1} more page(s))" if len(pages) > 1 else ""
        print(
            f"newsarchive: warning: only low-confidence stories on {pages[0]}{more}: the page's "
            "layout is probably misread (check it with `newsarchive inspect`; a site profile "
            "fixes it)",
            file=sys.stderr,
        )


def jobs_summary(results: list[CrawlResult]) -> str:
    pages = sum(result.pages for result in results)
    new = sum(result.stories_new for result in results)
    existing = sum(result.stories_existing for result in results)
    runs = ", ".join(str(result.run_id) for result in results)
    return (
        f"Crawled {pages} page(s) in {len(results)} processes: {new} new stories, "
        f"{existing} already archived; runs {runs}."
    )


def summary(result: CrawlResult) -> str:
    text = (
        f"Crawled {result.pages} page(s) in {result.seconds:.1f} s: "
        f"{result.stories_new} new stories, {result.stories_existing} already archived, "
        f"{result.errors} error(s).\nArchive: {result.archive} (run {result.run_id})"
    )
    if result.articles.requested or result.articles.over_budget:
        text += "\n" + article_summary(result)
    return text + (f"\nWARC: {result.warc_file}" if result.warc_file else "")


def article_summary(result: CrawlResult) -> str:
    counts = result.articles
    text = (
        f"Articles: {counts.requested} fetched: {counts.ok} read, {counts.deleted} gone, "
        f"{counts.failed} failed (tried again later); {counts.changed} change(s) recorded, "
        f"{counts.merged} story URL(s) reconciled, {counts.filled} stories given a date or author."
    )
    if counts.over_budget:
        text += f" {counts.over_budget} left for a later run (--max-articles)."
    return text


def outcome(result: CrawlResult) -> int:
    """Exit status of a finished crawl; raises CLIError with the reason when it failed."""
    if result.failures:
        raise CLIError(_failed(result), CLIError.START_FAILED)
    if result.store_failed:
        raise CLIError(
            f"the crawl stopped: stories could not be written to {result.archive}",
            CLIError.DATABASE,
        )
    if result.warc_error:
        raise CLIError(
            f"the crawl stopped: the WARC file could not be written: {result.warc_error}; "
            "the stories found so far are archived, without their WARC records",
            CLIError.WARC_FAILED,
        )
    if result.status == RunStatus.INTERRUPTED:
        raise CLIError(
            "crawl interrupted; run the same command with --resume to continue where it stopped",
            130,
        )
    if result.shortfalls:
        raise CLIError(_fewer(result), CLIError.FEWER_STORIES)
    if result.status not in (RunStatus.FINISHED, RunStatus.PARTIAL):
        raise CLIError(
            "no stories found: the site may have changed its layout (check the URL with a browser)",
            CLIError.NO_STORIES,
        )
    return 0


def _fewer(result: CrawlResult) -> str:
    first = result.shortfalls[0]
    more = f" (and {len(result.shortfalls) - 1} more)" if len(result.shortfalls) > 1 else ""
    return (
        f"far fewer stories than before on {first.start_url}: {first.per_page:.1f} per page, "
        f"{first.previous_per_page:.1f} in run {first.previous_run_id}{more}; "
        "the site may have changed its layout"
    )


def _failed(result: CrawlResult) -> str:
    first = result.failures[0]
    more = (
        f" (and {len(result.failures) - 1} more start URL(s))" if len(result.failures) > 1 else ""
    )
    return f"cannot crawl {first}{more}"
