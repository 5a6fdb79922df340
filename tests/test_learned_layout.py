"""A layout learned on a site's first page reads its later pages exactly as full extraction does,
and gives way to full extraction wherever it no longer fits."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from parsel import Selector

from newsarchive.extract import Listing, extract_listing
from newsarchive.extract.learned import LayoutCache
from tests import family_sites, newsroom, sites
from tests.helpers import run_crawl

NOW = datetime(2024, 8, 1, 12, 0, tzinfo=UTC)
HOST = "http://127.0.0.1:8000"
FIXTURES = Path(__file__).parent / "fixtures"
LISTINGS = FIXTURES / "listings"


def read_pages(cache: LayoutCache, pages: list[tuple[str, str]]) -> list[Listing]:
    """Each page through the cache, checked against full extraction of the same page."""
    listings = []
    for url, html in pages:
        expected = extract_listing(Selector(text=html), url, now=NOW)
        got = cache.extract(Selector(text=html), url, now=NOW)
        assert replace(got, learned=False) == expected, url
        listings.append(got)
    return listings


def assert_learned_after_first(pages: list[tuple[str, str]]) -> None:
    listings = read_pages(LayoutCache(), pages)
    assert listings[0].stories, "the first page has stories to learn from"
    assert not listings[0].learned
    assert all(listing.learned for listing in listings[1:])


def tag_dir_pages(root: Path, tag_path: str) -> list[tuple[str, str]]:
    """(URL, HTML) of a tag's pages written as /tag/x/index.html, /tag/x/page/N/index.html."""
    folder = root / tag_path.strip("/")
    numbers = (
        sorted(int(p.name) for p in (folder / "page").iterdir())
        if (folder / "page").is_dir()
        else []
    )
    found = [(f"{HOST}{tag_path}", (folder / "index.html").read_text(encoding="utf-8"))]
    for number in numbers:
        html = (folder / "page" / str(number) / "index.html").read_text(encoding="utf-8")
        found.append((f"{HOST}{tag_path}page/{number}/", html))
    return found


@pytest.mark.parametrize("family", sorted(family_sites.build_sites()))
def test_each_cms_family_site_is_read_with_its_learned_layout(family: str) -> None:
    site = family_sites.build_sites()[family]
    assert_learned_after_first([(HOST + path, html) for path, html in site.pages.items()])


def test_wordpress_tag_fixture_five_pages() -> None:
    pages = tag_dir_pages(FIXTURES / "wordpress_tag", "/tag/mining/")
    assert len(pages) == 5
    assert_learned_after_first(pages)


def test_southern_cone_both_tags_share_one_layout() -> None:
    site = FIXTURES / "southern_cone"
    pages = tag_dir_pages(site, "/tag/peru/") + tag_dir_pages(site, "/tag/bolivia/")
    assert len(pages) == 5
    assert_learned_after_first(pages)


def test_sticky_posts_on_the_first_page_do_not_stop_the_layout(tmp_path: Path) -> None:
    newsroom.day_one(tmp_path)
    assert_learned_after_first(tag_dir_pages(tmp_path, newsroom.TAG_PATH))


def test_generated_chain() -> None:
    stories = [[f"nota-{page}-{n}" for n in range(3)] for page in range(4)]
    pages = sites.chain_pages("/tag/agua/", "Agua", stories)
    assert_learned_after_first([(HOST + path, html) for path, html in pages.items()])


def fixture_listing(name: str) -> tuple[str, str]:
    truth = json.loads((LISTINGS / f"{name}.json").read_text(encoding="utf-8"))
    encoding = truth.get("encoding", "utf-8")
    codec = "utf-8-sig" if "BOM" in encoding else encoding.split()[0]
    return truth["page_url"], (LISTINGS / f"{name}.html").read_bytes().decode(codec)


LEARNABLE = sorted(p.stem for p in LISTINGS.glob("*.json") if p.stem != "jsonld-en")


@pytest.mark.parametrize("name", LEARNABLE)
def test_fixture_listing_read_again_with_its_layout(name: str) -> None:
    url, html = fixture_listing(name)
    assert_learned_after_first([(url, html), (url, html)])


def test_structured_data_only_values_are_never_learned() -> None:
    """Dates and bylines that only JSON-LD carries cannot be read off the markup: every page
    of such a site is extracted in full."""
    url, html = fixture_listing("jsonld-en")
    listings = read_pages(LayoutCache(), [(url, html)] * 3)
    assert not any(listing.learned for listing in listings)


