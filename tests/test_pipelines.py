"""Each pipeline on its own: normalise, validate, deduplicate — a listing page at a time."""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy.exceptions import DropItem
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newsarchive.extract import extract_listing
from newsarchive.items import ListingPage, Story
from newsarchive.pipelines.dedupe import DedupePipeline
from newsarchive.pipelines.normalize import NormalizePipeline
from newsarchive.pipelines.validate import ValidatePipeline
from tests.helpers import FIXTURES

LISTINGS = FIXTURES / "listings"


def make(**fields) -> Story:
    values = {
        "url": "/2024/07/a/",
        "headline": "A",
        "listing_url": "https://News.Example.org/tag/p/",
    }
    return Story(**(values | fields))


def page(*stories: Story) -> ListingPage:
    return ListingPage(list(stories))


def stats() -> MemoryStatsCollector:
    return MemoryStatsCollector(get_crawler())


def test_normalize_text_and_urls() -> None:
    (item,) = (
        NormalizePipeline()
        .process_item(
            page(
                make(
                    url=" /2024/07/a/?utm_source=x&id=3#top ",
                    headline="  Peru’s\n\t  march & strike\x07 ",
                    teaser="   ",
                    image_url="/img/a.jpg",
                    tag=" Peru ",
                )
            )
        )
        .stories
    )
    assert item.url == "https://news.example.org/2024/07/a/?id=3"
    assert item.headline == "Peru’s march & strike"
    assert item.teaser is None
    assert item.image_url == "https://news.example.org/img/a.jpg"
    assert item.site == "news.example.org"
    assert item.tag == "Peru"


def test_text_is_not_unescaped_a_second_time() -> None:
    """A headline that shows "&lt;b&gt;" on the page (escaped twice in its source) keeps it."""
    html = (LISTINGS / "news-en-stream.html").read_text(encoding="utf-8")
    url = "https://theworkbench.example/topics/labour-rights"
    found = next(
        story
        for story in extract_listing(Selector(text=html), url).stories
        if story.url.endswith("/union-newsletter-style-guide")
    )
    shown = "Use &lt;b&gt; for bold: the style guide union newsletters keep rewriting"
    assert found.headline == shown
    (item,) = NormalizePipeline().process_item(page(make(headline=found.headline))).stories
    assert item.headline == shown


def test_normalize_rejects_non_web_links() -> None:
    (item,) = (
        NormalizePipeline()
        .process_item(page(make(url="javascript:void(0)", image_url="data:x")))
        .stories
    )
    assert item.url == ""
    assert item.image_url is None


@pytest.mark.parametrize("field", ["url", "headline"])
def test_validate_drops_invalid_stories_and_counts(field: str) -> None:
    collector = stats()
    pipeline = ValidatePipeline(collector)
    kept = pipeline.process_item(page(make(**{field: ""}), make(headline="B")))
    assert [story.headline for story in kept.stories] == ["B"]
    assert collector.get_value(f"newsarchive/dropped/missing_{field}") == 1
    with pytest.raises(DropItem):
        pipeline.process_item(page(make(**{field: ""})))
    assert collector.get_value(f"newsarchive/dropped/missing_{field}") == 2


def test_dedupe_per_tag_within_run() -> None:
    collector = stats()
    pipeline = DedupePipeline(collector)
    pipeline.open_spider()
    pipeline.process_item(page(make(tag="Peru")))
    pipeline.process_item(page(make(tag="Bolivia")))  # same story, second tag: kept
    kept = pipeline.process_item(page(make(tag="Peru"), make(url="/2024/07/b/", tag="Peru")))
    assert [story.url for story in kept.stories] == ["/2024/07/b/"]
    with pytest.raises(DropItem):
        pipeline.process_item(page(make(tag="Peru")))
    assert collector.get_value("newsarchive/dropped/duplicate") == 2
    pipeline.open_spider()  # a new run starts clean
    pipeline.process_item(page(make(tag="Peru")))
