"""Export formats: real UTF-8, CSV with the text exactly, CSV for a spreadsheet safe to open."""

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


def written(archive: Archive, fmt: str, *, excel: bool = False) -> tuple[int, str]:
    out = io.StringIO()
    return export.write_stories(archive, out, fmt, excel=excel), out.getvalue()


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


def test_csv_keeps_the_text_and_excel_csv_disarms_formulas(archive: Archive) -> None:
    fill(archive, 1)
    (row,) = csv.DictReader(io.StringIO(written(archive, "csv")[1]))
    assert list(row) == list(export.FIELDS)
    assert row["tags"] == "Bolivia; Peru"
    assert {name: row[name] for name in FIELDS} == FIELDS
    (guarded,) = csv.DictReader(io.StringIO(written(archive, "csv", excel=True)[1]))
    assert guarded["teaser"] == '\'=HYPERLINK("http://evil")'
    assert guarded["author"] == "'-Ana"
    assert guarded["headline"] == FIELDS["headline"]


# Every character JSON or a spreadsheet treats specially, and some text that merely looks odd.
AWKWARD = [
    "".join(map(chr, range(1, 32))) + '\x7f "quoted" \\back\\slash /slash',
    "\u2028 line and paragraph \u2029 separators",
    "Perú, Ñandú, 東京, 🙂 and a BOM \ufeff, e\u0301 combined",
    "=1+1", "+cmd", "-Ana", "@SUM(A1)", "\tTabbed", "\rReturned", "'quoted already",
    "", "}, {\"url\": \"https://fake.example/\"}",
]  # fmt: skip


def test_exports_write_any_text_as_python_would(archive: Archive, db: str) -> None:
    """The database writes the JSON text and the spreadsheet guard: byte for byte what
    json.dumps and the csv module write for the same values."""
    texts = AWKWARD + (["with a NUL \x00 inside"] if db.endswith(".sqlite") else [])
    moments = ["2024-08-01T12:00:00+00:00", "2024-08-02T03:04:05.000678+00:00"]
    stored(archive, [
        story(n, tag=text or "Peru", headline=text or "Headline", teaser=text, author=text,
              fetched_at=moments[n % 2], confidence=(0.587, 1.0, None)[n % 3])
        for n, text in enumerate(texts)
    ])  # fmt: skip
    expected = [
        {**record, "first_seen_at": record["first_seen_at"].isoformat(),
         "last_seen_at": record["last_seen_at"].isoformat()}
        for record in archive.read.iter_stories()
    ]  # fmt: skip
    lines = written(archive, "jsonl")[1].split("\n")[:-1]
    assert lines == [
        json.dumps({name: record[name] for name in export.FIELDS}, ensure_ascii=False)
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        for record in expected
    ]  # fmt: skip
    plain, guarded = io.StringIO(), io.StringIO()
    writers = csv.writer(plain, lineterminator="\r\n"), csv.writer(guarded, lineterminator="\r\n")
    for writer in writers:
        writer.writerow(export.FIELDS)
    for record in expected:
        record["tags"] = "; ".join(record["tags"])
        writers[0].writerow([record[name] for name in export.FIELDS])
        writers[1].writerow([_guarded(record[name]) for name in export.FIELDS])
    assert written(archive, "csv")[1] == plain.getvalue()
    assert written(archive, "csv", excel=True)[1] == guarded.getvalue()


def _guarded(value: object) -> object:
    if isinstance(value, str) and value.startswith(export.FORMULA_START):
        return "'" + value
    return value