def generic_page(number: int, *, pages: int = 3, per_page: int = 4) -> str:
    """A hand-made theme: unwrapped entries (heading, dateline, teaser) and relative dates."""
    entries = "".join(
        f'<h3 class="titular"><a href="/notas/{number}-{n}/">Vecinos de la comuna {number}-{n}'
        f" exigen agua potable y alcantarillado</a></h3>"
        f'<span class="fecha">hace {n + 2} horas</span>'
        f"<p>Las juntas vecinales marcharon hasta la municipalidad con ollas vacías ({n}).</p>"
        for n in range(per_page)
    )
    older = (
        f'<a class="mas" href="/seccion/agua/?p={number + 1}">Más antiguas</a>'
        if number < pages
        else ""
    )
    return (
        '<html lang="es"><head><title>Agua</title></head><body>'
        '<div id="cabecera"><a href="/">Portada</a> <a href="/seccion/agua/">Agua</a></div>'
        f'<div id="cuerpo"><h1>Agua</h1><div class="lista">{entries}</div>'
        f'<div class="paginas">{older}</div></div></body></html>'
    )


def generic_pages(pages: int = 3) -> list[tuple[str, str]]:
    return [
        (f"{HOST}/seccion/agua/" + (f"?p={n}" if n > 1 else ""), generic_page(n, pages=pages))
        for n in range(1, pages + 1)
    ]


def test_generic_layout_with_relative_dates() -> None:
    pages = generic_pages()
    listings = read_pages(LayoutCache(), pages)
    assert listings[0].method == "generic"
    assert listings[0].stories[0].date_source == "relative"
    assert [listing.learned for listing in listings] == [False, True, True]


def family_page(family: str, number: int) -> tuple[str, str]:
    site = family_sites.build_sites()[family]
    path, html = list(site.pages.items())[number - 1]
    return HOST + path, html


def test_a_site_that_changes_theme_is_learned_again() -> None:
    pages = [family_page("wordpress", 1), family_page("wordpress", 2)]
    pages += [family_page("drupal", 1), family_page("drupal", 2), family_page("wordpress", 3)]
    listings = read_pages(LayoutCache(), pages)
    assert [listing.learned for listing in listings] == [False, True, False, True, True]
    assert [listing.method for listing in listings][2:4] == ["drupal", "drupal"]


def test_a_page_where_the_layout_finds_too_few_entries_is_read_in_full() -> None:
    full = [(HOST + "/seccion/agua/", generic_page(1, per_page=12))]
    fewer = [(HOST + "/seccion/agua/?p=2", generic_page(2, per_page=2))]
    listings = read_pages(LayoutCache(), full + fewer)
    assert len(listings[1].stories) == 2
    assert not listings[1].learned


@pytest.mark.parametrize(
    ("page_url", "older"),
    [
        (HOST + "/tag/peru/page/5/", "/tag/peru/page/5/"),
        (HOST + "/tag/peru/", "https://elsewhere.example/tag/peru/page/2/"),
    ],
    ids=["to-itself", "off-site"],
)
def test_a_next_link_to_the_page_itself_or_off_site_falls_back(page_url: str, older: str) -> None:
    url, html = family_page("wordpress", 1)
    cache = LayoutCache()
    read_pages(cache, [(url, html)])
    learned_next = html.split('<div class="nav-previous"><a href="')[1].split('"')[0]
    [listing] = read_pages(cache, [(page_url, html.replace(learned_next, older))])
    assert not listing.learned


def test_periodic_check_catches_a_layout_that_reads_the_wrong_element() -> None:
    """A second, earlier date in each entry changes what full extraction reads, while the
    learned path still finds its element: the check against full extraction catches it."""
    pages = [family_page("wordpress", n) for n in (1, 2, 3)]
    url, html = pages[2]
    moved = html.replace(
        '<header class="entry-header">',
        '<header class="entry-header"><time class="entry-date published" datetime="2023-01-05">'
        "5 de enero</time>",
    )
    cache = LayoutCache(verify_every=1)
    listings = read_pages(cache, [*pages[:2], (url, moved), (url, moved)])
    assert [listing.learned for listing in listings] == [False, True, False, True]
    assert listings[3].stories[0].published_at == "2023-01-05"


def test_an_unlearnable_page_keeps_full_extraction() -> None:
    one_story = generic_page(1, per_page=1)
    listings = read_pages(LayoutCache(), [(HOST + "/seccion/agua/", one_story)] * 2)
    assert not any(listing.learned for listing in listings)


def test_caches_do_not_share_what_they_learned() -> None:
    pages = generic_pages()
    first, second = LayoutCache(), LayoutCache()
    read_pages(first, pages[:2])
    assert not read_pages(second, pages[2:])[0].learned


def test_crawl_counts_pages_read_with_a_learned_layout(tmp_path: Path) -> None:
    site = family_sites.build_sites()["wordpress"]
    with family_sites.serve_pages(site.pages) as base:
        result = run_crawl([base + site.start], tmp_path / "learned.sqlite")
    stats = result["stats"]
    assert stats["newsarchive/pages"] == family_sites.PAGES
    assert stats["newsarchive/extract/full_pages"] == 1
    assert stats["newsarchive/extract/learned_pages"] == family_sites.PAGES - 1
    with sqlite3.connect(tmp_path / "learned.sqlite") as conn:
        (count,) = conn.execute("SELECT count(*) FROM stories").fetchone()
    assert count == len(site.stories)
