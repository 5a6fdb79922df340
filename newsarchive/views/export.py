"""Writing archived stories as JSON lines, JSON or CSV, streamed in constant memory.

The rows come from the storage layer's lean path (`archive.read.rows`), already as text: times
in ISO 8601, and for CSV the tags joined and formulas disarmed by the database. What is left
per row here is the file format itself, written a chunk of rows at a time.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from newsarchive.files import atomic_file, refuse_existing
from newsarchive.storage.columns import DEFAULT_FIELDS

if TYPE_CHECKING:
    from newsarchive.storage import Archive, StoryFilter

FORMATS = ("jsonl", "json", "csv")
FIELDS = DEFAULT_FIELDS
TAG_SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula; a leading ' disarms it
# (OWASP's advice on CSV injection). Only CSV is changed: JSON keeps the text exactly.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# json.dumps(ensure_ascii=False) without building an encoder per row: real UTF-8, no \u escapes.
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

Chunks = Iterable[Sequence[Sequence[Any]]]


def encoding(excel: bool) -> str:
    """CSV for Excel starts with a byte-order mark, so accents show right."""
    return "utf-8-sig" if excel else "utf-8"


def write_stories(
    archive: Archive,
    out: TextIO,
    fmt: str = "csv",
    *,
    fields: Sequence[str] = FIELDS,
    where: StoryFilter | None = None,
) -> int:
    """Write the stories matching `where` to `out` in format `fmt` with these fields, in archive
    order; returns how many were written."""
    if fmt == "csv":
        rows = archive.read.rows(
            fields, where, join_tags=TAG_SEPARATOR, quote_leading=FORMULA_START
        )
        return _csv(rows, out, fields)
    writer = {"jsonl": _jsonl, "json": _json}.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    return writer(archive.read.rows(fields, where), out, fields)


def export_file(
    archive: Archive,
    path: Path,
    fmt: str = "csv",
    *,
    fields: Sequence[str] = FIELDS,
    where: StoryFilter | None = None,
    excel: bool = False,
    force: bool = False,
) -> int:
    """`write_stories` to `path`, which appears only once complete (a failed export leaves no
    half-written file); an existing file is replaced only with `force`."""
    refuse_existing(path, force=force)
    with atomic_file(path, encoding=encoding(excel)) as out:
        return write_stories(archive, out, fmt, fields=fields, where=where)


def _csv(chunks: Chunks, out: TextIO, fields: Sequence[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    count = 0
    for chunk in chunks:
        writer.writerows(chunk)
        count += len(chunk)
    return count


def _jsonl(chunks: Chunks, out: TextIO, fields: Sequence[str]) -> int:
    count = 0
    for chunk in chunks:
        out.write(_objects(chunk, fields, "\n") + "\n")
        count += len(chunk)
    return count


def _json(chunks: Chunks, out: TextIO, fields: Sequence[str]) -> int:
    """One array, an object per line."""
    count = 0
    out.write("[")
    for chunk in chunks:
        out.write(("\n" if count == 0 else ",\n") + _objects(chunk, fields, ",\n"))
        count += len(chunk)
    out.write("\n]\n" if count else "]\n")
    return count


def _objects(chunk: Sequence[Sequence[Any]], fields: Sequence[str], separator: str) -> str:
    """The rows as JSON objects, `separator` between them."""
    text = separator.join([_encode(dict(zip(fields, row, strict=True))) for row in chunk])
    # U+2028/U+2029 are valid in JSON strings but end lines for many readers (str.splitlines).
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
