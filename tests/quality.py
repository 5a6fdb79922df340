"""Scoring an extraction against hand-checked ground truth (corpus pages and our own fixtures).

The rules follow the corpus README: URLs and the next page compare exactly; headlines, teasers,
authors and the page's tag name after whitespace collapsing; dates by their date part. Teasers of
pages that show whole posts (the corpus README names them; their ground truth is the full body)
compare by prefix or containment — elsewhere that would hide a teaser that runs on into the next
item. Two faults are counted rather than
scored, since one is already too many: a date where the page shows none (invented), and a text
field that is an empty or blank string instead of null.

`python -m tests.quality` prints the per-field table; `--floors` prints the figures in the shape
of quality_floors.json.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from parsel import Selector

from newsarchive.extract import Listing, extract_listing
from tests.helpers import FIXTURES, corpus_pages, read_corpus_page

_SPACE = re.compile(r"\s+")
# A teaser shorter than this that merely occurs inside the truth is a fragment, not a match.
MIN_TEASER_OVERLAP = 20
# Corpus pages whose teaser truth is a whole post or a long excerpt (corpus README).
WHOLE_BODY_PAGES = frozenset((
    "die-partei-sh-home", "echte-demokratie-jetzt-blog", "masterhorologer-blogger-search",
    "kijonan-category-103640",
))  # fmt: skip
METRICS = ("recall", "precision", "headline", "teaser", "date", "author", "tag", "next_page")
# Faults counted over all stories; the gate allows none.
FAULTS = ("invented_dates", "empty_texts")
TEXT_FIELDS = ("headline", "teaser", "author")
LISTINGS = FIXTURES / "listings"
# Tag names for the corpus pages, whose own truth files have none.
CORPUS_TAGS = Path(__file__).with_name("corpus_tags.json")


def norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


def teaser_matches(found: str | None, truth: str | None, whole_body: bool = False) -> bool:
    found, truth = norm(found), norm(truth)
    if found is None or truth is None or not whole_body:
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
    tag_pages: int = 0
    tag_right: int = 0
    invented_dates: int = 0
    empty_texts: int = 0

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
            "tag": ratio(self.tag_right, self.tag_pages),
            "next_page": ratio(self.next_right, self.next_pages),
        }

    def faults(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FAULTS}


def score(listing: Listing, truth: dict) -> Score:
    """Compare one extracted listing with its ground truth (`items`, `next_page`)."""
    found = {story.url: story for story in listing.stories}
    whole_body = truth.get("teaser_match") == "prefix"
    result = Score(truth_items=len(truth["items"]), found_items=len(found), next_pages=1)
    for item in truth["items"]:
        story = found.get(item["url"])
        if story is None:
            continue
        result.matched += 1
        result.headline += norm(story.headline) == norm(item["headline"])
        result.teaser += teaser_matches(story.teaser, item.get("teaser"), whole_body)
        result.date += date_matches(story.published_at, item.get("published"))
        result.author += norm(story.author) == norm(item.get("author"))
        result.invented_dates += story.published_at is not None and item.get("published") is None
    result.empty_texts += sum(
        getattr(story, name) is not None and not getattr(story, name).strip()
        for story in listing.stories
        for name in TEXT_FIELDS
    )
    result.next_right += listing.next_page == truth.get("next_page")
    if "tag" in truth:
        result.tag_pages = 1
        result.tag_right += norm(listing.tag) == norm(truth["tag"])
    return result


def mismatches(listing: Listing, truth: dict) -> list[str]:
    """Readable differences, for a failing gate's message."""
    found = {story.url: story for story in listing.stories}
    whole_body = truth.get("teaser_match") == "prefix"
    wanted = {item["url"] for item in truth["items"]}
    lines = [f"missing {url}" for url in wanted - found.keys()]
    lines += [f"extra {url}" for url in found.keys() - wanted]
    for item in truth["items"]:
        story = found.get(item["url"])
        if story is None:
            continue
        if norm(story.headline) != norm(item["headline"]):
            lines.append(f"headline {story.headline!r} != {item['headline']!r}")
        if not teaser_matches(story.teaser, item.get("teaser"), whole_body):
            lines.append(f"teaser {str(story.teaser)[:80]!r} != {str(item.get('teaser'))[:80]!r}")
        if not date_matches(story.published_at, item.get("published")):
            lines.append(f"date {story.published_at!r} != {item.get('published')!r}")
        if norm(story.author) != norm(item.get("author")):
            lines.append(f"author {story.author!r} != {item.get('author')!r}")
    if listing.next_page != truth.get("next_page"):
        lines.append(f"next_page {listing.next_page!r} != {truth.get('next_page')!r}")
    if "tag" in truth and norm(listing.tag) != norm(truth["tag"]):
        lines.append(f"tag {listing.tag!r} != {truth['tag']!r}")
    return lines


def corpus_results() -> dict[str, tuple[Listing, dict]]:
    """Every real corpus page extracted as a crawl would (no fetch time: relative dates stay empty)."""
    tags = json.loads(CORPUS_TAGS.read_text(encoding="utf-8"))["pages"]
    results = {}
    for slug, path, truth in corpus_pages():
        if slug in tags:
            truth = {**truth, "tag": tags[slug]["tag"]}
        if slug in WHOLE_BODY_PAGES:
            truth = {**truth, "teaser_match": "prefix"}
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


def faults(results: dict[str, tuple[Listing, dict]]) -> dict[str, int]:
    """Invented dates and empty text fields over all pages."""
    pages = (score(listing, truth) for listing, truth in results.values())
    return sum(pages, Score()).faults()


def table(sets: dict[str, dict[str, tuple[Listing, dict]]]) -> str:
    """Per-field accuracy, one row per field and one column per set of pages."""
    figures = {name: scores(results)["overall"] for name, results in sets.items()}
    counted = {name: faults(results) for name, results in sets.items()}
    sizes = {name: len(results) for name, results in sets.items()}
    width = max(len(name) for name in (*METRICS, *FAULTS))
    lines = [f"{'field':{width}}" + "".join(f" {name:>10}" for name in sets)]
    lines.append(f"{'pages':{width}}" + "".join(f" {sizes[name]:>10}" for name in sets))
    for metric in METRICS:
        lines.append(f"{metric:{width}}" + "".join(f" {figures[n][metric]:>10.4f}" for n in sets))
    for fault in FAULTS:
        lines.append(f"{fault:{width}}" + "".join(f" {counted[n][fault]:>10}" for n in sets))
    return "\n".join(lines)


if __name__ == "__main__":
    sets = {"corpus": corpus_results(), "fixtures": fixture_results()}
    if "--floors" in sys.argv[1:]:
        # The current figures in the shape of quality_floors.json.
        floors = {name: scores(results) for name, results in sets.items()}
        print(json.dumps(floors, indent=2, sort_keys=True))
    else:
        print(table(sets))
