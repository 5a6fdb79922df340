"""Shared fixtures: archive files, loopback servers. The helpers tests import are in helpers.py."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from newsarchive.server import serve_directory
from newsarchive.storage import Archive
from tests.faultserver import FaultServer, fault_server
from tests.helpers import NO_POSTGRES, POSTGRES_URL, run_command
from tests.servers import redis_binary, redis_server

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
    with Archive.open(db) as archive:
        yield archive


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`data/` as `make demo` leaves it, made once for every test that reads it (not writes)."""
    from tests.browsing import demo_archive

    folder = tmp_path_factory.mktemp("demo") / "data"
    demo_archive(folder)
    return folder


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., subprocess.CompletedProcess]:
    """`cli(ARGS…)`: `newsarchive ARGS` run in this process; its result, as `run_cli` gives it."""
    return lambda *args: run_command(capsys, *(str(arg) for arg in args))


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


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    """A fault-injecting HTTP server on 127.0.0.1 (tests/faultserver.py)."""
    with fault_server() as server:
        yield server
