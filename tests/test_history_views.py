"""Rewritten headlines as browse and report show them, from the archive's version history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsarchive.storage import Archive
from newsarchive.views.browse.queries import CHANGED_HEADLINES_SQL
from newsarchive.views.report.page import render
from tests.helpers import stored, story

URL = "https://news.example.org/2024/07/march/"


def rewritten(db_path: Path) -> Archive:
    """An archive whose one story's headline was rewritten twice, a day apart."""
    archive = Archive.open(str(db_path))
    for day, headline in [(1, "Marchers Reach Lima"), (2, "Marchers Reach Lima Square"),
                          (3, "Police Block Marchers In Lima")]:  # fmt: skip
        seen = f"2024-07-{day:02d}T08:00:00+00:00"
        stored(archive, [story(1, url=URL, headline=headline, teaser="Teaser", fetched_at=seen)])
    return archive


def test_changed_headlines_pairs_each_version_with_its_successor(db_path: Path) -> None:
    with rewritten(db_path) as archive:
        changes = [(c.old, c.new) for c in archive.overview.changed_headlines()]
        html = render(archive)
    assert changes == [
        ("Marchers Reach Lima Square", "Police Block Marchers In Lima"),
        ("Marchers Reach Lima", "Marchers Reach Lima Square"),
    ]
    assert "<h2>Changed headlines</h2>" in html and "Police Block Marchers In Lima" in html


def test_browse_canned_query_agrees(db_path: Path) -> None:
    rewritten(db_path).close()
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(CHANGED_HEADLINES_SQL).fetchall()
    assert [(url, old, new) for url, old, new, _at, _site in rows] == [
        (URL, "Marchers Reach Lima Square", "Police Block Marchers In Lima"),
        (URL, "Marchers Reach Lima", "Marchers Reach Lima Square"),
    ]
