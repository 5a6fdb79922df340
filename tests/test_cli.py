"""The command line in-process: arguments, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.cli import main
from newsarchive.storage import Archive
from tests.helpers import stored, story


@pytest.fixture
def filled(archive: Archive, db: str) -> str:
    stored(archive, [story(n, headline=f"Perú headline {n}") for n in range(1, 4)])
    return db


def test_export_jsonl_to_stdout(filled: str, capsys) -> None:
    assert main(["export", "--db", filled, "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["headline"] for line in lines] == [
        "Perú headline 1",
        "Perú headline 2",
        "Perú headline 3",
    ]


def test_export_to_file_refuses_to_overwrite(filled: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / "stories.csv"
    out.write_text("precious")
    assert main(["export", "--db", filled, "--format", "csv", "-o", str(out)]) == 6
    assert out.read_text() == "precious"
    assert "use --force" in capsys.readouterr().err
    assert main(["export", "--db", filled, "--format", "csv", "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").count("\n") == 4
    assert not (tmp_path / "stories.csv.partial").exists()


def test_export_from_missing_archive_is_one_line(tmp_path: Path, capsys) -> None:
    code = main(["export", "--db", str(tmp_path / "nope.sqlite"), "--format", "json"])
    err = capsys.readouterr().err
    assert code == 5
    assert err.count("\n") == 1 and "no archive at" in err
    assert not (tmp_path / "nope.sqlite").exists()


@pytest.mark.parametrize("url", ["not-a-url", "ftp://example.org/tag/x/", "file:///etc/passwd"])
def test_crawl_rejects_non_web_urls(url: str, capsys) -> None:
    assert main(["crawl", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsarchive: error: not an http(s) URL") and err.count("\n") == 1


def test_crawl_rejects_bad_max_pages(capsys) -> None:
    assert main(["crawl", "https://example.org/tag/x/", "--max-pages", "0"]) == 2


def test_bad_setting_syntax_is_a_usage_error(capsys) -> None:
    assert main(["crawl", "https://example.org/tag/x/", "-s", "NOEQUALS"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_unknown_database_url_is_one_line(capsys) -> None:
    code = main(["export", "--db", "nosuchdb://user:hunter2@host/x", "--format", "json"])
    err = capsys.readouterr().err
    assert code == 5
    assert "hunter2" not in err and err.count("\n") == 1


# Loaded only by the commands that need them, when they run.
HEAVY = ("scrapy", "twisted", "sqlalchemy", "alembic", "parsel", "lxml", "datasette", "redis")


def test_the_command_line_starts_without_its_heavy_packages() -> None:
    """`--help` of every command builds every parser; none of them loads what only running a
    command needs (benchmarks/startup.py measures the time this saves)."""
    probe = (
        "import sys; from newsarchive.cli import build_parser; build_parser(); "
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    loaded = set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                check=True).stdout.split())  # fmt: skip
    assert not loaded & set(HEAVY)
