"""The coverage timeline as an inline SVG line chart: no script, no fonts or files to fetch."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from html import escape

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


def colours(tags: list[str]) -> dict[str, str]:
    return {tag: PALETTE[index % len(PALETTE)] for index, tag in enumerate(tags)}


def series(counts: list[WeekCount]) -> tuple[list[date], dict[str, list[int]]]:
    """Every week from the first to the last, and each tag's stories per week (0 when none)."""
    if not counts:
        return [], {}
    first, last = min(c.week for c in counts), max(c.week for c in counts)
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    index = {week: n for n, week in enumerate(weeks)}
    values: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for count in counts:
        values[count.tag][index[count.week]] += count.stories
    return weeks, dict(sorted(values.items()))


def timeline_svg(counts: list[WeekCount]) -> str:
    """A line per tag over the weeks, a dot per week with stories (hover it for the count)."""
    weeks, values = series(counts)
    if not weeks:
        return '<p class="empty">No stories yet.</p>'
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
                label = f"{tag}, week of {weeks[n].isoformat()}: {v} stor{'y' if v == 1 else 'ies'}"
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
