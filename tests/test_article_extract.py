"""Reading article pages: tests/fixtures/articles_site holds pages we wrote in the markup of
several CMS (WordPress with Yoast's JSON-LD graph, Drupal's meta tags, Ghost's JSON-LD, schema.org
microdata, an AMP page, a paywall stub, and one page without any metadata)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.extract.article import read_article
from tests.helpers import FIXTURES

SITE = FIXTURES / "articles_site"
BASE = "https://cronica.example.org"


def article(slug: str, path: Path | None = None):
    page = path or SITE / "2024" / "07" / slug / "index.html"
    return read_article(page.read_bytes(), f"{BASE}/2024/07/{slug}/")


def test_wordpress_yoast_graph_gives_exact_times_authors_section_tags_language() -> None:
    found = article("litio-consulta")
    assert found.title == "Comunidades exigen consulta previa sobre el litio"
    assert found.published_at == "2024-07-22T08:15:00-04:00"
    assert found.modified_at == "2024-07-22T19:40:00-04:00"
    assert found.authors == ["Rosa Condori"]
    assert (found.section, found.language) == ("Noticias", "es-PE")
    assert found.tags == ["Andes", "litio", "consulta previa"]
    assert found.canonical_url == f"{BASE}/2024/07/litio-consulta/"
    assert found.image_url == f"{BASE}/wp-content/uploads/2024/07/salar.jpg"
    # The full text, without the title, the byline, the menu, the sidebar or the footer.
    assert found.text.startswith("Dirigentes aimaras de doce comunidades")
    assert found.text.endswith("no antes.")
    assert found.text.count("\n") == 3
    for boilerplate in ("Lo más leído", "Inicio", "Textos inventados", "Por Rosa"):
        assert boilerplate not in found.text
    assert not found.paywalled and found.corrections == []


def test_drupal_meta_tags() -> None:
    found = article("huelga-minera")
    assert found.title == "Mineros de Huanuni inician huelga indefinida"
    assert (found.published_at, found.modified_at) == (
        "2024-07-23T14:30:00-04:00",
        "2024-07-23T18:05:00-04:00",
    )
    assert found.authors == ["Julián Quispe"]
    assert (found.section, found.tags) == ("Trabajo", ["Andes", "minería", "huelga"])
    assert found.language == "es"
    assert found.words > 80


def test_ghost_json_ld_times_in_utc() -> None:
    found = article("reforma-agraria")
    assert found.published_at == "2024-07-19T14:00:00+00:00"
    assert found.modified_at == "2024-07-19T16:20:00+00:00"
    assert found.authors == ["Elena Vargas"]
    assert found.tags == ["Andes", "Congreso", "tierra"]
    assert found.canonical_url == f"{BASE}/2024/07/reforma-agraria/"


def test_microdata_article_and_a_correction_note() -> None:
    before = article("cambia")
    after = article("cambia", SITE / "changed" / "cambia.html")
    assert before.published_at == after.published_at == "2024-07-24T09:00:00-05:00"
    assert before.authors == ["Marco Huanca"]
    assert before.corrections == []
    assert after.title.startswith("Derrame de relaves contamina")
    assert len(after.corrections) == 1 and after.corrections[0].startswith("Corrección:")


def test_a_page_without_metadata_gets_text_and_no_invented_date() -> None:
    found = article("sin-metadatos")
    assert found.title == "Maestros rurales marchan por la capital"
    assert found.text.startswith("Cientos de maestros rurales")
    # The URL says 2024/07: that is a month, not the first of it.
    assert found.published_at is None and found.modified_at is None
    assert found.authors == [] and found.language is None and found.canonical_url is None


def test_amp_page_names_its_canonical_article() -> None:
    found = read_article(
        (SITE / "2024/07/represa/amp/index.html").read_bytes(), f"{BASE}/2024/07/represa/amp/"
    )
    assert found.canonical_url == f"{BASE}/2024/07/represa/"
    assert found.text.startswith("La construcción de la represa")


def test_a_paywall_stub_is_recognised_and_keeps_its_metadata() -> None:
    found = article("exclusiva")
    assert found.paywalled
    assert found.authors == ["Rosa Condori", "Iván Choque"]
    assert found.published_at == "2024-07-25T06:00:00-04:00"


@pytest.mark.parametrize(
    "html",
    [b"", b"   ", b"\x00\xff\xfe garbage", b"<html><head><script type='application/ld+json'>{"],
)
def test_unreadable_pages_give_empty_fields_without_raising(html: bytes) -> None:
    found = read_article(html, f"{BASE}/x/")
    assert found.published_at is None and found.authors == [] and not found.paywalled


def test_dates_that_disagree_are_settled_by_htmldate() -> None:
    """JSON-LD and the meta tags name different days: the page's visible date decides."""
    html = """<html lang="en"><head><title>Dam opens</title>
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Dam opens",
      "datePublished": "2021-01-01T00:00:00+00:00"}</script>
    <meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
    </head><body><article><h1>Dam opens</h1>
    <p class="date">Published <time datetime="2024-03-05T10:00:00+01:00">5 March 2024</time></p>
    <p>The dam on the upper river opened on Tuesday after nine years of works and two court
    cases brought by the farming communities downstream.</p></article></body></html>"""
    found = read_article(html, "https://news.example.org/dam-opens/")
    assert found.published_at is not None and found.published_at.startswith("2024-03-05")
