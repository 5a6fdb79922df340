"""Writing archived stories as JSON lines, JSON or CSV, streamed in constant memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

FORMATS = ("jsonl", "json", "csv")
FIELDS = (
    "url", "headline", "teaser", "published_at", "author", "image_url", "site", "tags",
    "first_seen_at", "last_seen_at",
)  # fmt: skip
# Every field an export can carry (`--fields`): (Frictionless type, description).
FIELD_INFO = {
    "url": ("string", "Canonical URL of the story: the archive's key for it."),
    "headline": ("string", "Headline as the tag listing last showed it."),
    "teaser": ("string", "Summary line under the headline on the listing, if any."),
    "published_at": ("string", "Publication date or date-time (ISO 8601) as the page gave it."),
    "date_source": ("string", "Where published_at was found on the listing."),
    "author": ("string", "Author as the listing named them, if it did."),
    "image_url": ("string", "URL of the story's listing image, if any."),
    "site": ("string", "Host of the site, without www."),
    "tags": ("array", "Tags the story was listed under (CSV: joined with '; ')."),
    "extraction_method": ("string", "Which extractor found the story on the listing."),
    "first_seen_at": ("datetime", "When a crawl first saw the story (UTC)."),
    "last_seen_at": ("datetime", "When a crawl last saw the story (UTC)."),
}
TAG_SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula; a leading ' disarms it
# (OWASP's advice on CSV injection). Only CSV is changed: JSON keeps the text exactly.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write(
    records: Iterable[dict[str, Any]],
    out: TextIO,
    fmt: str,
    fields: Sequence[str] = FIELDS,
) -> int:
    """Write records to `out` in format `fmt` with these fields; returns how many were written."""
    if fmt == "csv":
        return _csv((_plain(r, fields) for r in records), out, fields)
    writer = {"jsonl": _jsonl, "json": _json}[fmt]
    return writer((_plain(r, fields) for r in records), out)


def _plain(record: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Only the exported fields, datetimes as ISO 8601."""
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in ((name, record.get(name)) for name in fields)
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


def _csv(records: Iterable[dict[str, Any]], out: TextIO, fields: Sequence[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for count, record in enumerate(records, start=1):  # noqa: B007
        if "tags" in record:
            record["tags"] = TAG_SEPARATOR.join(record["tags"] or [])
        writer.writerow({name: _safe_cell(value) for name, value in record.items()})
    return count


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in a text cell."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
