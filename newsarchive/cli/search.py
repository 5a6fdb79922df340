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
            'Search headlines and teasers. Words must all match; "a phrase" in quotes, OR '
            "between two words or phrases for either, litio* for a prefix; anything else is "
            "text (covid-19, U.S., C++). Accents and case are ignored (peru finds Perú). "
            "Matches are shown [in brackets]."
        ),
    )
    parser.add_argument("query", metavar="QUERY", help="the words to find (all must match)")
    add_db(parser)
    add_filters(parser)
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="default: 20")
    parser.add_argument(
        "--raw", action="store_true",
        help="pass QUERY to the database's own syntax: FTS5 (NOT, NEAR, column:) on SQLite, "
        "web-search syntax on PostgreSQL",
    )  # fmt: skip
    parser.add_argument(
        "--json", action="store_true",
        help="one JSON object per result: plain headline, teaser, match spans, tags, score",
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.storage.search import marked

    if not args.query.strip():
        raise CLIError("empty search query", CLIError.USAGE)
    if args.limit < 1:
        raise CLIError("--limit must be at least 1", CLIError.USAGE)
    where = story_filter(args)
    with open_archive(args) as archive:
        try:
            hits = archive.read.search(args.query, where, limit=args.limit, raw=args.raw)
            total = archive.read.search_total(args.query, where, raw=args.raw)
        except SearchSyntaxError as error:
            raise CLIError(f"cannot search for {args.query!r}: {error}", CLIError.USAGE) from None
    if args.json:
        for hit in hits:
            print(json.dumps(hit, ensure_ascii=False))
        return 0
    if not hits:
        print("No stories match.")
        return 0
    print(f"Showing {len(hits)} of {total} stor{'y' if total == 1 else 'ies'}, best first.")
    for rank, hit in enumerate(hits, start=1):
        dated = f"{hit['published_at']}, " if hit["published_at"] else ""
        headline = marked(hit["headline"], hit["matches"]["headline"], "[", "]")
        print(f"{rank}. {headline}  ({dated}{hit['site']})")
        print(f"   {hit['url']}")
        if hit["tags"]:
            print(f"   tags: {', '.join(hit['tags'])}")
        if hit["snippet"]:
            print(f"   {marked(hit['snippet'], hit['matches']['snippet'], '[', ']')}")
    if total > len(hits):
        print(f"({total - len(hits)} more: --limit {total} shows them all)")
    return 0
