"""A citable dataset in one directory: the stories, how they were collected, and checksums.

The layout follows the Frictionless Data Package: `datapackage.json` describes every field and
file; `runs.json` holds the crawl runs that saw the stories, with the software version and
settings of each; `SHA256SUMS` lets anyone check the files (`sha256sum -c SHA256SUMS`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsarchive import __version__
from newsarchive.files import OutputExists, atomic_directory, json_default
from newsarchive.storage.columns import FIELDS as CATALOGUE
from newsarchive.storage.selection import StoryFilter
from newsarchive.views.export import FIELDS, encoding, write_stories

if TYPE_CHECKING:
    from newsarchive.storage import Archive

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "jsonl": "application/jsonl"}
MARKER = "datapackage.json"  # a directory holding one is a bundle and may be replaced
RUNS_DESCRIPTION = (
    "The crawl runs that saw these stories: start URLs, times, status, figures, how each tag's "
    "pages were walked, the settings and software version used."
)


@dataclass(slots=True)
class Bundle:
    directory: Path
    stories: int
    runs: int
    files: list[str]


class BundleExists(OutputExists):
    """The target directory exists and is not a bundle that may be replaced."""


def write_bundle(
    archive: Archive,
    directory: Path,
    *,
    where: StoryFilter | None = None,
    fmt: str = "csv",
    fields: Sequence[str] = FIELDS,
    excel: bool = False,
    force: bool = False,
) -> Bundle:
    """Write the bundle next to `directory` and move it into place once complete."""
    replaceable = (directory / MARKER).is_file()
    if directory.exists() and any(directory.iterdir()) and not (force and replaceable):
        raise BundleExists(
            f"{directory} exists" + (" (use --force to replace it)" if replaceable else "")
        )
    where = where or StoryFilter()
    data = f"stories.{fmt}"
    with atomic_directory(directory) as folder:
        with (folder / data).open("w", encoding=encoding(excel), newline="") as out:
            count = write_stories(archive, out, fmt, fields=fields, where=where)
        runs = archive.runs.that_saw(where)
        _write_json(folder / "runs.json", runs)
        _write_json(
            folder / MARKER, _datapackage(folder, data, fmt, fields, excel, where, count, runs)
        )
        files = [data, "runs.json", MARKER]
        sums = "".join(f"{_sha256(folder / name)}  {name}\n" for name in files)
        (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return Bundle(directory, count, len(runs), [*files, "SHA256SUMS"])


def _write_json(path: Path, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=json_default)
    path.write_text(text + "\n", encoding="utf-8")


def _datapackage(
    folder: Path,
    data: str,
    fmt: str,
    fields: Sequence[str],
    excel: bool,
    where: StoryFilter,
    count: int,
    runs: list[dict[str, Any]],
) -> dict[str, Any]:
    description = f"{count} stories, one per canonical URL, with their latest values."
    stories = _resource(folder, "stories", data, description, "utf-8-sig" if excel else "utf-8")
    stories["schema"] = {"fields": _schema(fields, fmt)} | (
        {"primaryKey": "url"} if "url" in fields else {}
    )
    if fmt == "csv":
        stories["profile"] = "tabular-data-resource"
        stories["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
    sources = sorted({url for run in runs for url in run["start_urls"]})
    return {
        "profile": "tabular-data-package" if fmt == "csv" else "data-package",
        "name": "newsarchive-stories",
        "title": "Stories listed on news tag pages, archived by newsarchive",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": [{"title": url, "path": url} for url in sources],
        "resources": [stories, _resource(folder, "runs", "runs.json", RUNS_DESCRIPTION)],
        "newsarchive": {
            "software_version": __version__,
            "selection": where.describe(),
            "stories": count,
            "runs": [run["id"] for run in runs],
            "csv_formula_neutralised": fmt == "csv",
        },
    }


def _resource(
    folder: Path, name: str, path: str, description: str, encoding: str | None = None
) -> dict[str, Any]:
    """A data file of the package: its format, size and SHA-256 hash."""
    fmt = path.rsplit(".", 1)[-1]
    resource = {"name": name, "path": path, "format": fmt, "mediatype": MEDIA_TYPES[fmt]}
    if encoding:
        resource["encoding"] = encoding
    return resource | {
        "bytes": (folder / path).stat().st_size,
        "hash": f"sha256:{_sha256(folder / path)}",
        "description": description,
    }


def _schema(fields: Sequence[str], fmt: str) -> list[dict[str, str]]:
    """Each field with its type and description (in CSV, tags are one string)."""
    schema = []
    for name in fields:
        column = CATALOGUE[name]
        kind = "string" if fmt == "csv" and column.type == "array" else column.type
        schema.append({"name": name, "type": kind, "description": column.description})
    return schema


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
