"""Shared fixtures: archive files, loopback servers, the real-page corpus, running the CLI."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from newsarchive.server import serve_directory
from newsarchive.storage import Archive
from tests.faultserver import FaultServer, fault_server
from tests.servers import redis_binary, redis_server

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
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.sqlite"


@pytest.fixture
def postgres_db() -> Iterator[str]:
    """A URL to an empty PostgreSQL schema of its own, dropped after the test."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, db_path: Path) -> str:
    """An empty archive location on each backend: a SQLite file path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(db_path)
    return request.getfixturevalue("postgres_db")


@pytest.fixture
def archive(db: str) -> Iterator[Archive]:
    archive = Archive.open(db)
    yield archive
    archive.close()


def rows(db: str, sql: str, **params: Any) -> list[tuple]:
    """Run one SQL query against an archive location (file path or URL); all rows as tuples."""
    url = db if "://" in db else f"sqlite:///{db}"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def redis_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """$NEWSARCHIVE_TEST_REDIS_URL (flushed by the tests!), else a redis-server of our own."""
    if url := os.environ.get("NEWSARCHIVE_TEST_REDIS_URL"):
        yield url
    elif not redis_binary():
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    else:
        with redis_server(tmp_path_factory.mktemp("redis")) as url:
            yield url


@pytest.fixture
def redis_url(redis_session: str) -> str:
    """An empty Redis database for one test."""
    client = redis.Redis.from_url(redis_session)
    client.flushdb()
    client.close()
    return redis_session


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
