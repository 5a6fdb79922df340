"""The report page: counts, the coverage timeline, completeness per tag, top sites — one HTML
file, nothing to fetch.

Each section is a function from the archive to HTML; `SECTIONS` lists them in page order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive import __version__
from newsarchive.files import atomic_file, refuse_existing
from newsarchive.plausible import window
from newsarchive.storage.overview import WeekCount
from newsarchive.views.report.completeness import completeness_section
from newsarchive.views.report.timeline import colours, plausible, series, timeline_svg

if TYPE_CHECKING:
    from newsarchive.storage import Archive

STYLE = """
body { margin: 2rem auto; max-width: 52rem; padding: 0 1rem; color: #1d1d1b;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { margin-bottom: 0; } .meta { color: #5f5b55; margin-top: .25rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #e3ded4; }
table { border-collapse: collapse; } th, td { padding: .25rem .75rem .25rem 0; text-align: left; }
td.n, th.n { text-align: right; } tr + tr td { border-top: 1px solid #eee; }
dl.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr)); gap: 1rem; }
dl.counts div { background: #f6f4ef; padding: .75rem; } dl.counts dt { color: #5f5b55; }
dl.counts dd { margin: 0; font-size: 1.6rem; font-weight: 700; }
svg.timeline { max-width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg .grid { stroke: #e3ded4; } svg .axis { fill: #5f5b55; }
svg polyline { fill: none; stroke-width: 2; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
ul.legend span { display: inline-block; width: .8rem; height: .8rem; margin-right: .35rem; }
p.outside { color: #8a4b08; }
"""

Section = Callable[["Archive"], str]


def counts_section(archive: Archive) -> str:
    found = archive.overview.totals()
    items = [
        ("Stories", found.stories),
        ("Tags", found.tags),
        ("Sites", found.sites),
        ("Crawl runs", found.runs),
    ]
    fetched = archive.overview.article_totals()
    if fetched.fetched:
        items += [
            ("Articles fetched", fetched.fetched),
            ("Articles rewritten", fetched.rewritten),
            ("Articles deleted", fetched.deleted),
        ]
    cells = "".join(f"<div><dt>{name}</dt><dd>{value:,}</dd></div>" for name, value in items)
    seen = (
        f"<p>Seen by crawls from {_day(found.first_seen)} to {_day(found.last_seen)}.</p>"
        if found.first_seen
        else ""
    )
    return f'<h2>Counts</h2><dl class="counts">{cells}</dl>{seen}'


def timeline_section(archive: Archive) -> str:
    counts = archive.overview.weekly_coverage()
    today = datetime.now(UTC).date()
    shown, outside = plausible(counts, today)
    _periods, values = series(shown)
    legend = "".join(
        f'<li><span style="background:{colour}"></span>{escape(tag)} ({sum(values[tag]):,})</li>'
        for tag, colour in colours(list(values)).items()
    )
    rows = "".join(
        f"<tr><td>{c.week.isoformat()}</td><td>{escape(c.tag)}</td>"
        f'<td class="n">{c.stories:,}</td></tr>'
        for c in counts
    )
    weeks = len({c.week for c in counts})
    return (
        "<h2>Coverage: stories per tag per week</h2>"
        "<p>A story counts in the week (from Monday) it was published, or, when its listing "
        "gave no date, in the week the archive first saw it.</p>"
        f'{timeline_svg(shown)}<ul class="legend">{legend}</ul>{_not_plotted(outside, today)}'
        f"<details><summary>The numbers ({len(counts)} rows over {weeks} weeks)</summary>"
        '<table><tr><th>Week</th><th>Tag</th><th class="n">Stories</th></tr>'
        f"{rows}</table></details>"
    )


def _not_plotted(outside: list[WeekCount], today: date) -> str:
    """A note naming the weeks, outside the plausible window, that the chart leaves out."""
    if not outside:
        return ""
    first, last = window(today)
    weeks: Counter[date] = Counter()
    for count in outside:
        weeks[count.week] += count.stories
    listed = ", ".join(f"{week.isoformat()} ({n:,})" for week, n in sorted(weeks.items())[:5])
    more = ", …" if len(weeks) > 5 else ""
    total = sum(weeks.values())
    return (
        f'<p class="outside">Not plotted: {total:,} {"story" if total == 1 else "stories"} '
        f"dated outside {first.isoformat()} to {last.isoformat()}, most likely placeholders "
        f"or errors of their listings (weeks of {listed}{more}).</p>"
    )


def sites_section(archive: Archive) -> str:
    rows = "".join(
        f'<tr><td>{escape(site)}</td><td class="n">{n:,}</td></tr>'
        for site, n in archive.overview.top_sites()
    )
    return (
        f'<h2>Top sites</h2><table><tr><th>Site</th><th class="n">Stories</th></tr>{rows}</table>'
    )


def changes_section(archive: Archive) -> str:
    changes = archive.overview.changed_headlines()
    if not changes:
        return (
            "<h2>Changed headlines</h2><p>No site has rewritten a headline the archive holds.</p>"
        )
    rows = "".join(
        f"<tr><td>{_day(c.changed_at)}</td><td>{escape(c.old)}</td><td>{escape(c.new)}</td>"
        f'<td><a href="{escape(c.url)}">link</a></td></tr>'
        for c in changes
    )
    return (
        "<h2>Changed headlines</h2><p>The latest headlines a site rewrote, newest first.</p>"
        "<table><tr><th>Seen</th><th>Before</th><th>After</th><th>Story</th></tr>"
        f"{rows}</table>"
    )


SECTIONS: tuple[Section, ...] = (
    counts_section, timeline_section, completeness_section, sites_section, changes_section,
)  # fmt: skip


def render(archive: Archive, *, now: datetime | None = None) -> str:
    """The whole report page for `archive`."""
    generated = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(section(archive) for section in SECTIONS)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>News archive report</title><style>{STYLE}</style></head><body>"
        "<h1>News archive report</h1>"
        f'<p class="meta">{escape(archive.location)} · generated {generated} by '
        f"newsarchive {escape(__version__)}</p>{body}</body></html>\n"
    )


def write_report(archive: Archive, path: Path, *, force: bool = False) -> None:
    """Write the report to `path`, which appears only once complete; an existing file is
    replaced only with `force`."""
    refuse_existing(path, force=force)
    page = render(archive)
    with atomic_file(path) as out:
        out.write(page)


def _day(moment: datetime) -> str:
    return moment.date().isoformat()
