"""`newsarchive inspect`: one page's stories and next page, from a file or a loopback URL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import FIXTURES, run_cli

LISTINGS = FIXTURES / "listings"
STORY_KEYS = ["url", "headline", "teaser", "published_at", "author", "image_url",
              "extraction_method", "date_source", "date_precision", "author_source",
              "teaser_source", "confidence"]  # fmt: skip
CYRILLIC_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Новости</title></head><body><main>
<div class="item"><h2><a href="/news/1">Профсоюз шахтёров объявил забастовку в Кузбассе</a></h2>
<p>Горняки требуют индексации зарплат и безопасных условий труда на шахтах.</p></div>
<div class="item"><h2><a href="/news/2">Жители посёлка вышли против вырубки леса</a></h2>
<p>Активисты собрали три тысячи подписей за сохранение рощи у реки.</p></div>
</main></body></html>"""


def test_file_with_url_prints_the_documented_json(tmp_path: Path, cli) -> None:
    page = LISTINGS / "wordpress-classic-es.html"
    result = cli("inspect", str(page), "--url", "https://vocesdelsur.example/tag/peru/", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["url", "method", "next_page", "low_confidence", "stories"]
    assert data["url"] == "https://vocesdelsur.example/tag/peru/"
    assert data["method"] == "wordpress"
    assert data["next_page"] == "https://vocesdelsur.example/tag/peru/page/2/"
    assert [list(story) for story in data["stories"]] == [STORY_KEYS] * 3
    assert data["stories"][0]["author"] == "Rosa Quispe"
    assert data["low_confidence"] is False
    assert all(0.5 <= story["confidence"] <= 1 for story in data["stories"])
    assert data["stories"][0]["date_precision"] == "second"
    assert data["stories"][0]["author_source"] == "markup"


def test_text_report_shows_confidence_sources_and_precision(tmp_path: Path) -> None:
    page = LISTINGS / "portal-es-lead.html"
    result = run_cli("inspect", str(page))
    assert result.returncode == 0, result.stderr
    assert "Tag:       Minería" in result.stdout
    assert "Confidence: " in result.stdout and "low:" not in result.stdout
    assert "by Ana Galán · confidence 0." in result.stdout


def test_file_bytes_are_decoded_as_a_browser_would(tmp_path: Path, cli) -> None:
    legacy = tmp_path / "cp1251.html"
    legacy.write_bytes(CYRILLIC_PAGE.encode("windows-1251"))
    with_bom = tmp_path / "bom.html"
    with_bom.write_bytes(b"\xef\xbb\xbf" + CYRILLIC_PAGE.replace("windows-1251", "utf-8").encode())
    for path in (legacy, with_bom):
        result = cli("inspect", str(path), "--url", "https://novosti.example/", "--json")
        assert result.returncode == 0, result.stderr
        stories = json.loads(result.stdout)["stories"]
        assert stories[0]["headline"] == "Профсоюз шахтёров объявил забастовку в Кузбассе"
        assert stories[0]["url"] == "https://novosti.example/news/1"


def test_file_links_resolve_against_the_canonical_url_by_default(tmp_path: Path, cli) -> None:
    result = cli("inspect", str(LISTINGS / "drupal-fr.html"))
    assert result.returncode == 0, result.stderr
    assert "Method:    drupal" in result.stdout
    assert "https://terresolidaire.example/actualites/2024/07/" in result.stdout


def test_file_without_any_page_url_is_a_usage_error(tmp_path: Path, cli) -> None:
    page = tmp_path / "page.html"
    page.write_text(CYRILLIC_PAGE, encoding="utf-8")
    result = cli("inspect", str(page))
    assert result.returncode == 2
    assert "give --url PAGE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_url_is_fetched_from_loopback_obeying_robots(tmp_path: Path, serve) -> None:
    site = tmp_path / "site"
    (site / "tag" / "peru").mkdir(parents=True)
    shutil.copy(LISTINGS / "ghost-en.html", site / "tag" / "peru" / "index.html")
    (site / "private").mkdir()
    shutil.copy(LISTINGS / "ghost-en.html", site / "private" / "index.html")
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    base = serve(site)
    result = run_cli("inspect", f"{base}/tag/peru/", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["method"] == "ghost"
    assert data["stories"][0]["url"] == f"{base}/eu-mercosur-deal-farmers-protest/"
    refused = run_cli("inspect", f"{base}/private/")
    assert refused.returncode == 3
    assert "robots.txt" in refused.stderr
    missing = run_cli("inspect", f"{base}/nowhere/")
    assert (missing.returncode, missing.stderr.strip()) == (
        3, f"newsarchive: error: HTTP 404 for {base}/nowhere/"
    )  # fmt: skip


def test_page_without_stories_still_reports_and_exits_non_zero(tmp_path: Path, cli) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body><p>Nothing here.</p></body></html>", encoding="utf-8")
    result = cli("inspect", str(page), "--url", "https://x.example/tag/none/", "--json")
    assert result.returncode == 4
    assert json.loads(result.stdout)["stories"] == []
