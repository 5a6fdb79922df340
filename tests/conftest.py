"""Shared fixtures: archive files, loopback servers, the real-page corpus, running the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsarchive.server import serve_directory
from newsarchive.storage import Archive
from tests.faultserver import FaultServer, fault_server

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


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.sqlite"


@pytest.fixture
def archive(db_path: Path) -> Iterator[Archive]:
    archive = Archive.open(str(db_path))
    yield archive
    archive.close()


@pytest.fixture
def serve():
    """Serve a directory on 127.0.0.1: `base = serve(path)`; stopped after the test."""
    stack = []

    def start(root: Path) -> str:
        context = serve_directory(root)
        stack.append(context)
        return context.__enter__()

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


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


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """A fault-injecting HTTP server on 127.0.0.1 (tests/faultserver.py)."""
    with fault_server() as server:
        yield server


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


requires_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"real-page corpus not found at {CORPUS}"
)
