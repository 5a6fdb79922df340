"""Scoring an extraction against hand-checked ground truth (corpus pages and our own fixtures).

The rules follow the corpus README: URLs and the next page compare exactly, headlines after
whitespace collapsing, teasers by prefix or containment (whole-post pages keep the full body as
ground truth), dates by their date part.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from parsel import Selector

from newsarchive.extract import Listing, extract_listing
from tests.helpers import FIXTURES, corpus_pages, read_corpus_page

_SPACE = re.compile(r"\s+")
# A teaser shorter than this that merely occurs inside the truth is a fragment, not a match.
MIN_TEASER_OVERLAP = 20
METRICS = ("recall", "precision", "headline", "teaser", "date", "author", "next_page")
LISTINGS = FIXTURES / "listings"


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


def teaser_matches(found: str | None, truth: str | None) -> bool:
    found, truth = norm(found), norm(truth)
    if found is None or truth is None:
        return found == truth
    shorter, longer = sorted((found, truth), key=len)
    if shorter == longer:
        return True
    return len(shorter) >= min(MIN_TEASER_OVERLAP, len(longer)) and (
        longer.startswith(shorter) or shorter in longer
    )


def date_matches(found: str | None, truth: str | None) -> bool:
    if found is None or truth is None:
        return found == truth
    return found[:10] == truth[:10]


@dataclass(slots=True)
class Score:
    """Counts for one page; ratios are computed over pages added together."""

    truth_items: int = 0
    found_items: int = 0
    matched: int = 0
    headline: int = 0
    teaser: int = 0
    date: int = 0
    author: int = 0
    next_pages: int = 0
    next_right: int = 0

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(self._counts(), other._counts(), strict=True)))

    def _counts(self) -> tuple[int, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def ratios(self) -> dict[str, float]:
        def ratio(part: int, whole: int) -> float:
            return round(part / whole, 4) if whole else 1.0

        return {
            "recall": ratio(self.matched, self.truth_items),
            "precision": ratio(self.matched, self.found_items),
            "headline": ratio(self.headline, self.matched),
            "teaser": ratio(self.teaser, self.matched),
            "date": ratio(self.date, self.matched),
            "author": ratio(self.author, self.matched),
            "next_page": ratio(self.next_right, self.next_pages),
        }


def score(listing: Listing, truth: dict) -> Score:
    """Compare one extracted listing with its ground truth (`items`, `next_page`)."""
    found = {story.url: story for story in listing.stories}
    result = Score(truth_items=len(truth["items"]), found_items=len(found), next_pages=1)
    for item in truth["items"]:
        story = found.get(item["url"])
        if story is None:
            continue
        result.matched += 1
        result.headline += norm(story.headline) == norm(item["headline"])
        result.teaser += teaser_matches(story.teaser, item.get("teaser"))
        result.date += date_matches(story.published_at, item.get("published"))
        result.author += norm(story.author) == norm(item.get("author"))
    result.next_right += listing.next_page == truth.get("next_page")
    return result


def mismatches(listing: Listing, truth: dict) -> list[str]:
    """Readable differences, for a failing gate's message."""
    found = {story.url: story for story in listing.stories}
    wanted = {item["url"] for item in truth["items"]}
    lines = [f"missing {url}" for url in wanted - found.keys()]
    lines += [f"extra {url}" for url in found.keys() - wanted]
    for item in truth["items"]:
        story = found.get(item["url"])
        if story is None:
            continue
        if norm(story.headline) != norm(item["headline"]):
            lines.append(f"headline {story.headline!r} != {item['headline']!r}")
        if not teaser_matches(story.teaser, item.get("teaser")):
            lines.append(f"teaser {str(story.teaser)[:80]!r} != {str(item.get('teaser'))[:80]!r}")
        if not date_matches(story.published_at, item.get("published")):
            lines.append(f"date {story.published_at!r} != {item.get('published')!r}")
        if norm(story.author) != norm(item.get("author")):
            lines.append(f"author {story.author!r} != {item.get('author')!r}")
    if listing.next_page != truth.get("next_page"):
        lines.append(f"next_page {listing.next_page!r} != {truth.get('next_page')!r}")
    return lines


def corpus_results() -> dict[str, tuple[Listing, dict]]:
    """Every real corpus page extracted as a crawl would (no fetch time: relative dates stay empty)."""
    results = {}
    for slug, path, truth in corpus_pages():
        page = Selector(text=read_corpus_page(path, truth))
        results[slug] = (extract_listing(page, truth["page_url"]), truth)
    return results


def fixture_results() -> dict[str, tuple[Listing, dict]]:
    """Our own fixture listings, each at the fetch time its ground truth names."""
    results = {}
    for truth_path in sorted(LISTINGS.glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        now = datetime.fromisoformat(truth["now"]) if truth.get("now") else None
        page = Selector(text=truth_path.with_suffix(".html").read_text(encoding="utf-8"))
        results[truth_path.stem] = (extract_listing(page, truth["page_url"], now=now), truth)
    return results


def scores(results: dict[str, tuple[Listing, dict]]) -> dict:
    """{"overall": ratios, "pages": {name: ratios}} for a set of extracted pages."""
    pages = {name: score(listing, truth) for name, (listing, truth) in results.items()}
    overall = sum(pages.values(), Score())
    return {
        "overall": overall.ratios(),
        "pages": {name: page.ratios() for name, page in pages.items()},
    }


if __name__ == "__main__":
    # `python -m tests.quality` prints the current figures in the shape of quality_floors.json.
    print(json.dumps({"corpus": scores(corpus_results()), "fixtures": scores(fixture_results())},
                     indent=2, sort_keys=True))  # fmt: skip
