"""Extraction behaviour that the fixtures do not pin down: field rules and hostile pages."""

from __future__ import annotations

import pytest
from parsel import Selector

from newsarchive.extract import extract_listing

URL = "https://news.example/tag/peru/"


def listing_of(body: str, head: str = ""):
    return extract_listing(
        Selector(text=f"<html><head>{head}</head><body>{body}</body></html>"), URL
    )


ENTRY = '<div class="story"><h2><a href="/{slug}/">{title}</a></h2>{extra}</div>'


def entries(extras: list[str]) -> str:
    titles = ["Huelga minera en Cerro de Pasco", "Marcha por el agua en Arequipa",
              "Rondas campesinas ocupan el puente", "Maestros rurales levantan la huelga"]  # fmt: skip
    return (
        '<main class="content">'
        + "".join(
            ENTRY.format(slug=f"nota-{n}", title=titles[n], extra=extra)
            for n, extra in enumerate(extras)
        )
        + "</main>"
    )


def test_teaser_is_never_the_headline_nor_read_more() -> None:
    listing = listing_of(entries([
        "<p>Los trabajadores exigen la reposición de los despedidos.</p><a href='/nota-0/'>Read more »</a>",
        "<p>Marcha por el agua en Arequipa</p>",
        "<a class='more-link' href='/nota-2/'>Seguir leyendo</a>",
        "",
    ]))  # fmt: skip
    teasers = [story.teaser for story in listing.stories]
    assert teasers == ["Los trabajadores exigen la reposición de los despedidos.", None, None, None]


def test_author_loses_its_by_prefix() -> None:
    listing = listing_of(entries([f'<p class="byline">{name}</p>' for name in
                                  ("By Ana Flores", "Por Luis Mamani", "Rosa Ccori", "von Eva Roth")]))  # fmt: skip
    assert [story.author for story in listing.stories] == [
        "Ana Flores", "Luis Mamani", "Rosa Ccori", "Eva Roth"
    ]  # fmt: skip


def test_every_story_names_the_layer_that_found_it() -> None:
    listing = listing_of(entries(["<p>Un resumen suficientemente largo para ser bajada.</p>"] * 4))
    assert listing.method == "generic"
    assert {story.extraction_method for story in listing.stories} == {"generic"}


def test_url_date_is_the_fallback_and_says_so() -> None:
    body = "".join(
        f'<article><h3><a href="/2024/07/0{n}/nota-{n}/">Titular de la nota número {n}</a></h3></article>'
        for n in range(1, 4)
    )
    stories = listing_of(f"<main>{body}</main>").stories
    assert [(s.published_at, s.date_source) for s in stories] == [
        (f"2024-07-0{n}", "url") for n in range(1, 4)
    ]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "plain text, no markup at all",
        "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>",
        '<script type="application/ld+json">{"@type": "ItemList", "itemListElement": [</script>',
        '<script type="application/ld+json">[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]</script>',
        '<a href="http://[::1">broken</a><a href="javascript:void(0)">js</a><a href="//">x</a>',
        "<time datetime='9999-99-99'>x</time><abbr class='published' title='2024-13-45'>y</abbr>",
        "\x00\x01\x02<p>\u200b\ufeff</p>",
        "<div itemscope itemtype='http://schema.org/BlogPosting'><span itemprop='datePublished'"
        " content='not a date'></span></div>" * 3,
        "<a rel='next' href=''>Next</a><link rel='next' href='   '>",
    ],
)
def test_hostile_pages_give_an_empty_or_partial_listing_never_an_error(html: str) -> None:
    listing = extract_listing(Selector(text=html), URL)
    assert listing.url == URL
    assert all(story.url.startswith("http") and story.headline for story in listing.stories)
