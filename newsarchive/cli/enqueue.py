"""`newsarchive enqueue`: start a crawl job on the shared frontier, for workers to carry out."""

from __future__ import annotations

import argparse
import sys

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_redis


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "enqueue",
        help="queue tag-listing pages on the shared frontier for `newsarchive worker`",
        description=(
            "Start a crawl job: queue tag-listing pages on the shared Redis frontier. Workers "
            "crawl them and all their older pages; each job fetches every page afresh, once."
        ),
    )
    parser.add_argument("urls", nargs="+", metavar="URL", help="tag-listing page URL")
    add_redis(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.cli.frontier import connect
    from newsarchive.frontier.state import display_url
    from newsarchive.urls import is_web_url

    bad = [url for url in args.urls if not is_web_url(url)]
    if bad:
        raise CLIError(f"not an http(s) URL: {bad[0]}", CLIError.USAGE)
    urls = list(dict.fromkeys(args.urls))
    frontier = connect(args.redis)
    job = frontier.enqueue(urls)
    if not args.quiet and sys.stdout.isatty():
        print(f"Queued {len(urls)} start URL(s) as job {job} on {display_url(args.redis)}")
    return 0
