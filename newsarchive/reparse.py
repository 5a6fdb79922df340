"""Re-extracting a run's listing pages from its WARC files with the current extractors.

No network: the pages come from the WARC files the run wrote. This repairs an archive after an
extractor fix: the run's sightings are replaced by what the current code finds on the same
bytes, and stories it missed before are added.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from scrapy.http import Headers, HtmlResponse
from scrapy.responsetypes import responsetypes

from newsarchive.extract import extract_listing
from newsarchive.items import Capture, ListingPage, Story
from newsarchive.pipelines import prepared
from newsarchive.spiders.tag import listing_stories
from newsarchive.storage import Archive
from newsarchive.warc import ArchivedPage, locate, read_pages


@dataclass(slots=True)
class RunReparse:
    """What re-extracting one run gave; `missing` lists WARC files that were not found."""

    run_id: int
    pages: int = 0
    stories: int = 0
    new: int = 0
    missing: list[str] = field(default_factory=list)


def reparse(
    archive: Archive, run_id: int | None = None, search_dirs: Sequence[Path] = ()
) -> list[RunReparse]:
    """Re-extract every run with WARC files (or one), oldest first.

    A run with a missing WARC file is left as it was. WARC files moved elsewhere are looked
    up by name in `search_dirs`.
    """
    results = []
    for run in archive.runs.warc_files(run_id):
        result = RunReparse(run["run_id"])
        located = {path: locate(Path(path), search_dirs) for path in run["paths"]}
        result.missing = [path for path, found in located.items() if found is None]
        if not result.missing:
            batch = list(_run_stories(located, result))
            result.stories = len(batch)
            result.new = archive.write.replay(result.run_id, batch).new
        results.append(result)
    return results


def _run_stories(located: dict[str, Path | None], result: RunReparse) -> Iterator[Story]:
    """The run's stories as the crawl's pipelines passed them on to the store."""
    for page in prepared(_run_pages(located, result)):
        yield from page.stories


def _run_pages(located: dict[str, Path | None], result: RunReparse) -> Iterator[ListingPage]:
    """Each listing page the run's WARC files hold, extracted again."""
    for recorded, path in located.items():
        for page in read_pages(path):
            response = _response(page)
            if response is None:
                continue
            result.pages += 1
            fetched = datetime.fromisoformat(page.fetched_at) if page.fetched_at else None
            listing = extract_listing(response.selector, response.url, now=fetched)
            number = page.page_number or 1
            capture = Capture(recorded, page.offset)
            stories = listing_stories(listing, number, page.fetched_at, capture)
            yield ListingPage(list(stories), start_url=page.start_url, page_number=number)


def _response(page: ArchivedPage) -> HtmlResponse | None:
    """The page as the spider received it, when the spider would have extracted it."""
    if page.status != 200:
        return None
    # The body was decoded on reading: its Content-Encoding no longer applies.
    headers = Headers(
        [(name, value) for name, value in page.headers if name.lower() != "content-encoding"]
    )
    kind = responsetypes.from_args(headers=headers, url=page.url, body=page.body)
    if not issubclass(kind, HtmlResponse):
        return None
    return kind(url=page.url, status=page.status, headers=headers, body=page.body)
