"""`newsarchive search QUERY`: full-text search over headlines and teasers, best match first."""

from __future__ import annotations

import argparse
import json

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, add_filters, open_archive, story_filter
from newsarchive.storage import SearchSyntaxError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "search",
        help="search headlines and teasers; ranked results with matches [marked]",
        description=(
            'Search headlines and teasers. Words must all match; "a phrase" in quotes, '
            "OR between alternatives, NOT to exclude, litio* for a prefix. Accents are "
            "ignored (peru finds Perú). Matches are shown [in brackets]."
        ),
    )
    parser.add_argument("query", metavar="QUERY", help="the words to find (all must match)")
    add_db(parser)
    add_filters(parser)
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="default: 20")
    parser.add_argument("--json", action="store_true", help="one JSON object per result")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if not args.query.strip():
        raise CLIError("empty search query", CLIError.USAGE)
    if args.limit < 1:
        raise CLIError("--limit must be at least 1", CLIError.USAGE)
    with open_archive(args) as archive:
        try:
            hits = archive.read.search(args.query, story_filter(args), limit=args.limit)
        except SearchSyntaxError as error:
            raise CLIError(f"cannot search for {args.query!r}: {error}", CLIError.USAGE) from None
    for rank, hit in enumerate(hits, start=1):
        if args.json:
            print(json.dumps(hit, ensure_ascii=False))
            continue
        dated = f"{hit['published_at']}, " if hit["published_at"] else ""
        print(f"{rank}. {hit['headline']}  ({dated}{hit['site']})")
        print(f"   {hit['url']}")
        if hit["snippet"]:
            print(f"   {hit['snippet']}")
    if not hits and not args.json:
        print("No stories match.")
    return 0
