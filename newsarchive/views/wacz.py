"""WACZ: the runs' WARC files as a package replay tools load (ReplayWeb.page, pywb).

The package is made by py-wacz (the `wacz` package, the format's reference tools), which indexes
the WARC files into a CDXJ index and writes `datapackage.json` (WACZ 1.1.1) with every file's
hash; newsarchive hands it the WARC files and `pages.jsonl`, the listing pages the runs' stories
were seen on. A run's revisit records point at responses that may sit in an earlier run's WARC
file: those files come along, so every page in the package replays.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive import __version__
from newsarchive.files import refuse_existing
from newsarchive.warc import locate

if TYPE_CHECKING:
    from newsarchive.storage import Archive
    from newsarchive.storage.provenance import ListingRecord


class WaczError(Exception):
    """The package cannot be made; the message says why, in one line."""


class NothingToPack(WaczError):
    """The runs or tags chosen have no listing page in a WARC file."""


class WarcMissing(WaczError):
    """A WARC file the package needs is not where the archive says, nor in the folders given."""


@dataclass(slots=True)
class Wacz:
    """What `write_wacz` packed."""

    path: Path
    runs: list[int]
    pages: int
    warc_files: list[str]


def write_wacz(
    archive: Archive,
    path: Path,
    *,
    run_ids: Sequence[int] = (),
    tags: Sequence[str] = (),
    search_dirs: Sequence[Path] = (),
    force: bool = False,
) -> Wacz:
    """Package the WARC files of these runs (default: every run with WARC files), and with
    `tags` only the runs and pages of those tags, as the WACZ file `path` (written whole or
    not at all; an existing file is replaced only with `force`)."""
    refuse_existing(path, force=force)
    known = [run["run_id"] for run in archive.runs.warc_files()]
    runs = [run for run in known if run in run_ids] if run_ids else known
    missing_runs = [run for run in run_ids if run not in known]
    if missing_runs:
        raise NothingToPack(f"run {missing_runs[0]} has no WARC files")
    pages = archive.provenance.listing_records(runs, tags)
    if not pages:
        raise NothingToPack("no listing page of the runs and tags chosen is in a WARC file")
    own = sorted({page.warc_file for page in pages})
    files = own + archive.provenance.originals_elsewhere(own)
    located = [_locate(Path(name), search_dirs) for name in files]
    names = [located_file.name for located_file in located]
    if len(set(names)) < len(names):
        raise WaczError("two WARC files of the same name cannot go into one package")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    listing = path.with_name(path.name + ".pages.jsonl")
    try:
        listing.write_text(_pages_jsonl(pages), encoding="utf-8")
        _create(partial, listing, located, _title(archive, pages))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
        listing.unlink(missing_ok=True)
    used = sorted({run for run in runs if any(p.run_id == run for p in pages)})
    return Wacz(path, used, len(pages), [str(name) for name in located])


def _create(output: Path, pages: Path, warcs: list[Path], title: str) -> None:
    try:
        from wacz.main import main as wacz
    except ImportError:
        raise WaczError(
            "export --wacz needs the wacz package: pip install 'newsarchive[wacz]'"
        ) from None
    report = io.StringIO()
    arguments = ["create", "-o", str(output), "-p", str(pages), "--title", title]
    arguments += ["--desc", f"Tag-listing pages archived by newsarchive {__version__}"]
    with redirect_stdout(report):
        code = wacz([*arguments, *map(str, warcs)])
    if code != 0:
        lines = report.getvalue().strip().splitlines() or ["no reason given"]
        raise WaczError(f"the WACZ could not be made: {lines[-1]}")


def _pages_jsonl(pages: Sequence[ListingRecord]) -> str:
    """`pages.jsonl` (json-pages-1.0): each listing page by its URL and record time."""
    from newsarchive.warc import iso_date

    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "Listing pages"}]
    lines += [
        {
            "url": page.url,
            "ts": iso_date(page.recorded_at),
            "title": f"{page.tag or page.url} · page {page.page_number} (run {page.run_id})",
        }
        for page in pages
    ]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def _title(archive: Archive, pages: Sequence[ListingRecord]) -> str:
    tags = sorted({page.tag for page in pages if page.tag})
    shown = ", ".join(tags[:5]) + (f" and {len(tags) - 5} more" if len(tags) > 5 else "")
    return f"Tag listings: {shown}" if shown else f"Tag listings from {archive.location}"


def _locate(path: Path, search_dirs: Sequence[Path]) -> Path:
    found = locate(path, search_dirs)
    if found is not None:
        return found
    raise WarcMissing(f"WARC file not found: {path} (use --warc-dir if it was moved)")
