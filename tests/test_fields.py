"""Field accuracy on our fixture listings, one failure class at a time: tag names, localized
bylines, teaser boundaries, dates and their precision, the direction of the next page, lead
stories, confidence, and the per-page cap."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from lxml.html import fragment_fromstring
from parsel import Selector

from newsarchive.extract import MAX_STORIES, Listing, extract_listing
from newsarchive.extract.bylines import byline_name
from newsarchive.extract.confidence import LOW_CONFIDENCE
from tests.quality import LISTINGS
from tests.sites import listing_html

FIXTURES = sorted(path.stem for path in LISTINGS.glob("*.json"))


def fixture(name: str) -> tuple[Listing, dict]:
    truth = json.loads((LISTINGS / f"{name}.json").read_text(encoding="utf-8"))
    html = (LISTINGS / f"{name}.html").read_text(encoding="utf-8")
    now = datetime.fromisoformat(truth["now"]) if truth.get("now") else None
    return extract_listing(Selector(text=html), truth["page_url"], now=now), truth


def stories_by_url(listing: Listing) -> dict:
    return {story.url: story for story in listing.stories}


@pytest.mark.parametrize("name", FIXTURES)
def test_tag_name_without_archive_words_or_the_sites_name(name: str) -> None:
    """The listing's own name, or None: without "Etiqueta: ", "Schlagwort: ", "「…」の記事一覧",
    the Blogger label rather than the blog's title, no name for a blog's paged home."""
    listing, truth = fixture(name)
    assert listing.tag == truth["tag"]


@pytest.mark.parametrize(
    ("name", "authors"),
    [
        ("wordpress-de-schlagwort", ["Jana Krüger", "Tomasz Nowak", "Jana Krüger"]),
        ("portal-es-lead", ["Ana Galán", "Luis Ortega", "Marta Quispe", "Redacción", "Ana Galán"]),
        ("drupal-fr-une", ["Camille Dupont", "Julien Moreau", "Camille Dupont", "Inés Caicedo"]),
        ("jekyll-it-pager", ["Marco Rossi", "Giulia Esposito", "Marco Rossi"]),
        ("hugo-nl-door", ["Pieter de Vries", "Fatima el Amrani", "Sanne Bakker"]),
        ("dle-ru", ["Иван Петров", "Ольга Смирнова", "Иван Петров"]),
        ("portal-pl-dates", ["Jan Kowalski", "Anna Nowak", "Jan Kowalski"]),
        ("portal-tr", ["Ahmet Yılmaz", "Elif Demir", "Ahmet Yılmaz"]),
        ("portal-ja", ["山田 太郎", "佐藤 花子", "山田 太郎"]),
        ("portal-zh", ["王伟", "李娜", "王伟"]),
        ("portal-ar", ["سارة حداد", "يوسف العلي", "سارة حداد"]),
    ],
)
def test_localized_bylines_give_the_author(name: str, authors: list[str]) -> None:
    listing, _ = fixture(name)
    assert [story.author for story in listing.stories] == authors
    assert {story.author_source for story in listing.stories} == {"byline"}


def test_a_teaser_starting_with_a_byline_word_is_no_byline() -> None:
    """A teaser may open with "Von den einst…"; the byline is elsewhere in the entry."""
    listing, _ = fixture("wordpress-de-schlagwort")
    third = listing.stories[2]
    assert third.author == "Jana Krüger"
    assert third.teaser is not None and third.teaser.startswith("Von den einst")


def test_authors_marked_in_markup_say_so() -> None:
    listing, _ = fixture("wordpress-classic-es")
    assert {story.author_source for story in listing.stories} == {"markup"}


@pytest.mark.parametrize("name", FIXTURES)
def test_teasers_stay_inside_their_entry(name: str) -> None:
    """Exactly the item's own excerpt: no advertising label, no byline or date line, no pop-up
    card, nothing from the next item or from after the list; None, never "", when it shows none."""
    listing, truth = fixture(name)
    found = stories_by_url(listing)
    for item in truth["items"]:
        teaser = found[item["url"]].teaser
        assert teaser == (" ".join(item["teaser"].split()) if item["teaser"] else None)


def test_advertising_pop_ups_and_notes_never_reach_a_teaser() -> None:
    for name in ("news-en-stream", "portal-es-lead", "wordpress-de-schlagwort", "blogger-pt-label"):
        listing, _ = fixture(name)
        for story in listing.stories:
            for label in ("Advertisement", "Publicidad", "Anzeige", "More from", "Showing 5",
                          "Compartilhar", "Facebook"):  # fmt: skip
                assert label not in (story.teaser or ""), (name, story.url)


@pytest.mark.parametrize(
    ("name", "url", "published", "source", "precision"),
    [
        ("portal-es-lead", "paro-en-la-mina-aguilar", "2024-03-12T16:00-03:00", "relative", "hour"),
        ("portal-es-lead", "el-mapa-de-los-pedimentos-mineros", "2024-01-12", "relative", "month"),
        ("portal-es-lead", "tilcara-cabildo-contra-el-tajo-abierto", "2024-03-12T14:20", "text", "minute"),
        ("news-en-stream", "farmworkers-heat-standard", "2024-01-12", "relative", "month"),
        ("portal-tr", "asgari-ucretle-kira-hesabi-20388", "2024-01-12", "relative", "month"),
        ("portal-tr", "tekstil-iscileri-bursada-is-birakti-20436", "2024-03-11", "relative", "day"),
        ("portal-ar", "aflaj-dry-up", "2024-03-12T17:00+03:00", "relative", "hour"),
        ("dle-ru", "1542-zhiteli-protiv-vyrubki-roshchi.html", "2016-03-02T07:30", "text", "minute"),
        ("portal-zh", "1042.html", "2024-03-12T10:30:45", "text", "second"),
        ("hugo-nl-door", "hittestress-in-de-pijp/", "2024-03-03T09:00+01:00", "time", "minute"),
        ("wordpress-classic-es", "comunidades-de-espinar-exigen-consulta-previa/",
         "2024-07-28T17:04:11-05:00", "time", "second"),
    ],
)  # fmt: skip
def test_dates_come_with_their_source_and_precision(
    name: str, url: str, published: str, source: str, precision: str
) -> None:
    listing, _ = fixture(name)
    story = next(story for story in listing.stories if story.url.endswith(url))
    assert (story.published_at, story.date_source, story.date_precision) == (
        published, source, precision
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        # A comment count ("19") in a date-marked box: the date is the URL's, or none at all.
        ("portal-es-lead", "salinas-grandes-el-agua-primero", ("2024-03-11", "url")),
        ("news-en-stream", "rideshare-drivers-minimum-pay", (None, None)),
        # Hugo's zero time for a page without a date.
        ("hugo-nl-door", "over-deze-reeks/", (None, None)),
    ],
)
def test_numbers_and_placeholders_give_no_date(
    name: str, url: str, expected: tuple[str | None, str | None]
) -> None:
    listing, _ = fixture(name)
    story = next(story for story in listing.stories if story.url.endswith(url))
    assert (story.published_at, story.date_source) == expected


@pytest.mark.parametrize(
    ("name", "older"),
    [
        # Page 3, whose "next" class and "Sonraki" label lead to page 2 (newer).
        ("portal-tr", "https://emekgundem.example/etiket/asgari-ucret?sayfa=4"),
        # Page /page3/, whose `a.next` "Successiva" leads to /page2/ (newer).
        ("jekyll-it-pager", "https://cronachedalsud.example/page4/"),
        # Date cursors: `a.next` asks for stories after the newest shown.
        ("portal-pl-dates", "https://glosslaska.example/tag/gornictwo?przed=2016-02-11T12%3A00"),
    ],
)
def test_the_next_page_leads_to_older_stories_whatever_its_class_says(
    name: str, older: str
) -> None:
    listing, _ = fixture(name)
    assert listing.next_page == older


@pytest.mark.parametrize(
    ("name", "lead"),
    [
        ("portal-es-lead", "https://laquebrada.example/2024/03/12/tilcara-cabildo-contra-el-tajo-abierto"),
        ("news-en-stream", "https://theworkbench.example/news/staten-island-warehouse-vote"),
        ("drupal-fr-une", "https://terreetluttes.example/actualites/2024/03/cauca-les-gardes-indigenes-marchent-sur-popayan"),
    ],
)  # fmt: skip
def test_a_lead_story_above_the_list_is_listed_first(name: str, lead: str) -> None:
    listing, truth = fixture(name)
    assert listing.stories[0].url == lead
    assert [story.url for story in listing.stories] == [item["url"] for item in truth["items"]]


@pytest.mark.parametrize("name", FIXTURES)
def test_every_story_has_a_confidence_and_right_pages_are_not_flagged(name: str) -> None:
    listing, _ = fixture(name)
    assert all(0 < story.confidence <= 1 for story in listing.stories)
    assert not listing.low_confidence


def test_a_page_of_bare_short_links_is_flagged_low_confidence() -> None:
    """A contact page whose only repeated block is a list of short links: the generic layer
    takes it, and says it is not sure."""
    links = "".join(
        f'<li><a href="/team/{name.lower()}">{name}</a></li>'
        for name in ("Ana", "Luis", "Marta", "Rosa", "Dev")
    )
    html = (
        "<html><head><title>Contact | Diario</title></head><body><main><h1>Contact</h1>"
        f"<p>Write to the newsroom.</p><ul class='team'>{links}</ul></main></body></html>"
    )
    listing = extract_listing(Selector(text=html), "https://diario.example/contact")
    assert listing.method == "generic" and listing.stories
    assert all(story.confidence < LOW_CONFIDENCE for story in listing.stories)
    assert listing.low_confidence


def test_a_huge_page_yields_the_capped_count_in_order() -> None:
    """20,000 stories on one page: the first MAX_STORIES are read, and the pager still is."""
    slugs = [f"nota-{n}" for n in range(20_000)]
    html = listing_html("Perú", slugs, "/tag/peru/page/2/")
    listing = extract_listing(Selector(text=html), "https://news.example/tag/peru/")
    assert len(listing.stories) == MAX_STORIES
    assert [story.url for story in listing.stories] == [
        f"https://news.example/{slug}/" for slug in slugs[:MAX_STORIES]
    ]
    assert listing.next_page == "https://news.example/tag/peru/page/2/"


def test_invisible_characters_make_no_text() -> None:
    """A teaser of zero-width spaces and soft hyphens is no teaser (None, never "")."""
    entries = "".join(
        f"<article class='nota'><h2><a href='/n/{n}/'>Titular número {n} sobre la huelga</a></h2>"
        f"<p>\u200b\u00ad\ufeff</p></article>"
        for n in range(3)
    )
    listing = extract_listing(
        Selector(text=f"<html><body><main>{entries}</main></body></html>"),
        "https://news.example/tag/huelga/",
    )
    assert len(listing.stories) == 3
    assert [story.teaser for story in listing.stories] == [None, None, None]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("<p>Von Max Mustermann, 3. März 2024</p>", "Max Mustermann"),
        ("<p>Par Marie Curie | 12 mars 2024</p>", "Marie Curie"),
        ("<span>di Luigi Di Maio</span>", "Luigi Di Maio"),
        ("<p>Door Jan de Boer</p>", "Jan de Boer"),
        ("<p>Por João Silva em 12/03/2024</p>", "João Silva"),
        ("<p>Автор: Иван Иванов</p>", "Иван Иванов"),
        ("<p>文・山田太郎</p>", "山田太郎"),
        ("<p>来源：新华社 作者：王伟</p>", "王伟"),
        ("<p>كتبه: أحمد علي</p>", "أحمد علي"),
        ("<p>By <a href='/a/jane'>Jane Doe</a> and <a href='/a/john'>John Roe</a></p>", "Jane Doe"),
        ("<div><span class='label'>Von</span> <a href='/a/eva'>Eva Roth</a></div>", "Eva Roth"),
        # Not bylines: a surname with a particle, sentences that open with a prefix word.
        ("<span>Di Maio</span>", None),
        ("<p>Por qué los mineros protestan</p>", None),
        ("<p>By the numbers: how the strike spread</p>", None),
        ("<p>De Paris à Lyon, la grève s'étend</p>", None),
        ("<p>von 2024 bis 2025</p>", None),
    ],
)
def test_byline_lines(line: str, name: str | None) -> None:
    assert byline_name(fragment_fromstring(line)) == name
