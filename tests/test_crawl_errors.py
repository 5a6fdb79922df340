"""A crawl that cannot work fails with one line and its own exit code, leaving the archive as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import FAST, free_port, rows, run_cli
from tests.sites import write_chain


def snapshot(db: str) -> list[tuple]:
    return rows(db, "SELECT * FROM stories ORDER BY id")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_chain(root, "/tag/ok/", "Ok", [["first-story", "second-story"]])
    (root / "feed.json").write_text('{"items": []}')
    (root / "empty").mkdir()
    (root / "empty" / "index.html").write_text("<html><body><h1>Nothing here</h1></body></html>")
    return root


@pytest.fixture
def filled(db: str, site: Path, serve) -> tuple[str, str]:
    """An archive that already holds the two stories of /tag/ok/, and the site's base URL."""
    base = serve(site)
    result = run_cli("crawl", f"{base}/tag/ok/", "--db", db, *FAST)
    assert result.returncode == 0, result.stderr
    return db, base


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("/feed.json", 3, "not an HTML page"),
        ("/missing/", 3, "HTTP 404"),
        ("/empty/", 4, "no stories found"),
    ],
)
def test_failed_crawl_is_one_line_and_changes_nothing(filled, path, code, message) -> None:
    archive, base = filled
    before = snapshot(archive)
    result = run_cli("crawl", base + path, "--db", archive, *FAST)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert snapshot(archive) == before


def test_unreachable_host(filled) -> None:
    archive, _ = filled
    before = snapshot(archive)
    url = f"http://127.0.0.1:{free_port()}/tag/x/"
    result = run_cli("crawl", url, "--db", archive, *FAST)
    assert result.returncode == 3
    assert f"cannot crawl {url}" in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert snapshot(archive) == before


def test_invalid_url_touches_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "never.sqlite"
    result = run_cli("crawl", "news.example.org/tag/peru", "--db", str(archive))
    assert result.returncode == 2
    assert result.stderr.startswith("newsarchive: error: not an http(s) URL")
    assert not archive.exists()
