"""Writing archived stories as JSON lines, JSON or CSV, streamed in constant memory.

The rows come from the storage layer's lean path (`archive.read.rows`) as the cells of the
file: times in ISO 8601; for CSV the tags joined and formulas disarmed, for JSON every value
already JSON text. What is left here is the layout of the file, a chunk of rows at a time.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from newsarchive.files import atomic_file, refuse_existing
from newsarchive.storage.columns import DEFAULT_FIELDS
from newsarchive.storage.selection import Cells, json_text

if TYPE_CHECKING:
    from newsarchive.storage import Archive, StoryFilter

FORMATS = ("jsonl", "json", "csv")
FIELDS = DEFAULT_FIELDS
TAG_SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula; a leading ' disarms it
# (OWASP's advice on CSV injection). Only CSV for a spreadsheet (`excel`) is changed: plain CSV
# is read by pandas or R, which want the text exactly, as JSON keeps it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_CELLS = Cells(tags_joined_by=TAG_SEPARATOR)
EXCEL_CELLS = Cells(tags_joined_by=TAG_SEPARATOR, quote_leading=FORMULA_START)
# JSON as json.dumps(ensure_ascii=False) writes it: real UTF-8, without \u escapes.
JSON_CELLS = Cells(json=True)

Chunks = Iterable[Sequence[tuple[Any, ...]]]


def format_of(path: Path) -> str | None:
    """The export format a file name's extension names (`.csv`, `.json`, `.jsonl`), if any."""
    suffix = path.suffix.lower().lstrip(".")
    return {"ndjson": "jsonl"}.get(suffix, suffix) if suffix in (*FORMATS, "ndjson") else None


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
    excel: bool = False,
) -> int:
    """Write the stories matching `where` to `out` in format `fmt` with these fields, in archive
    order; returns how many were written. CSV for a spreadsheet (`excel`) has its formulas
    disarmed."""
    if fmt == "csv":
        cells = EXCEL_CELLS if excel else CSV_CELLS
        return _csv(archive.read.rows(fields, where, cells), out, fields)
    writer = {"jsonl": _jsonl, "json": _json}.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    return writer(archive.read.rows(fields, where, JSON_CELLS), out, _template(fields))


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
        return write_stories(archive, out, fmt, fields=fields, where=where, excel=excel)


def _csv(chunks: Chunks, out: TextIO, fields: Sequence[str]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    count = 0
    for chunk in chunks:
        writer.writerows(chunk)
        count += len(chunk)
    return count


def _jsonl(chunks: Chunks, out: TextIO, template: str) -> int:
    count = 0
    for chunk in chunks:
        out.write(_objects(chunk, template, "\n") + "\n")
        count += len(chunk)
    return count


def _json(chunks: Chunks, out: TextIO, template: str) -> int:
    """One array, an object per line."""
    count = 0
    out.write("[")
    for chunk in chunks:
        out.write(("\n" if count == 0 else ",\n") + _objects(chunk, template, ",\n"))
        count += len(chunk)
    out.write("\n]\n" if count else "]\n")
    return count


def _template(fields: Sequence[str]) -> str:
    """A JSON object of these fields, its values to fill in with `%` (as JSON texts)."""
    return "{" + ", ".join(f"{json_text(name)}: %s" for name in fields) + "}"


def _objects(chunk: Sequence[tuple[Any, ...]], template: str, separator: str) -> str:
    """The rows (of JSON texts) as JSON objects, `separator` between them."""
    text = separator.join([template % row for row in chunk])
    # U+2028/U+2029 are valid in JSON strings but end lines for many readers (str.splitlines).
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
