"""Export formats: real UTF-8, CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

from newsarchive import export

RECORD = {
    "url": "https://news.example.org/a/",
    "headline": "Perú’s “Third Takeover”",
    "teaser": '=HYPERLINK("http://evil")',
    "published_at": None,
    "author": "-Ana",
    "image_url": None,
    "site": "news.example.org",
    "tags": ["Bolivia", "Peru"],
    "first_seen_at": None,
    "last_seen_at": None,
}


def test_jsonl_is_real_utf8() -> None:
    out = io.StringIO()
    assert export.write([RECORD, RECORD], out, "jsonl") == 2
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert "Perú’s “Third Takeover”" in lines[0]
    assert json.loads(lines[0])["tags"] == ["Bolivia", "Peru"]


def test_json_is_one_array() -> None:
    out = io.StringIO()
    export.write([RECORD] * 3, out, "json")
    assert len(json.loads(out.getvalue())) == 3
    empty = io.StringIO()
    export.write([], empty, "json")
    assert json.loads(empty.getvalue()) == []


def test_csv_header_tags_and_formula_neutralised() -> None:
    out = io.StringIO()
    export.write([RECORD], out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(export.FIELDS)
    assert rows[0]["tags"] == "Bolivia; Peru"
    assert rows[0]["teaser"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["author"] == "'-Ana"
    assert rows[0]["headline"] == RECORD["headline"]
