"""Extraction on our saved sites, page by page against their truth files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parsel import Selector

from newsarchive.extract import extract_listing
from newsarchive.extract.tag import tag_from_url
from tests.helpers import FIXTURES

BASE = "https://news.example.org"


def extract_file(root: Path, path: str):
    page = Selector(text=(root / path / "index.html").read_text(encoding="utf-8"))
    return extract_listing(page, f"{BASE}/{path}/")


def absolute(url: str | None) -> str | None:
    return BASE + url if url and url.startswith("/") else url


@pytest.mark.parametrize(
    ("tag", "pages"), [("peru", ["", "page/2", "page/3"]), ("bolivia", ["", "page/2"])]
)
def test_hand_written_theme_site(tag: str, pages: list[str]) -> None:
    """A site of a hand-written theme (the first demo site): the generic layer reads it."""
    root = FIXTURES / "southern_cone"
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))[tag]
    found = []
    for number, page in enumerate(pages, start=1):
        path = f"tag/{tag}/{page}".rstrip("/")
        listing = extract_file(root, path)
        assert listing.tag == tag.title()
        expected_next = f"{BASE}/tag/{tag}/page/{number + 1}/" if number < len(pages) else None
        assert listing.next_page == expected_next
        found += listing.stories
    assert [(s.url, s.headline, s.teaser) for s in found] == [
        (absolute(t["url"]), t["headline"], t["teaser"]) for t in truth
    ]
    # The newsletter box and the "Most Read" rail are not stories.
    assert not any("Digest" in s.headline for s in found)


def test_wordpress_tag_archive() -> None:
    root = FIXTURES / "wordpress_tag"
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    found = []
    for number in range(1, 6):
        path = "tag/mining" if number == 1 else f"tag/mining/page/{number}"
        listing = extract_file(root, path)
        assert listing.tag == "Mining"
        expected_next = f"{BASE}/tag/mining/page/{number + 1}/" if number < 5 else None
        assert listing.next_page == expected_next
        found += [(number, position, s) for position, s in enumerate(listing.stories, start=1)]
    assert len(found) == len(truth) == 50
    for (page, position, story), expected in zip(found, truth, strict=True):
        assert (page, position) == (expected["page"], expected["position"])
        assert story.url == absolute(expected["url"])
        assert story.headline == expected["headline"]
        assert story.teaser == expected["teaser"]
        assert story.published_at == expected["published_at"]
        assert story.author == expected["author"]
        assert story.image_url == absolute(expected["image_url"])
        assert story.extraction_method == "wordpress"


@pytest.mark.parametrize(
    ("url", "tag"),
    [
        ("https://x.org/tag/peru/", "Peru"),
        ("https://x.org/tag/peru-protests/page/3/", "Peru Protests"),
        ("https://x.org/category/world/latin_america/?page=2", "Latin America"),
        ("https://x.org/", None),
    ],
)
def test_tag_from_url(url: str, tag: str | None) -> None:
    assert tag_from_url(url) == tag


def test_listing_without_stories_is_empty_not_an_error() -> None:
    listing = extract_listing(Selector(text="<html><body><p>Nothing</p></body></html>"), BASE)
    assert listing.stories == [] and listing.method is None and listing.next_page is None
