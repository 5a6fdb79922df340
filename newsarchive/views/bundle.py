"""A citable dataset in one directory: the stories, how they were collected, and checksums.

The layout follows the Frictionless Data Package (`frictionless validate datapackage.json`
passes): `datapackage.json` describes every field and file, the dataset's licence and version;
`CITATION.cff` says how to cite it; `runs.json` holds the crawl runs that saw the stories, with
the software version and settings of each; `SHA256SUMS` lets anyone check the files
(`sha256sum -c SHA256SUMS`).
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


# Open Definition's id for a licence that is not open: the texts belong to their publishers.
DEFAULT_LICENCE = "other-closed"
LICENCE_TITLE = "Headlines, teasers and images belong to their publishers; collected for research"
TITLE = "Stories listed on news tag pages, archived by newsarchive"


@dataclass(frozen=True, slots=True)
class Citation:
    """What a bundle says about itself: its version, licence (an SPDX or Open Definition id)
    and who compiled it (for CITATION.cff; nobody named is written as anonymous)."""

    version: str = "1.0.0"
    licence: str = DEFAULT_LICENCE
    authors: tuple[str, ...] = ()


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
    citation: Citation | None = None,
) -> Bundle:
    """Write the bundle next to `directory` and move it into place once complete."""
    citation = citation or Citation()
    replaceable = (directory / MARKER).is_file()
    if directory.exists() and any(directory.iterdir()) and not (force and replaceable):
        raise BundleExists(
            f"{directory} exists" + (" (use --force to replace it)" if replaceable else "")
        )
    where = where or StoryFilter()
    data = f"stories.{fmt}"
    with atomic_directory(directory) as folder:
        with (folder / data).open("w", encoding=encoding(excel), newline="") as out:
            count = write_stories(archive, out, fmt, fields=fields, where=where, excel=excel)
        runs = archive.runs.that_saw(where)
        _write_json(folder / "runs.json", runs)
        package = _datapackage(folder, data, fmt, fields, excel, where, count, runs, citation)
        _write_json(folder / MARKER, package)
        (folder / "CITATION.cff").write_text(_citation(package, citation), encoding="utf-8")
        files = [data, "runs.json", MARKER, "CITATION.cff"]
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
    citation: Citation,
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
        # Not a tabular-data-package: runs.json, nested records, is a resource of its own.
        "profile": "data-package",
        "name": "newsarchive-stories",
        "title": TITLE,
        "version": citation.version,
        "licenses": [
            {"name": citation.licence}
            | ({"title": LICENCE_TITLE} if citation.licence == DEFAULT_LICENCE else {})
        ],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": [{"title": url, "path": url} for url in sources],
        "resources": [stories, _resource(folder, "runs", "runs.json", RUNS_DESCRIPTION)],
        "newsarchive": {
            "software_version": __version__,
            "selection": where.describe(),
            "stories": count,
            "runs": [run["id"] for run in runs],
            "csv_formula_neutralised": fmt == "csv" and excel,
        },
    }


def _citation(package: dict[str, Any], citation: Citation) -> str:
    """CITATION.cff (Citation File Format 1.2.0) of the dataset; strings quoted as JSON, which
    YAML reads as they are."""
    q = json.dumps
    authors = citation.authors or ("anonymous",)
    lines = [
        "cff-version: 1.2.0",
        f"message: {q('If you use this dataset, please cite it as below.')}",
        "type: dataset",
        f"title: {q(package['title'])}",
        f"version: {q(citation.version)}",
        f"date-released: {q(package['created'][:10])}",
        "authors:",
        *(f"  - name: {q(name)}" for name in authors),
        f"abstract: {q(_abstract(package))}",
    ]
    if not citation.licence.startswith("other-"):  # CFF knows SPDX ids only
        lines.append(f"license: {q(citation.licence)}")
    lines += [
        "references:",
        "  - type: software",
        f"    title: {q('newsarchive')}",
        f"    version: {q(__version__)}",
    ]
    return "\n".join(lines) + "\n"


def _abstract(package: dict[str, Any]) -> str:
    about = package["newsarchive"]
    sources = ", ".join(source["path"] for source in package["sources"]) or "no source"
    return (
        f"{about['stories']} stories listed on the tag pages {sources}, as {len(about['runs'])} "
        "crawl run(s) of newsarchive found them; one row per story with its latest values."
    )


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
