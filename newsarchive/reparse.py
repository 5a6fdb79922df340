"""Re-extracting a run's listing pages from its WARC files with the current extractors.

No network: the pages come from the WARC files the run wrote. This repairs an archive after an
extractor fix: the sightings of each page read again are replaced by what the current code finds
on the same bytes, and stories it missed before are added. A sighting whose page cannot be read
again (no WARC record, a damaged one) is kept as it was. A revisit record (the page had not changed) is
read with the bytes of the response it stands for, in the run's files or an earlier run's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from scrapy.http import Headers, HtmlResponse
from scrapy.responsetypes import responsetypes

from newsarchive.extract import extract_listing
from newsarchive.items import ArchivedCapture, Capture, ListingPage, Story
from newsarchive.pipelines import prepared
from newsarchive.spiders.tag import listing_stories
from newsarchive.storage import Archive
from newsarchive.warc import ArchivedPage, locate, read_body, read_pages


@dataclass(slots=True)
class RunReparse:
    """What re-extracting one run gave; `missing` lists WARC files that were not found, `kept`
    counts sightings left as they were, `removed` stories no page lists any more."""

    run_id: int
    pages: int = 0
    stories: int = 0
    new: int = 0
    kept: int = 0
    removed: int = 0
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
            originals = Originals(archive, search_dirs)
            try:
                batch = list(_run_stories(located, result, originals))
            except OriginalMissing as missing:
                result.missing = [str(missing)]
                result.pages = 0
            else:
                result.stories = len(batch)
                replayed = archive.write.replay(result.run_id, batch)
                result.new, result.kept = replayed.new, replayed.kept
                result.removed = replayed.removed
        results.append(result)
    return results


class OriginalMissing(Exception):
    """The response a revisit record stands for is not in any WARC file at hand."""


@dataclass(slots=True)
class Originals:
    """Finds the bytes of the response a revisit stands for: in the run's own files, read
    already, else where the archive's record index says (looked up in `search_dirs` if moved)."""

    archive: Archive
    search_dirs: Sequence[Path]
    seen: dict[str, tuple[Path, int]] = field(default_factory=dict)

    def body(self, record_id: str) -> bytes:
        where = self.seen.get(record_id)
        if where is None:
            original = self.archive.provenance.original(record_id)
            if original is None:
                raise OriginalMissing(f"the response of revisit {record_id} (not indexed)")
            path = locate(Path(original.warc_file), self.search_dirs)
            if path is None:
                raise OriginalMissing(original.warc_file)
            where = (path, original.offset)
        return read_body(*where)


def _run_stories(
    located: dict[str, Path | None], result: RunReparse, originals: Originals
) -> Iterator[Story]:
    """The run's stories as the crawl's pipelines passed them on to the store."""
    for page in prepared(_run_pages(located, result, originals)):
        yield from page.stories


def _run_pages(
    located: dict[str, Path | None], result: RunReparse, originals: Originals
) -> Iterator[ListingPage]:
    """Each listing page the run's WARC files hold, extracted again."""
    for recorded, path in located.items():
        for page in read_pages(path):
            if page.kind != "listing":
                continue
            if page.refers_to is None:
                originals.seen[page.record_id] = (path, page.offset)
            elif page.status == 200:
                page.body = originals.body(page.refers_to)
            response = _response(page)
            if response is None:
                continue
            result.pages += 1
            fetched = datetime.fromisoformat(page.fetched_at) if page.fetched_at else None
            listing = extract_listing(response.selector, response.url, now=fetched)
            number = page.page_number or 1
            capture = Capture(recorded, page.offset)
            stories = list(listing_stories(listing, number, page.fetched_at, capture))
            if page.replayed_from and fetched is not None:  # a backfill's capture
                archived = ArchivedCapture(
                    page.url, fetched.strftime("%Y%m%d%H%M%S"), page.replayed_from,
                    page_number=number,
                )  # fmt: skip
                for story in stories:
                    story.archived = archived
            yield ListingPage(stories, start_url=page.start_url, page_number=number)


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
