"""Export formats: real UTF-8, CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

from newsarchive.storage import Archive
from newsarchive.views import export
from tests.helpers import stored, story

FIELDS = {
    "headline": "Perú’s “Third Takeover”",
    "teaser": '=HYPERLINK("http://evil")',
    "author": "-Ana",
}


def fill(archive: Archive, count: int) -> None:
    """`count` alike stories, each listed under Peru, then under Bolivia."""
    for tag in ("Peru", "Bolivia"):
        stored(archive, [story(n, tag, **FIELDS) for n in range(1, count + 1)])


def written(archive: Archive, fmt: str) -> tuple[int, str]:
    out = io.StringIO()
    return export.write_stories(archive, out, fmt), out.getvalue()


def test_jsonl_is_real_utf8(archive: Archive) -> None:
    fill(archive, 2)
    count, text = written(archive, "jsonl")
    assert count == 2
    lines = text.splitlines()
    assert len(lines) == 2
    assert "Perú’s “Third Takeover”" in lines[0]
    assert json.loads(lines[0])["tags"] == ["Bolivia", "Peru"]


def test_json_is_one_array(archive: Archive) -> None:
    assert json.loads(written(archive, "json")[1]) == []
    fill(archive, 3)
    assert len(json.loads(written(archive, "json")[1])) == 3


def test_csv_header_tags_and_formula_neutralised(archive: Archive) -> None:
    fill(archive, 1)
    rows = list(csv.DictReader(io.StringIO(written(archive, "csv")[1])))
    assert list(rows[0]) == list(export.FIELDS)
    assert rows[0]["tags"] == "Bolivia; Peru"
    assert rows[0]["teaser"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["author"] == "'-Ana"
    assert rows[0]["headline"] == FIELDS["headline"]
