"""`newsarchive inspect`: the stories and next page one listing page would give, and why.

Touches no archive: it is what a researcher runs before starting a long crawl.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_profile, check_profiles

if TYPE_CHECKING:
    from newsarchive.extract import Listing

STORY_FIELDS = ("url", "headline", "teaser", "published_at", "author", "image_url",
                "extraction_method", "date_source", "date_precision", "author_source",
                "teaser_source", "confidence")  # fmt: skip
CANONICAL = ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content")
TEASER_WIDTH = 160


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "inspect",
        help="show what one listing page would give, without touching any archive",
        description=(
            "Show the stories and the next (older) page that would be extracted from one "
            "listing page, and which extraction layer matched. SOURCE is a URL (fetched once, "
            "obeying robots.txt) or a saved HTML file."
        ),
    )
    parser.add_argument("source", metavar="URL|FILE", help="listing page URL or saved HTML file")
    parser.add_argument(
        "--url", metavar="PAGE_URL",
        help="the address FILE was saved from; its links resolve against it "
        "(default: the page's canonical URL)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_profile(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from parsel import Selector

    from newsarchive.extract import extract_listing
    from newsarchive.fetch import FetchError, fetch_page
    from newsarchive.urls import is_web_url

    profiles = check_profiles(args.profiles)
    if args.url is not None and not is_web_url(args.url):
        raise CLIError(f"--url is not an http(s) URL: {args.url}", CLIError.USAGE)
    if is_web_url(args.source):
        try:
            page = fetch_page(args.source)
        except FetchError as error:
            raise CLIError(str(error), CLIError.START_FAILED) from error
        html, page_url = page.html, page.url
    else:
        html = _read(Path(args.source))
        page_url = args.url or _canonical(html)
        if page_url is None:
            raise CLIError(
                f"{args.source} has no canonical URL: give --url PAGE_URL to resolve its links",
                CLIError.USAGE,
            )
    listing = extract_listing(
        Selector(text=html), page_url, now=datetime.now(UTC), profiles=profiles
    )
    print(
        json.dumps(as_json(listing), ensure_ascii=False, indent=2) if args.json else report(listing)
    )
    if not listing.stories:
        print("newsarchive: no stories found on this page", file=sys.stderr)
        return CLIError.NO_STORIES
    return 0


def _read(path: Path) -> str:
    from newsarchive.fetch import decode_html

    try:
        return decode_html(path.read_bytes())
    except OSError as error:
        raise CLIError(f"cannot read {path}: {error.strerror or error}", CLIError.USAGE) from error


def _canonical(html: str) -> str | None:
    from parsel import Selector

    from newsarchive.urls import is_web_url

    page = Selector(text=html)
    for query in CANONICAL:
        url = (page.xpath(query).get() or "").strip()
        if is_web_url(url):
            return url
    return None


def as_json(listing: Listing) -> dict:
    return {
        "url": listing.url,
        "method": listing.method,
        "next_page": listing.next_page,
        "low_confidence": listing.low_confidence,
        "stories": [
            {name: getattr(story, name) for name in STORY_FIELDS} for story in listing.stories
        ],
    }


def report(listing: Listing) -> str:
    lines = [
        f"Page:      {listing.url}",
        f"Tag:       {listing.tag or '-'}",
        f"Method:    {listing.method or 'none (no stories found)'}",
        f"Next page: {listing.next_page or 'none (last page)'}",
        f"Stories:   {len(listing.stories)}",
    ]
    if listing.stories:
        lines.append(f"Confidence: {_confidence(listing)}")
    for number, story in enumerate(listing.stories, start=1):
        lines += ["", f"{number:3}. {story.headline}", f"     {story.url}"]
        details = []
        if story.published_at:
            details.append(
                f"{story.published_at} (from {story.date_source}, {story.date_precision})"
            )
        if story.author:
            details.append(f"by {story.author}")
        details.append(f"confidence {story.confidence:.2f}")
        if details:
            lines.append("     " + " · ".join(details))
        if story.teaser:
            teaser = story.teaser
            if len(teaser) > TEASER_WIDTH:
                teaser = teaser[: TEASER_WIDTH - 1].rstrip() + "…"
            lines.append(f"     {teaser}")
    return "\n".join(lines)


def _confidence(listing: Listing) -> str:
    from newsarchive.extract.confidence import LOW_CONFIDENCE

    low, high = (f(story.confidence for story in listing.stories) for f in (min, max))
    spread = f"{low:.2f}" if low == high else f"{low:.2f}–{high:.2f}"
    if listing.low_confidence:
        return f"{spread}, low: every story is below {LOW_CONFIDENCE} (the layout may be misread)"
    return spread
