"""`newsarchive report`: one self-contained HTML file with counts, the timeline and top sites."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from contextlib import closing
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsarchive.storage import Archive
from newsarchive.storage.overview import WeekCount
from newsarchive.views.report.timeline import MAX_POINTS, _nice_ceiling, series, timeline_svg
from tests.browsing import dated_archive
from tests.helpers import stored, story

PUBLISHED = "SELECT published_at FROM stories WHERE published_at IS NOT NULL"


class Elements(HTMLParser):
    """Every start tag with its attributes, to see what a page would load."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def mining(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dated_archive(tmp_path_factory.mktemp("mining"))


def test_report_is_one_file_that_loads_nothing(mining: Path, tmp_path: Path, cli) -> None:
    output = tmp_path / "report.html"
    result = cli("report", "--db", mining, "--output", output)
    assert result.returncode == 0, result.stderr
    page = output.read_text(encoding="utf-8")
    elements = Elements()
    elements.feed(page)
    names = {tag for tag, _ in elements.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    assert not [attrs for _, attrs in elements.tags if "src" in attrs or "href" in attrs]
    assert "url(" not in page and "@import" not in page
    assert re.search(r"<dt>Stories</dt><dd>50</dd>", page)
    assert '<td>127.0.0.1</td><td class="n">50</td>' in page


def test_report_timeline_has_a_dot_per_week_with_stories(mining: Path, tmp_path: Path, cli) -> None:
    output = tmp_path / "report.html"
    cli("report", "--db", mining, "--output", output)
    page = output.read_text(encoding="utf-8")
    dots = re.findall(r'<circle [^>]*data-week="([\d-]+)" data-stories="(\d+)"', page)
    with closing(sqlite3.connect(mining)) as conn:
        published = [date.fromisoformat(d[:10]) for (d,) in conn.execute(PUBLISHED)]
    expected = Counter(day - timedelta(days=day.weekday()) for day in published)
    assert {date.fromisoformat(week): int(n) for week, n in dots} == expected
    assert sum(expected.values()) == 50
    assert len(re.findall(r"<polyline ", page)) == 1  # one tag: Mining


def test_report_never_overwrites_without_force(mining: Path, tmp_path: Path, cli) -> None:
    output = tmp_path / "report.html"
    output.write_text("keep me", encoding="utf-8")
    refused = cli("report", "--db", mining, "--output", output)
    assert refused.returncode == 6
    assert refused.stderr == f"newsarchive: error: {output} exists (use --force to overwrite)\n"
    assert output.read_text(encoding="utf-8") == "keep me"
    forced = cli("report", "--db", mining, "--output", output, "--force")
    assert forced.returncode == 0, forced.stderr
    assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_errors_are_one_line(tmp_path: Path, cli) -> None:
    missing = cli("report", "--db", tmp_path / "none.sqlite", "--output", tmp_path / "r.html")
    assert missing.returncode == 5
    assert missing.stderr.count("\n") == 1 and "no archive at" in missing.stderr
    assert not (tmp_path / "r.html").exists()


def test_series_fills_weeks_without_stories_with_zero() -> None:
    counts = [
        WeekCount(date(2024, 7, 1), "Peru", 2),
        WeekCount(date(2024, 7, 22), "Peru", 1),
        WeekCount(date(2024, 7, 8), "Bolivia", 4),
    ]
    weeks, values = series(counts)
    assert weeks == [date(2024, 7, d) for d in (1, 8, 15, 22)]
    assert values == {"Bolivia": [0, 4, 0, 0], "Peru": [2, 0, 0, 1]}
    svg = timeline_svg(counts)
    assert svg.count("<circle") == 3 and svg.count("<polyline") == 2
    assert "Peru, week of 2024-07-22: 1 story" in svg


def test_single_week_and_empty_archive_still_draw() -> None:
    svg = timeline_svg([WeekCount(date(2024, 7, 1), "Peru", 7)])
    assert svg.count("<circle") == 1 and "<polyline" not in svg
    assert timeline_svg([]) == '<p class="empty">No stories yet.</p>'


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (26, 50), (100, 100), (101, 200)]
)
def test_value_axis_ends_on_a_round_number(value: int, ceiling: int) -> None:
    assert _nice_ceiling(value) == ceiling


def test_dates_outside_the_plausible_window_are_named_not_plotted(
    db_path: Path, tmp_path: Path, cli
) -> None:
    """A `0001-01-01` placeholder once made the chart 521,000 weeks wide (25 MB)."""
    with Archive.open(str(db_path)) as archive:
        stored(
            archive,
            [story(1, published_at="2024-07-01"), story(2, published_at="2024-07-09"),
             story(3, published_at="0001-01-01"), story(4, published_at="2999-12-30")],
        )  # fmt: skip
    output = tmp_path / "report.html"
    assert cli("report", "--db", db_path, "--output", output).returncode == 0
    page = output.read_text(encoding="utf-8")
    assert len(page) < 20_000
    dots = re.findall(r'<circle [^>]*data-week="([\d-]+)"', page)
    assert dots == ["2024-07-01", "2024-07-08"]
    assert "Not plotted: 2 stories dated outside 1990-01-01 to " in page
    assert "(weeks of 0001-01-01 (1), 2999-12-30 (1))" in page


def test_a_long_span_is_drawn_in_periods_of_several_weeks() -> None:
    first = date(1990, 1, 1)
    counts = [WeekCount(first + timedelta(weeks=n), "Peru", 1) for n in range(0, 35 * 52, 3)]
    weeks, values = series(counts)
    assert len(weeks) <= MAX_POINTS and weeks[0] == first
    step = (weeks[1] - weeks[0]).days // 7
    assert step == 4  # 1,820 weeks in 455 periods of 4 weeks
    assert sum(values["Peru"]) == len(counts)
    svg = timeline_svg(counts)
    assert "Peru, 4 weeks from 1990-01-01: 2 stories" in svg
    assert svg.count("<circle") <= MAX_POINTS
