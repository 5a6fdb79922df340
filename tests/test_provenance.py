"""Provenance is never lost silently: a WARC file that cannot be written fails the run.

The crawl runs in a mount namespace of its own whose WARC directory is a 1 MB tmpfs, so the disk
fills after a few listing pages, as a real full disk would (ENOSPC), and nothing is left mounted.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

from newsarchive.cli.errors import CLIError
from tests.helpers import FAST, ROOT, needs_mount, run_cli
from tests.sites import write_chain

PAGES, PER_PAGE = 25, 20


@needs_mount
def test_a_full_warc_disk_fails_the_run_and_no_sighting_claims_missing_bytes(
    tmp_path: Path, serve
) -> None:
    site = tmp_path / "site"
    slugs = [[f"p{page}-s{n}" for n in range(PER_PAGE)] for page in range(1, PAGES + 1)]
    write_chain(site, "/tag/lleno/", "Lleno", slugs)
    # 60 KB of incompressible text per page: the 1 MB disk is full after about 16 pages.
    for index in site.rglob("index.html"):
        filler = f"<aside>{secrets.token_urlsafe(60_000)}</aside>"
        index.write_text(index.read_text().replace("</main>", filler + "</main>"))
    base = serve(site)
    db, warc, saved = tmp_path / "a.sqlite", tmp_path / "warc", tmp_path / "saved"
    warc.mkdir()
    saved.mkdir()
    crawl = [sys.executable, "-m", "newsarchive", "crawl", base + "/tag/lleno/", "--db", str(db),
             "--warc-dir", str(warc), *FAST]  # fmt: skip
    # The WARC file is copied off the full disk before the namespace ends, as if space was freed.
    script = (
        f'mount -t tmpfs -o size=1m tmpfs "{warc}" || exit 99; "$@"; status=$?; '
        f'cp "{warc}"/* "{saved}"/; exit $status'
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", *crawl], cwd=ROOT, capture_output=True,
        text=True, timeout=180, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert done.returncode == CLIError.WARC_FAILED, done.stderr
    assert "Traceback" not in done.stderr
    assert "No space left on device" in done.stderr
    assert done.stderr.count("newsarchive: error:") == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [("warc_failed",)]
        sightings = conn.execute(
            "SELECT count(*), count(warc_offset), count(warc_file_id) FROM sightings"
        ).fetchone()
        half = conn.execute(
            "SELECT count(*) FROM sightings WHERE (warc_offset IS NULL) != (warc_file_id IS NULL)"
        ).fetchone()[0]
    total, with_offset, with_file = sightings
    assert 0 < with_offset == with_file < total  # the first pages have their bytes, later ones none
    assert half == 0  # never a file without an offset
    assert run_cli("db", "check", "--db", str(db)).returncode == 0

    # Re-extracting the run replaces the sightings of the pages its WARC file holds whole and
    # keeps those it could not re-read: nothing is lost, and no sighting claims missing bytes.
    for kept_file in saved.iterdir():
        kept_file.rename(warc / kept_file.name)
    reparsed = run_cli("reparse", "--db", str(db))
    assert reparsed.returncode == 0, reparsed.stderr
    kept = total - with_offset
    assert (
        f"{with_offset} stories (0 new to the archive); {kept} sighting(s) kept" in reparsed.stdout
    )
    with sqlite3.connect(db) as conn:
        after = conn.execute(
            "SELECT count(*), count(warc_offset), count(DISTINCT story_id) FROM sightings"
        ).fetchone()
        stories = conn.execute("SELECT count(*) FROM stories").fetchone()[0]
    assert after == (total, with_offset, stories)  # each story of the run sighted once
    assert stories == total
    checked = run_cli("db", "check", "--db", str(db))
    assert checked.returncode == 0, checked.stdout + checked.stderr
