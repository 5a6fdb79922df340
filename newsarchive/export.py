"""Writing archived stories as JSON lines, JSON or CSV, streamed in constant memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

FORMATS = ("jsonl", "json", "csv")
FIELDS = (
    "url", "headline", "teaser", "published_at", "author", "image_url", "site", "tags",
    "first_seen_at", "last_seen_at",
)  # fmt: skip
TAG_SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula; a leading ' disarms it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write(records: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write records to `out` in format `fmt`; returns how many were written."""
    writer = {"jsonl": _jsonl, "json": _json, "csv": _csv}[fmt]
    return writer((_plain(r) for r in records), out)


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Only the exported fields, datetimes as ISO 8601."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in ((name, record.get(name)) for name in FIELDS)
    }


def _dumps(record: dict[str, Any]) -> str:
    # U+2028/U+2029 are valid in JSON strings but end lines for many readers (str.splitlines).
    text = json.dumps(record, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for count, record in enumerate(records, start=1):  # noqa: B007 (count is the result)
        out.write(_dumps(record) + "\n")
    return count


def _json(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    out.write("[")
    for count, record in enumerate(records, start=1):
        out.write(("\n" if count == 1 else ",\n") + _dumps(record))
    out.write("\n]\n" if count else "]\n")
    return count


def _csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for count, record in enumerate(records, start=1):  # noqa: B007
        record["tags"] = TAG_SEPARATOR.join(record["tags"] or [])
        writer.writerow({name: _safe_cell(value) for name, value in record.items()})
    return count


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in a text cell."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
