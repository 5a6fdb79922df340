"""What newsarchive writes, replayed by a real tool: its WARC files and its WACZ export loaded
into pywb, a listing page fetched back from it (revisits included), and `wacz validate`."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsarchive.cli.errors import CLIError
from newsarchive.server import serve_directory
from tests.helpers import FAST, rows, run_cli
from tests.replay import Wayback, requires_pywb, wayback
from tests.sites import write_chain

pytestmark = requires_pywb


@dataclass(frozen=True, slots=True)
class Crawled:
    site: Path
    base: str
    db: Path
    warcs: list[Path]  # run 1's, run 2's


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wayback]:
    with wayback(tmp_path_factory.mktemp("pywb")) as running:
        yield running


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """Two tags crawled twice: the second run finds page 1 of Peru changed, the rest not."""
    root = tmp_path_factory.mktemp("crawled")
    site = root / "site"
    write_chain(site, "/tag/peru/", "Peru", [["p1", "p2"], ["p3", "p4"], ["p5"]])
    write_chain(site, "/tag/chile/", "Chile", [["c1", "c2"]])
    db = root / "archive.sqlite"
    with serve_directory(site) as base:
        urls = [f"{base}/tag/peru/", f"{base}/tag/chile/"]
        assert run_cli("crawl", *urls, "--db", str(db), *FAST).returncode == 0
        write_chain(site, "/tag/peru/", "Peru", [["p0", "p1"], ["p3", "p4"], ["p5"]])
        assert run_cli("crawl", *urls, "--db", str(db), "--full", *FAST).returncode == 0
    warcs = [Path(path) for (path,) in rows(db, "SELECT path FROM warc_files ORDER BY run_id")]
    yield Crawled(site, base, db, warcs)


def served(crawled: Crawled, path: str) -> bytes:
    return (crawled.site / path.strip("/") / "index.html").read_bytes()


def test_pywb_replays_the_warc_files_revisits_included(server: Wayback, crawled: Crawled) -> None:
    server.add("warcs", crawled.warcs)
    page_two = f"{crawled.base}/tag/peru/page/2/"
    # Run 2 wrote page 2 as a revisit of run 1's response (pywb replays it from the original),
    # and page 1, which changed, whole.
    kinds = "SELECT kind FROM warc_records WHERE url = :url ORDER BY id"
    assert rows(crawled.db, kinds, url=page_two) == [("response",), ("revisit",)]
    assert rows(crawled.db, kinds, url=f"{crawled.base}/tag/peru/") == [("response",)] * 2
    status, body = server.get(f"{server.replay('warcs')}29990101000000id_/{page_two}")
    assert (status, body) == (200, served(crawled, "/tag/peru/page/2/"))


def test_export_wacz_passes_wacz_validate_and_pywb_replays_it(
    server: Wayback, crawled: Crawled, tmp_path: Path, cli
) -> None:
    wacz = tmp_path / "peru.wacz"
    done = cli("export", "--wacz", wacz, "--run", "2", "--db", crawled.db)
    assert done.returncode == 0, done.stderr
    assert "4 listing page(s) of run(s) 2, 2 WARC file(s)" in done.stdout
    check = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(wacz)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "the passed WACZ is valid" in check.stdout
    with zipfile.ZipFile(wacz) as package:
        names = set(package.namelist())
        pages = [json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()]
        datapackage = json.loads(package.read("datapackage.json"))
    # Run 1's file comes along: run 2's revisits point into it.
    assert {f"archive/{warc.name}" for warc in crawled.warcs} <= names
    assert "indexes/index.cdx.gz" in names
    assert datapackage["wacz_version"] == "1.1.1"
    assert pages[0]["format"] == "json-pages-1.0"
    assert sorted(page["url"].removeprefix(crawled.base) for page in pages[1:]) == [
        "/tag/chile/", "/tag/peru/", "/tag/peru/page/2/", "/tag/peru/page/3/",
    ]  # fmt: skip
    server.add("package", [wacz])
    for path in ("/tag/peru/", "/tag/peru/page/3/"):
        status, body = server.get(
            f"{server.replay('package')}29990101000000id_/{crawled.base}{path}"
        )
        assert (status, body) == (200, served(crawled, path))


def test_export_wacz_of_a_tag_packs_its_pages_only(crawled: Crawled, tmp_path: Path, cli) -> None:
    wacz = tmp_path / "chile.wacz"
    done = cli("export", "--wacz", wacz, "--tag", "Chile", "--db", crawled.db)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(wacz) as package:
        lines = package.read("pages/pages.jsonl").splitlines()[1:]
    urls = [json.loads(line)["url"] for line in lines]
    assert urls == [f"{crawled.base}/tag/chile/"] * 2  # one page, in both runs
    again = cli("export", "--wacz", wacz, "--tag", "Chile", "--db", crawled.db)
    assert again.returncode == CLIError.OUTPUT and "--force" in again.stderr


def test_export_wacz_refuses_what_it_cannot_pack(crawled: Crawled, tmp_path: Path, cli) -> None:
    wacz, db = tmp_path / "out.wacz", crawled.db
    mixed = cli("export", "--wacz", wacz, "--format", "csv", "--db", db)
    assert (mixed.returncode, mixed.stderr.count("\n")) == (CLIError.USAGE, 1)
    unknown = cli("export", "--wacz", wacz, "--run", "9", "--db", db)
    assert unknown.returncode == CLIError.USAGE and "run 9 has no WARC files" in unknown.stderr
    moved = tmp_path / crawled.warcs[0].name
    crawled.warcs[0].rename(moved)
    try:
        lost = cli("export", "--wacz", wacz, "--run", "1", "--db", db)
        assert lost.returncode == CLIError.MISSING_WARC and "--warc-dir" in lost.stderr
        found = cli("export", "--wacz", wacz, "--run", "1", "--warc-dir", tmp_path, "--db", db)
        assert found.returncode == 0, found.stderr
        assert not list(tmp_path.glob("*.partial"))
    finally:
        moved.rename(crawled.warcs[0])
