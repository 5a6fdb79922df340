"""`newsarchive backfill`: a tag's listing history from a web archive's captures of its pages."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from newsarchive.cli.crawl import outcome
from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import (
    add_db,
    add_profile,
    add_settings,
    add_warc,
    archive_target,
    check_profiles,
    moment,
)

if TYPE_CHECKING:
    from newsarchive.crawl.api import CrawlResult
    from newsarchive.crawl.options import BackfillOptions
    from newsarchive.items import ArchivedCapture


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "backfill",
        help="archive what tag pages listed in the past, from a web archive's captures",
        description=(
            "Ask a Wayback-style CDX API (default: the Internet Archive's) for the captures of "
            "each tag page and its older pages, fetch their original bytes through the replay "
            "prefix, and archive their stories as sightings dated at the capture. Captures read "
            "before are skipped, so a backfill run again goes on where it stopped."
        ),
    )
    parser.add_argument("urls", nargs="+", metavar="URL", help="tag-listing page URL")
    add_db(parser)
    parser.add_argument(
        "--since", type=moment, metavar="DATE", help="only captures made on or after DATE"
    )
    parser.add_argument(
        "--until", type=moment, metavar="DATE", help="only captures made on or before DATE"
    )
    parser.add_argument(
        "--cdx", metavar="CDX_API_URL",
        help="the CDX API to ask (default: https://web.archive.org/cdx/search/cdx)",
    )  # fmt: skip
    parser.add_argument(
        "--replay", metavar="REPLAY_PREFIX",
        help="where captures are replayed, as PREFIX{timestamp}id_/{url} "
        "(default: https://web.archive.org/web/)",
    )  # fmt: skip
    parser.add_argument(
        "--max-captures", type=int, metavar="N",
        help="at most N captures per start URL, spread evenly over the period",
    )  # fmt: skip
    parser.add_argument(
        "--dry-run", action="store_true",
        help="list the captures that would be fetched, and fetch none",
    )  # fmt: skip
    add_warc(parser, "captures")
    add_settings(parser)
    add_profile(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--log-file", metavar="FILE", help="append the backfill's full log to FILE")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.crawl.api import backfill
    from newsarchive.storage import Archive

    options = backfill_options(args)
    check_profiles(list(options.profiles), options.settings)
    if args.dry_run:
        return dry_run(options)
    Archive.open(archive_target(args)).close()  # a bad --db fails here, before any request is made
    result = backfill(options)
    for failure in result.page_failures:
        print(f"newsarchive: warning: capture not read: {failure}", file=sys.stderr)
    if options.progress:
        print(summary(result))
    return backfill_outcome(result)


def backfill_options(args: argparse.Namespace) -> BackfillOptions:
    """The backfill the command line asks for; a usage error names what is wrong."""
    from newsarchive.crawl.options import BackfillOptions, OptionError

    options = BackfillOptions(
        urls=tuple(args.urls),
        db=archive_target(args),
        since=args.since.isoformat() if args.since else None,
        until=args.until.isoformat() if args.until else None,
        cdx=args.cdx,
        replay=args.replay,
        max_captures=args.max_captures,
        warc=not args.no_warc,
        warc_dir=args.warc_dir,
        settings=dict(args.settings),
        progress=sys.stderr.isatty() and not args.quiet,
        log_file=args.log_file,
        profiles=tuple(args.profiles),
    )
    try:
        options.check()
    except OptionError as error:
        raise CLIError(str(error), CLIError.USAGE) from None
    return options


def backfill_outcome(result: CrawlResult) -> int:
    """Exit status of a finished backfill; raises CLIError with the reason when it failed."""
    selection = result.backfill
    if selection.cdx_failures:
        first = selection.cdx_failures[0]
        more = (
            f" (and {len(selection.cdx_failures) - 1} more)"
            if len(selection.cdx_failures) > 1
            else ""
        )
        raise CLIError(f"cannot list the captures of {first}{more}", CLIError.WEB_ARCHIVE)
    if selection.rate_limited:
        raise CLIError(
            f"the web archive answered 429 Too Many Requests: stopped after {selection.fetched} "
            f"of {selection.to_fetch} capture(s); run the same backfill later to go on",
            CLIError.WEB_ARCHIVE,
        )
    if not selection.listed:
        raise CLIError(
            "the web archive holds no captures of these pages (in that period)",
            CLIError.NO_STORIES,
        )
    if selection.capture_failures and not selection.fetched:
        raise CLIError(
            f"cannot read any capture: {selection.capture_failures[0]}", CLIError.START_FAILED
        )
    return outcome(result)


def summary(result: CrawlResult) -> str:
    selection = result.backfill
    text = (
        f"Read {selection.fetched} of {selection.to_fetch} capture(s) in {result.seconds:.1f} s "
        f"({selection.read_before} read before): {result.stories_new} new stories, "
        f"{result.stories_existing} already archived.\n"
        f"Archive: {result.archive} (run {result.run_id})"
    )
    return text + (f"\nWARC: {result.warc_file}" if result.warc_file else "")


def dry_run(options: BackfillOptions) -> int:
    """List the captures a backfill would fetch (and those read before), fetching none."""
    from newsarchive import cdx
    from newsarchive.fetch import FetchError, fetch
    from newsarchive.spiders.backfill import BackfillSpider
    from newsarchive.storage import Archive, DatabaseError, SchemaOutdated, SchemaTooNew

    settings = options.to_settings()
    BackfillSpider.update_settings(settings)  # its pace, unless -s sets another
    agent = settings.get("USER_AGENT")
    since, until = cdx.parse_moment(options.since), cdx.parse_moment(options.until)
    chosen: list[ArchivedCapture] = []
    for start_url in options.urls:
        rows = []
        for query in cdx.queries(settings.get("NEWSARCHIVE_CDX_API"), start_url, since, until):
            try:
                rows += cdx.read_answer(fetch(query, agent)[0])
            except (FetchError, cdx.CdxError) as error:
                raise CLIError(
                    f"cannot list the captures of {start_url}: {error}", CLIError.WEB_ARCHIVE
                ) from None
        captures = cdx.listing_captures(
            rows, start_url, settings.get("NEWSARCHIVE_REPLAY_PREFIX"), since, until
        )
        chosen += cdx.spread(captures, settings.getint("NEWSARCHIVE_MAX_CAPTURES"))
    try:
        with Archive.open(options.db, create=False) as archive:
            read = archive.provenance.captures_read({capture.url for capture in chosen})
    except (SchemaOutdated, SchemaTooNew):
        raise
    except DatabaseError:
        read = set()  # no archive yet: nothing read before
    print(f"{'CAPTURED (UTC)':<19}  {'PAGE':>4}  {'STATE':<11}  URL")
    for capture in sorted(chosen, key=lambda c: (c.timestamp, c.page_number)):
        state = "read before" if (capture.url, capture.timestamp) in read else "to fetch"
        when = capture.captured_at.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{when:<19}  {capture.page_number:>4}  {state:<11}  {capture.url}")
    fresh = sum(1 for capture in chosen if (capture.url, capture.timestamp) not in read)
    delay = settings.getfloat("DOWNLOAD_DELAY")
    print(
        f"{len(chosen)} capture(s) of {len(options.urls)} start URL(s): {fresh} to fetch, "
        f"{len(chosen) - fresh} read before; about {fresh * delay / 60:.0f} min at one "
        f"request per {delay:g} s."
    )
    return 0
