"""The coverage timeline as an inline SVG line chart: no script, no fonts or files to fetch.

Bounded whatever the archive holds: weeks outside the plausible window (`newsarchive.plausible`)
are named, not plotted, and a span of more than MAX_POINTS weeks is drawn in periods of several
weeks, so the chart never has more than MAX_POINTS points per tag.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from html import escape

from newsarchive.plausible import window
from newsarchive.storage.overview import WeekCount

# Tableau 10: distinct hues that stay apart for the commonest colour-vision deficiencies.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 36
X_LABELS = 7
MAX_POINTS = 520  # ten years of weeks


def colours(tags: list[str]) -> dict[str, str]:
    return {tag: PALETTE[index % len(PALETTE)] for index, tag in enumerate(tags)}


def plausible(counts: list[WeekCount], today: date) -> tuple[list[WeekCount], list[WeekCount]]:
    """The counts of weeks inside the plausible window as of `today`, and those outside it."""
    first, last = window(today)
    inside: list[WeekCount] = []
    outside: list[WeekCount] = []
    for count in counts:  # a week counts when one of its days is in the window
        (inside if first - timedelta(days=6) <= count.week <= last else outside).append(count)
    return inside, outside


def weeks_per_period(counts: list[WeekCount]) -> int:
    """How many weeks one point of the chart stands for: 1 unless that makes too many."""
    if not counts:
        return 1
    span = (max(c.week for c in counts) - min(c.week for c in counts)).days // 7 + 1
    return math.ceil(span / MAX_POINTS)


def series(counts: list[WeekCount]) -> tuple[list[date], dict[str, list[int]]]:
    """Every period from the first week to the last (a week, or several when the span is long),
    and each tag's stories per period (0 when none)."""
    if not counts:
        return [], {}
    step = weeks_per_period(counts)
    first, last = min(c.week for c in counts), max(c.week for c in counts)
    periods = [
        first + timedelta(weeks=n * step) for n in range((last - first).days // (7 * step) + 1)
    ]
    values: dict[str, list[int]] = defaultdict(lambda: [0] * len(periods))
    for count in counts:
        values[count.tag][(count.week - first).days // (7 * step)] += count.stories
    return periods, dict(sorted(values.items()))


def timeline_svg(counts: list[WeekCount]) -> str:
    """A line per tag over the weeks, a dot per week with stories (hover it for the count)."""
    weeks, values = series(counts)
    if not weeks:
        return '<p class="empty">No stories yet.</p>'
    step = weeks_per_period(counts)
    period = "week of" if step == 1 else f"{step} weeks from"
    top = _nice_ceiling(max(max(v) for v in values.values()))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(n: int) -> float:
        return LEFT + (plot_w / 2 if len(weeks) == 1 else plot_w * n / (len(weeks) - 1))

    def y(v: int) -> float:
        return TOP + plot_h * (1 - v / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" class="timeline">',
        "<title>Stories per tag per week</title>",
    ]
    for tick in _ticks(top):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
            f'y2="{y(tick):.1f}"/><text class="axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    step = max(1, math.ceil(len(weeks) / X_LABELS))
    for n in range(0, len(weeks), step):
        week = weeks[n]
        parts.append(
            f'<text class="axis" x="{x(n):.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{week.day} {MONTHS[week.month - 1]} {week.year}</text>'
        )
    for tag, colour in colours(list(values)).items():
        points = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in enumerate(values[tag]))
        parts.append(f'<g class="series" data-tag="{escape(tag)}">')
        if len(weeks) > 1:
            parts.append(f'<polyline points="{points}" stroke="{colour}"/>')
        for n, v in enumerate(values[tag]):
            if v:
                label = (
                    f"{tag}, {period} {weeks[n].isoformat()}: {v} stor{'y' if v == 1 else 'ies'}"
                )
                parts.append(
                    f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}" '
                    f'data-week="{weeks[n].isoformat()}" data-stories="{v}">'
                    f"<title>{escape(label)}</title></circle>"
                )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def _ticks(top: int) -> list[int]:
    step = max(1, top // 5) if top % 5 == 0 else max(1, top // 4)
    return list(range(0, top + 1, step))
