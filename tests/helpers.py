"""Helpers the tests share: where things are, running the command line, building archives.

Fixtures live in conftest.py; everything a test imports lives here.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from newsarchive.cli import main
from newsarchive.items import Story
from newsarchive.status import RunStatus
from newsarchive.storage import Archive
from newsarchive.storage.engine import database_url

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = Path(os.environ.get("NEWSARCHIVE_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))
# Settings that lift the politeness limits; only ever used against 127.0.0.1.
FAST = [
    "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "RETRY_TIMES=0",
]  # fmt: skip
# The same for the crawl API (`run_crawl`), plus quick retries for the fault tests.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_TIMES": 0, "NEWSARCHIVE_RETRY_BACKOFF": 0.05, "LOG_LEVEL": "INFO",
}  # fmt: skip

# A PostgreSQL database the tests may create schemas in (scripts/test-postgres starts one).
POSTGRES_URL = os.environ.get("NEWSARCHIVE_TEST_POSTGRES_URL")
NO_POSTGRES = (
    "PostgreSQL not configured: set NEWSARCHIVE_TEST_POSTGRES_URL "
    '(eval "$(scripts/test-postgres start DIR)")'
)


def free_port() -> int:
    """A loopback port nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `newsarchive ARGS` in a fresh process, as a user or cron would."""
    return subprocess.run(
        [sys.executable, "-m", "newsarchive", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})},
    )


def run_command(capture: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess:
    """Run `newsarchive ARGS` in this process (`main(argv)`), reported as `run_cli` reports it:
    for commands that only read, this is as real as a new process, and much quicker."""
    capture.readouterr()
    code = main(list(args))
    out, err = capture.readouterr()
    return subprocess.CompletedProcess(["newsarchive", *args], code, out, err)


def run_crawl(urls: list[str], db: Path, timeout: float = 60, **settings) -> dict:
    """Crawl in a fresh process through the crawl API; its result and stats, plus its log."""
    settings = FAST_SETTINGS | {"LOG_LEVEL": "INFO"} | settings
    args = {"urls": urls, "db": str(db), "settings": settings}
    done = subprocess.run(
        [sys.executable, "-m", "tests.crawlproc", "api", json.dumps(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    result["log"] = done.stderr
    return result


def rows(db: str | Path, sql: str, **params: Any) -> list[tuple]:
    """Run one SQL query against an archive location (file path or URL); all rows as tuples."""
    engine = create_engine(database_url(str(db)))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def story(n: int, tag: str = "Peru", **fields: Any) -> Story:
    """Story number `n` as a crawl of news.example.org's tag pages saw it on 1 August 2024."""
    values = {
        "url": f"https://news.example.org/2024/07/story-{n}/",
        "headline": f"Headline {n}",
        "teaser": f"Teaser {n}",
        "site": "news.example.org",
        "tag": tag,
        "listing_url": "https://news.example.org/tag/peru/",
        "page_number": 1,
        "position": n,
        "fetched_at": "2024-08-01T12:00:00+00:00",
    }
    return Story(**(values | fields))


def stored(
    archive: Archive,
    stories: Sequence[Story],
    start_urls: Sequence[str] = ("https://news.example.org/tag/peru/",),
    **settings: Any,
) -> int:
    """Store `stories` as one finished crawl run, as a crawl would; returns the run's id."""
    run = archive.runs.begin(start_urls, settings)
    archive.write.store(run, stories)
    archive.runs.finish(run, RunStatus.FINISHED, pages=1, errors=0)
    return run


def slugs(found: str | Iterable[dict[str, Any]]) -> list[str]:
    """The last path segment of each story's URL: of search results or records, or of the
    objects of a JSON-lines export."""
    records = [json.loads(line) for line in found.splitlines()] if isinstance(found, str) else found
    return [urlsplit(record["url"]).path.rstrip("/").rsplit("/", 1)[-1] for record in records]


def corpus_pages(cms_prefix: str = "") -> list[tuple[str, Path, dict]]:
    """(slug, html path, ground truth) for each real page whose CMS starts with `cms_prefix`."""
    if not CORPUS.is_dir():
        return []
    pages = []
    for truth_path in sorted(CORPUS.glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth.get("cms", "").startswith(cms_prefix):
            pages.append((truth_path.stem, truth_path.with_suffix(".html"), truth))
    return pages


def read_corpus_page(path: Path, truth: dict) -> str:
    """Decode a corpus page with the charset its ground truth names."""
    encoding = truth.get("encoding", "utf-8")
    codec = "utf-8-sig" if "BOM" in encoding else encoding.split()[0]
    return path.read_bytes().decode(codec)


def can_mount() -> bool:
    """True when this user may mount file systems in a private namespace (`unshare -rm`)."""
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /tmp"],
        capture_output=True,
    )
    return probe.returncode == 0


# Full or read-only disks, made for real in a mount namespace of the test's own.
needs_mount = pytest.mark.skipif(
    not can_mount(), reason="cannot mount a tmpfs in a private namespace (unshare -rm)"
)

requires_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"real-page corpus not found at {CORPUS}"
)
