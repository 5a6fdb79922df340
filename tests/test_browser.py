"""`newsarchive browse` and `newsarchive report` in a real browser: Debian's Chromium, headless.

Playwright drives the system Chromium (no browser download). Every request the pages make is
checked: only the loopback view (or the report file itself) may be asked for, so these tests
also prove that nothing comes from a CDN. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive.cli.examples import DEMO_STORY
from newsarchive.storage import Archive
from newsarchive.views.browse.queries import weekly_sql
from newsarchive.views.browse.tables import inspect_archive
from tests.browsing import (
    ARTIFACTS,
    browsing,
    dated_archive,
    headlines_containing,
    headlines_with_word,
)
from tests.helpers import ROOT, run_cli, stored, story

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
def archives(tmp_path_factory: pytest.TempPathFactory, demo_data: Path) -> dict[str, Path]:
    """The demo archive, and the mining fixture's with two stories of this week, crawled now:
    a timeline whose latest week is still running."""
    data = tmp_path_factory.mktemp("archives")
    mining = dated_archive(data)
    today = datetime.now(UTC).date().isoformat()
    with Archive.open(str(mining)) as archive:
        site = archive.read.iter_stories().__next__()["site"]  # the crawled site's tag
        stored(archive, [
            story(n, "Mining", site=site, url=f"https://{site}/2024/now-{n}/",
                  published_at=today, fetched_at=datetime.now(UTC).isoformat())
            for n in (1, 2)
        ])  # fmt: skip
    return {"demo": demo_data / "demo.sqlite", "mining": mining}


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
    """The headlines of the stories view, or of the table grid (`_grid=1`)."""
    shown = tab.locator("ol.na-stories .na-headline, table.rows-and-columns td.col-headline")
    return set(shown.all_inner_texts())


def one_id(db: Path, sql: str, *params: object) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchone()[0]


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


def test_the_stories_view_opens_on_the_stories(page, demo_view: str) -> None:
    page.goto(f"{demo_view}/demo/stories")
    first = page.locator("ol.na-stories li.na-story").first
    assert first.bounding_box()["y"] < 760  # on the first screen, not below the glossary
    assert first.locator(".na-headline a").inner_text() == (
        "Covid-19 Returns To Iquitos Hospitals As Oxygen Runs Short"  # newest published first
    )
    assert first.locator(".na-headline a").get_attribute("href").startswith("/-/story/")
    assert first.locator("a.na-tag").all_inner_texts() == ["Peru"]
    assert first.locator("time").inner_text().startswith("2024-09-30")
    assert first.locator(".na-teaser").bounding_box()["width"] > 500  # a teaser to read
    assert page.locator("details.na-glossary").get_attribute("open") is None
    shot(page, "stories")


def test_filter_finds_stories_and_the_tag_facet_narrows_them(page, demo_view: str) -> None:
    page.goto(f"{demo_view}/demo/stories")
    page.get_by_role("link", name="every column, filters and SQL").click()
    page.wait_for_url("**_grid=1**")
    page.select_option('select[name="_filter_column"]', "headline")
    page.select_option('select[name="_filter_op"]', "contains")
    page.fill('input[name="_filter_value"]', "strike")
    page.click('input[type="submit"][value="Apply"]')
    page.wait_for_url("**headline__contains=strike**")
    everywhere = headlines_shown(page)
    assert everywhere == headlines_containing("strike")
    story_link = page.locator("td.col-url a").first
    assert story_link.get_attribute("href").startswith("http://dispatch.example/")

    page.locator("#facet-tag").get_by_role("link", name="Bolivia", exact=True).click()
    page.wait_for_url("**_tag=Bolivia**")
    narrowed = headlines_shown(page)
    assert narrowed == headlines_containing("strike", "Bolivia")
    assert 0 < len(narrowed) < len(everywhere)
    assert 'tagged "Bolivia"' in page.locator("h3").first.inner_text()
    shot(page, "tag-facet")


def test_search_finds_stories_and_marks_the_words(
    page, demo_view: str, archives: dict[str, Path]
) -> None:
    assert inspect_archive(archives["demo"]).stories_fts == "stories_fts"
    page.goto(f"{demo_view}/demo/stories")
    page.fill("input#na-q", "strike")
    page.press("input#na-q", "Enter")
    page.wait_for_url("**_q=strike**")
    assert headlines_shown(page) == headlines_with_word("strike")
    marked = {text.lower() for text in page.locator("ol.na-stories mark").all_inner_texts()}
    assert marked == {"strike"}
    page.fill("input#na-q", "covid-19")
    page.press("input#na-q", "Enter")
    page.wait_for_url("**_q=covid-19**")
    assert page.locator(".na-headline mark").all_inner_texts() == ["Covid-19"]
    shot(page, "search")


def test_the_story_page_shows_its_history(page, demo_view: str, archives: dict[str, Path]) -> None:
    story_id = one_id(archives["demo"], "select id from stories where url = ?", DEMO_STORY)
    page.goto(f"{demo_view}/-/story/{story_id}")
    assert (
        page.locator("h1").inner_text()
        == "Peruvian Congress Approves Law Restricting Foreign-Funded NGOs"
    )
    versions = page.locator("table.na-versions tbody tr")
    assert versions.count() == 2
    assert "Peruvian Congress Passes NGO Law In Late-Night Session" in versions.first.inner_text()
    assert "(current)" in versions.last.inner_text()
    sightings = page.locator("table.na-sightings tbody tr")
    assert [row.split("\t")[1:5] for row in sightings.all_inner_texts()] == [
        ["1", "Peru", "1", "5"], ["2", "Peru", "1", "7"],
    ]  # fmt: skip
    shot(page, "story")
    raw = page.request.get(demo_view + page.locator("a.na-warc-raw").first.get_attribute("href"))
    assert [r.rec_type for r in ArchiveIterator(io.BytesIO(raw.body()))] == ["response"]
    page.locator("a.na-warc").first.click()
    page.wait_for_url("**/-/warc/**")
    assert "http://dispatch.example/tag/peru/" in page.locator("dl.na-facts").inner_text()
    assert "Peruvian Congress Passes NGO Law" in page.locator("pre.na-body").inner_text()


def test_the_tag_page_shows_coverage_and_changes(
    page, demo_view: str, archives: dict[str, Path]
) -> None:
    dropped = "/2024/07/tambo-valley-growers-call-for-mining-referendum/"
    dropped_id = one_id(archives["demo"], "select id from stories where url like ?", f"%{dropped}")
    page.goto(f"{demo_view}/-/story/{dropped_id}")
    assert "by " in page.locator("table.na-presence tbody tr").inner_text()  # off page 1 by …
    page.locator("table.na-presence a.na-tag").click()
    page.wait_for_url("**/-/tag/**")
    assert page.locator("h1").inner_text().startswith("Tag Peru")
    assert page.locator(".na-depth").inner_text().startswith("Walked to its last page")
    assert page.locator(".na-timeline svg circle").count() > 10
    rows = page.locator("table.na-dropped tbody tr").all_inner_texts()
    assert [row.split("\t")[0] for row in rows] == [
        "Quechua Community Radios Say New Licensing Rules Will Force Them Off The Air",
        "Tambo Valley Rice Growers Call For Local Referendum On Mining Project",
    ]
    assert "Peruvian Congress Passes NGO Law" in page.locator("table.na-changed").inner_text()
    assert page.locator("table.na-walks tbody tr").count() == 2
    shot(page, "tag")


def test_queries_hide_their_sql_and_the_machinery_is_hidden(page, demo_view: str) -> None:
    page.goto(f"{demo_view}/demo")
    assert page.locator("a", has_text="alembic_version").count() == 0
    starter = page.locator(".CodeMirror").inner_text()
    assert "from stories" in starter and "alembic" not in starter
    page.goto(f"{demo_view}/demo/dropped_off_first_page")
    assert page.locator(".CodeMirror, textarea#sql-editor").count() == 0
    assert page.locator(".show-hide-sql a").inner_text() == "show"
    assert "Quechua Community Radios" in page.locator("table.rows-and-columns").inner_text()


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
        row[2] for row in expected
    )
    assert {label.split("Tag: ")[1].split(";")[0] for label in labels} == {
        row[1] for row in expected
    }
    ticks = page.locator("#chart-timeline svg g.role-axis-label text").evaluate_all(
        "texts => texts.map(t => t.textContent)"
    )
    assert any(tick.endswith(" 2024") for tick in ticks), ticks  # dates carry their year
    rules = page.locator("#chart-timeline svg g.mark-rule.role-mark line")
    assert rules.count() == len({row[1] for row in expected})  # where each tag begins
    partial = page.locator("#chart-timeline svg g.mark-rect.role-mark path")
    assert partial.count() == (1 if any(row[4] for row in expected) else 0)
    # The list of stories dated outside the timeline's window: none in these archives.
    assert page.locator("#card-outside").get_by_text("Not plotted").count() == 1
    shot(page, f"timeline-{name}", "#card-timeline")


def test_a_tag_keeps_its_colour_when_filtered(page, demo_view: str) -> None:
    lines = "#chart-timeline svg g.mark-line.role-mark path"

    def colours() -> list[str]:
        page.wait_for_selector(lines)
        return page.locator(lines).evaluate_all("paths => paths.map(p => p.getAttribute('stroke'))")

    page.goto(f"{demo_view}/-/dashboards/coverage")
    both = colours()
    assert len(set(both)) == 2
    page.goto(f"{demo_view}/-/dashboards/coverage?tag=Peru")
    (peru,) = colours()
    page.goto(f"{demo_view}/-/dashboards/coverage?tag=Bolivia")
    (bolivia,) = colours()
    assert {peru, bolivia} == set(both) and peru != bolivia


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


def test_the_readme_shows_the_browser_as_the_tests_see_it() -> None:
    """docs/browse-tag.png is a copy of the tag page's screenshot (tests/artifacts/tag.png)."""
    assert (ROOT / "docs" / "browse-tag.png").stat().st_size > 10_000
    assert "docs/browse-tag.png" in (ROOT / "README.md").read_text(encoding="utf-8")
