"""The report's completeness section: per start URL, what `newsarchive coverage` prints."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsarchive.storage import Archive

HEADINGS = (
    "Tag", "Site", "Stories", "Newest", "Oldest", "Deepest page", "Complete", "Last run",
    "Feed only", "Listing only", "Feed",
)  # fmt: skip
NUMBERS = frozenset({"Stories", "Deepest page", "Feed only", "Listing only"})


def completeness_section(archive: Archive) -> str:
    found = archive.coverage.per_start_url()
    if not found:
        return "<h2>Completeness per tag</h2><p>No listing has been walked yet.</p>"
    head = "".join(
        f'<th class="n">{name}</th>' if name in NUMBERS else f"<th>{name}</th>" for name in HEADINGS
    )
    rows = []
    for row in found:
        feed = f'<a href="{escape(row.feed_url)}">feed</a>' if row.feed_url else "–"
        only = (
            f"<details><summary>{len(row.feed_only)}</summary>"
            + "".join(f'<div><a href="{escape(u)}">{escape(u)}</a></div>' for u in row.feed_only)
            + "</details>"
            if row.feed_only
            else ("0" if row.feed_url else "–")
        )
        cells = (
            escape(row.tag or row.start_url), escape(row.site), f"{row.stories:,}",
            escape((row.newest_published or "–")[:10]), escape((row.oldest_published or "–")[:10]),
            str(row.deepest_page or "–"), "yes" if row.walk_complete else "no",
            escape(f"{row.last_run_id} {row.last_run_status}" if row.last_run_id else "–"),
            only, "–" if row.listing_only is None else str(row.listing_only), feed,
        )  # fmt: skip
        rows.append(
            "<tr>"
            + "".join(
                f'<td class="n">{cell}</td>' if name in NUMBERS else f"<td>{cell}</td>"
                for name, cell in zip(HEADINGS, cells, strict=True)
            )
            + "</tr>"
        )
    return (
        "<h2>Completeness per tag</h2>"
        "<p>Each start URL: its tag's stories, the deepest page a walk reached and whether a "
        "walk reached the listing's end. Its feed is a second witness: <em>feed only</em> are "
        "stories the feed (or a sitemap entry naming the tag) listed that the listing never "
        "showed, <em>listing only</em> stories published since the feed's oldest entry that "
        "the feed lacks.</p>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table>"
    )
