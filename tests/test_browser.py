"""`newsarchive browse` and `newsarchive report` in a real browser: Debian's Chromium, headless.

Playwright drives the system Chromium (no browser download). Every request the pages make is
checked: only the loopback view (or the report file itself) may be asked for, so these tests
also prove that nothing comes from a CDN. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsarchive.views.browse.queries import weekly_sql
from newsarchive.views.browse.tables import inspect_archive
from tests.browsing import (
    ARTIFACTS,
    browsing,
    dated_archive,
    demo_archive,
    headlines_containing,
    headlines_with_word,
)
from tests.helpers import run_cli

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM = Path(os.environ.get("NEWSARCHIVE_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# CI installs Chromium (.ci/run), so there a missing browser fails instead of skipping.
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium, or set NEWSARCHIVE_CHROMIUM)",
)
WRITES = ("/stories", "/stories/1", "/latest_crawl_runs", "/-/create", "/stories/-/insert")
SYMBOLS = "#chart-timeline svg g.mark-symbol.role-mark path"


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    data = tmp_path_factory.mktemp("archives")
    return {"demo": demo_archive(data), "mining": dated_archive(data)}


@pytest.fixture(scope="module")
def demo_view(archives: dict[str, Path]) -> Iterator[str]:
    with browsing(archives["demo"]) as base:
        yield base


@pytest.fixture(scope="module")
def mining_view(archives: dict[str, Path]) -> Iterator[str]:
    with browsing(archives["mining"]) as base:
        yield base


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory):
    """A headless Chromium with a fresh profile directory."""
    with sync_api.sync_playwright() as playwright:
        browser_context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=FLAGS,
            headless=True,
            viewport={"width": 1100, "height": 760},
        )
        yield browser_context
        browser_context.close()


@pytest.fixture
def page(context) -> Iterator:
    """A page that may only reach loopback and local files; anything else fails the test."""
    outside: list[str] = []

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    tab = context.new_page()
    tab.route("**/*", only_local)
    yield tab
    tab.close()
    assert outside == [], f"the page asked for resources off this machine: {outside}"


def shot(tab, name: str, selector: str | None = None) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = str(ARTIFACTS / f"{name}.png")
    if selector:
        tab.locator(selector).screenshot(path=path)
    else:
        tab.screenshot(path=path, full_page=True)


def headlines_shown(tab) -> set[str]:
    return set(tab.locator("table.rows-and-columns td.col-headline").all_inner_texts())


def test_landing_page_explains_the_tables(page, demo_view: str) -> None:
    page.goto(demo_view)
    assert page.locator("h1").inner_text() == "News archive"
    description = page.locator(".metadata-description")
    for title in ("Stories", "Tags", "Stories per tag", "Sightings", "Crawl runs"):
        assert description.get_by_role("link", name=title, exact=True).count() == 1
    timeline = description.get_by_role("link", name="coverage timeline")
    assert timeline.get_attribute("href") == "/-/dashboards/coverage"
    assert "belong to their publishers" in page.content()
    shot(page, "landing")


def test_filter_finds_stories_and_the_tag_facet_narrows_them(page, demo_view: str) -> None:
    page.goto(f"{demo_view}/demo/stories")
    page.select_option('select[name="_filter_column"]', "headline")
    page.select_option('select[name="_filter_op"]', "contains")
    page.fill('input[name="_filter_value"]', "strike")
    page.click('input[type="submit"][value="Apply"]')
    page.wait_for_url("**headline__contains=strike**")
    everywhere = headlines_shown(page)
    assert everywhere == headlines_containing("strike")
    story_link = page.locator("td.col-url a").first
    assert story_link.get_attribute("href").startswith("http://127.0.0.1:")

    page.locator("#facet-tag").get_by_role("link", name="Bolivia", exact=True).click()
    page.wait_for_url("**_tag=Bolivia**")
    narrowed = headlines_shown(page)
    assert narrowed == headlines_containing("strike", "Bolivia")
    assert 0 < len(narrowed) < len(everywhere)
    assert 'tagged "Bolivia"' in page.locator("h3").first.inner_text()
    shot(page, "tag-facet")


def test_full_text_search_finds_stories(page, demo_view: str, archives: dict[str, Path]) -> None:
    assert inspect_archive(archives["demo"]).stories_fts == "stories_fts"
    page.goto(f"{demo_view}/demo/stories")
    page.fill("input#_search", "strike")
    page.press("input#_search", "Enter")
    page.wait_for_url("**_search=strike**")
    assert headlines_shown(page) == headlines_with_word("strike")


@pytest.mark.parametrize("name", ["demo", "mining"])
def test_timeline_draws_a_point_per_tag_and_week(
    page, request: pytest.FixtureRequest, archives: dict[str, Path], name: str
) -> None:
    base = request.getfixturevalue(f"{name}_view")
    with closing(sqlite3.connect(archives[name])) as conn:
        expected = conn.execute(weekly_sql(every_week=True)).fetchall()
    page.goto(f"{base}/-/dashboards/coverage")
    page.wait_for_selector(SYMBOLS)
    labels = page.locator(SYMBOLS).evaluate_all("marks => marks.map(m => m.ariaLabel)")
    assert len(labels) == len(expected)
    assert sum(int(label.split("Stories: ")[1].split(";")[0]) for label in labels) == sum(
        stories for _week, _tag, stories in expected
    )
    assert {label.split("Tag: ")[1] for label in labels} == {tag for _w, tag, _n in expected}
    # The list of stories dated outside the timeline's window: none in these archives.
    assert page.locator("#card-outside").get_by_text("Not plotted").count() == 1
    shot(page, f"timeline-{name}", "#card-timeline")


def test_nothing_can_be_written(page, demo_view: str, archives: dict[str, Path]) -> None:
    before = hashlib.sha256(archives["demo"].read_bytes()).hexdigest()
    page.goto(f"{demo_view}/demo")
    statuses = page.evaluate(
        """async paths => Promise.all(paths.map(path => fetch('/demo' + path, {
            method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({row: {headline: 'changed'}})}).then(r => r.status)))""",
        list(WRITES),
    )
    assert all(status >= 400 for status in statuses), dict(zip(WRITES, statuses, strict=True))
    page.locator(".CodeMirror").click()  # the SQL editor (CodeMirror over textarea#sql-editor)
    page.keyboard.press("Control+A")
    page.keyboard.type("delete from stories")
    page.click('input[type="submit"][value="Run SQL"]')
    assert page.get_by_text("Statement must be a SELECT").count() == 1
    shot(page, "no-write")
    assert hashlib.sha256(archives["demo"].read_bytes()).hexdigest() == before


def test_report_opens_offline_with_its_chart(
    page, archives: dict[str, Path], tmp_path: Path
) -> None:
    output = tmp_path / "report.html"
    result = run_cli("report", "--db", str(archives["mining"]), "--output", str(output))
    assert result.returncode == 0, result.stderr
    page.goto(output.as_uri())
    chart = page.locator("svg.timeline")
    assert chart.is_visible()
    assert chart.locator("circle").count() > 10
    assert chart.locator("polyline").count() == 1
    shot(page, "report")
