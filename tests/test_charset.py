"""Charset repair: mislabelled pages are decoded right, and a UTF-8 page with a few stray cp1252
bytes stays UTF-8 (its accented headlines must not turn into mojibake)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from newsarchive.extract import extract_listing
from newsarchive.middlewares.charset import CharsetMiddleware, better_encoding
from tests.helpers import FIXTURES

LISTINGS = FIXTURES / "listings"
# A footer pasted from a cp1252 editor: "©", "–", "í", "·" and "é" as single cp1252 bytes —
# more of them than the page has UTF-8 characters beyond ASCII.
STRAY_FOOTER = "<p>© 2024 – Política de privacidad · Términos</p></body>".encode("cp1252")


def utf8_with_stray_footer(name: str) -> bytes:
    """A fixture page, valid UTF-8 throughout but for a few cp1252 bytes in its footer."""
    body = (LISTINGS / f"{name}.html").read_bytes().replace(b"</body>", STRAY_FOOTER)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    return body


def repaired(body: bytes, content_type: str, url: str) -> tuple[HtmlResponse, int]:
    crawler = get_crawler()
    crawler.stats = MemoryStatsCollector(crawler)
    response = HtmlResponse(url, body=body, headers={"Content-Type": content_type})
    result = CharsetMiddleware.from_crawler(crawler).process_response(response.request, response)
    return result, crawler.stats.get_value("newsarchive/charset_repaired", 0)


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html"])
def test_utf8_page_with_stray_cp1252_bytes_stays_utf8(content_type: str) -> None:
    url = "https://southernledger.example/tag/mercosur/"
    response, count = repaired(utf8_with_stray_footer("ghost-en"), content_type, url)
    assert count == 0
    headlines = [story.headline for story in extract_listing(response.selector, url).stories]
    assert "EU–Mercosur deal: small farmers on both sides of the Atlantic say no" in headlines
    assert not any("â€" in headline for headline in headlines)


def test_utf8_page_labelled_latin1_with_stray_bytes_is_read_as_utf8() -> None:
    body = utf8_with_stray_footer("wordpress-classic-es")
    url = "https://vocesdelsur.example/tag/peru/"
    response, count = repaired(body, "text/html; charset=iso-8859-1", url)
    assert response.encoding == "utf-8" and count == 1
    assert "Etiqueta: <span>Perú</span>" in response.text and "PerÃº" not in response.text


def test_a_cp1252_page_labelled_utf8_is_still_repaired() -> None:
    page = (LISTINGS / "wordpress-classic-es.html").read_text(encoding="utf-8")
    body = page.replace('charset="UTF-8"', "").encode("cp1252")
    url = "https://vocesdelsur.example/tag/peru/"
    response, count = repaired(body, "text/html; charset=utf-8", url)
    assert response.encoding == "cp1252" and count == 1
    assert "Etiqueta: <span>Perú</span>" in response.text


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        ("Perú".encode(), "utf-8", None),
        ("Perú".encode("cp1252"), "utf-8", "cp1252"),
        ("Perú".encode() + "©".encode("cp1252"), "utf-8", None),
        ("Perú, Bogotá".encode() + b"\xa9", "cp1252", "utf-8"),
        ("Perú".encode("cp1252"), "cp1252", None),
        (b"plain ascii", "cp1252", None),
    ],
)
def test_better_encoding(body: bytes, declared: str, expected: str | None) -> None:
    assert better_encoding(body, declared) == expected
