"""A citable dataset in one directory: the stories, how they were collected, and checksums.

The layout follows the Frictionless Data Package: `datapackage.json` describes every field and
file; `runs.json` holds the crawl runs that saw the stories, with the software version and
settings of each; `SHA256SUMS` lets anyone check the files (`sha256sum -c SHA256SUMS`).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsarchive import __version__, export
from newsarchive.storage import Archive, StoryFilter

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "jsonl": "application/jsonl"}
MARKER = "datapackage.json"  # a directory holding one is a bundle and may be replaced


@dataclass(slots=True)
class Bundle:
    directory: Path
    stories: int
    runs: int
    files: list[str]


class BundleExists(Exception):
    """The target directory exists and is not a bundle that may be replaced."""


def write_bundle(
    archive: Archive,
    directory: Path,
    *,
    where: StoryFilter,
    fmt: str = "csv",
    fields: tuple[str, ...] = export.FIELDS,
    excel: bool = False,
    force: bool = False,
) -> Bundle:
    """Write the bundle next to `directory` and move it into place once complete."""
    replaceable = (directory / MARKER).is_file()
    if directory.exists() and any(directory.iterdir()) and not (force and replaceable):
        raise BundleExists(
            f"{directory} exists" + (" (use --force to replace it)" if replaceable else "")
        )
    partial = directory.with_name(directory.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        data = f"stories.{fmt}"
        with (partial / data).open(
            "w", encoding="utf-8-sig" if excel else "utf-8", newline=""
        ) as out:
            count = export.write(archive.iter_stories(where), out, fmt, fields)
        runs = archive.runs(ids=archive.run_ids(where))
        (partial / "runs.json").write_text(
            json.dumps(runs, ensure_ascii=False, indent=2, default=_plain) + "\n", encoding="utf-8"
        )
        package = _datapackage(partial, data, fmt, fields, excel, where, count, runs)
        (partial / MARKER).write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        files = [data, "runs.json", MARKER]
        sums = "".join(f"{_sha256(partial / name)}  {name}\n" for name in files)
        (partial / "SHA256SUMS").write_text(sums, encoding="utf-8")
        if directory.exists():
            shutil.rmtree(directory)
        partial.replace(directory)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Bundle(directory, count, len(runs), [*files, "SHA256SUMS"])


def _datapackage(
    folder: Path,
    data: str,
    fmt: str,
    fields: tuple[str, ...],
    excel: bool,
    where: StoryFilter,
    count: int,
    runs: list[dict[str, Any]],
) -> dict[str, Any]:
    schema = []
    for name in fields:
        kind, description = export.FIELD_INFO[name]
        if fmt == "csv" and kind == "array":
            kind = "string"
        schema.append({"name": name, "type": kind, "description": description})
    sources = sorted({url for run in runs for url in run["start_urls"]})
    stories: dict[str, Any] = {
        "name": "stories",
        "path": data,
        "format": fmt,
        "mediatype": MEDIA_TYPES[fmt],
        "encoding": "utf-8-sig" if excel else "utf-8",
        "bytes": (folder / data).stat().st_size,
        "hash": f"sha256:{_sha256(folder / data)}",
        "description": f"{count} stories, one per canonical URL, with their latest values.",
        "schema": {"fields": schema, "primaryKey": "url"}
        if "url" in fields
        else {"fields": schema},
    }
    if fmt == "csv":
        stories["profile"] = "tabular-data-resource"
        stories["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
    return {
        "profile": "tabular-data-package" if fmt == "csv" else "data-package",
        "name": "newsarchive-stories",
        "title": "Stories listed on news tag pages, archived by newsarchive",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": [{"title": url, "path": url} for url in sources],
        "resources": [
            stories,
            {
                "name": "runs",
                "path": "runs.json",
                "format": "json",
                "mediatype": "application/json",
                "bytes": (folder / "runs.json").stat().st_size,
                "hash": f"sha256:{_sha256(folder / 'runs.json')}",
                "description": (
                    "The crawl runs that saw these stories: start URLs, times, status, figures, "
                    "how each tag's pages were walked, the settings and software version used."
                ),
            },
        ],
        "newsarchive": {
            "software_version": __version__,
            "selection": where.describe(),
            "stories": count,
            "runs": [run["id"] for run in runs],
            "csv_formula_neutralised": fmt == "csv",
        },
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _plain(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
