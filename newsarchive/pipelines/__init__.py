"""Item pipelines, one job each: normalise, validate, deduplicate, store.

`prepared` runs the first three outside a crawl (re-extraction from WARC files), so a page
re-read later is cleaned exactly as the crawl cleaned it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from scrapy.exceptions import DropItem

from newsarchive.items import ListingPage
from newsarchive.pipelines.dedupe import DedupePipeline
from newsarchive.pipelines.normalize import NormalizePipeline
from newsarchive.pipelines.validate import ValidatePipeline


class Tally(Counter[str]):
    """The stats collector's `inc_value`, for pipelines run outside a crawl."""

    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] += count


def prepared(pages: Iterable[ListingPage], stats: Tally | None = None) -> Iterator[ListingPage]:
    """The pages as the crawl's pipelines pass them to the store (pages they drop left out)."""
    stats = Tally() if stats is None else stats
    chain = (NormalizePipeline(), ValidatePipeline(stats), DedupePipeline(stats))
    for page in pages:
        try:
            for pipeline in chain:
                page = pipeline.process_item(page)
        except DropItem:
            continue
        yield page
