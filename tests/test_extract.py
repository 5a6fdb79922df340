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


def test_unwrapped_entries_take_the_siblings_up_to_the_next_headline() -> None:
    body = "<div id='content'>" + "".join(
        f"<h2><a href='/n/{n}/'>Titular número {n} sobre la huelga minera</a></h2>"
        f"<p>{10 + n} de julio de 2024</p><p>Resumen de la nota {n} con texto suficiente.</p>"
        for n in range(3)
    ) + "</div><aside><ul>" + "".join(
        f"<li><a href='/otra/{n}/'>Otra nota de la barra lateral número {n}</a></li>" for n in range(6)
    ) + "</ul></aside>"  # fmt: skip
    stories = listing_of(body).stories
    assert [(s.url, s.teaser, s.published_at) for s in stories] == [
        (f"https://news.example/n/{n}/", f"Resumen de la nota {n} con texto suficiente.",
         f"2024-07-{10 + n}") for n in range(3)
    ]  # fmt: skip


def test_cards_that_are_one_big_link_keep_title_and_teaser_apart() -> None:
    body = "<main><div class='grid'>" + "".join(
        f"<a class='card' href='/n/{n}/'><img src='/i/{n}.jpg' width='300'>"
        f"<h3>Titular de la tarjeta {n} sobre el litio</h3><p>Bajada de la tarjeta {n}, breve.</p>"
        f"<time datetime='2024-07-1{n}'>hace {n} días</time></a>"
        for n in range(3)
    ) + "</div></main>"  # fmt: skip
    stories = listing_of(body).stories
    assert [(s.headline, s.teaser, s.published_at, s.date_source) for s in stories] == [
        (f"Titular de la tarjeta {n} sobre el litio", f"Bajada de la tarjeta {n}, breve.",
         f"2024-07-1{n}", "time") for n in range(3)
    ]  # fmt: skip
    assert stories[0].image_url == "https://news.example/i/0.jpg"
