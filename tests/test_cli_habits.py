"""What people expect of a command line: progress that fits the terminal (with --jobs too),
start URLs from a file or stdin, a project file, a JSON summary, -v, completion, hints."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from newsarchive.crawl.config import load_config
from newsarchive.crawl.options import CrawlOptions, OptionError
from newsarchive.runtime.progress import Figures, fitted
from tests.helpers import FAST, FIXTURES, ROOT, rows, run_cli

SLOW = ["-s", "DOWNLOAD_DELAY=0.4", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False"]


def in_terminal(args: list[str], columns: int, cwd: Path) -> tuple[int, str, str]:
    """`newsarchive ARGS` with stderr on a pseudo-terminal `columns` wide: its exit status,
    everything the terminal received, and stdout."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        [sys.executable, "-m", "newsarchive", *args], cwd=cwd, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=slave, env=env | {"PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    os.close(slave)
    screen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other end is closed: the process has ended
            break
        if not chunk:
            break
        screen += chunk
    os.close(master)
    out = process.stdout.read().decode()
    return process.wait(timeout=120), screen.decode(), out


def progress_lines(screen: str) -> list[str]:
    """What each redraw of the progress line wrote (the line is redrawn after \\r ESC[K)."""
    return [part.split("\r\n")[0] for part in screen.split("\r\x1b[K") if part.startswith("pages")]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_progress_fits_a_60_column_terminal(serve, tmp_path: Path, jobs: str) -> None:
    base = serve(FIXTURES / "southern_cone")
    urls = [f"{base}/tag/peru/", f"{base}/tag/bolivia/"]
    db = tmp_path / "a.sqlite"
    code, screen, out = in_terminal(
        ["crawl", *urls, "--db", str(db), "--jobs", jobs, *FAST, *SLOW], 60, tmp_path
    )
    assert code == 0, screen
    first = screen.splitlines()[0]
    assert first.startswith(f"crawling 2 start URLs into {db}")
    drawn = progress_lines(screen)
    assert drawn, screen
    assert all(len(line) <= 59 for line in drawn), drawn
    last = drawn[-1]
    assert re.match(r"pages [1-5] · stories \d+ · new \d+", last), last
    assert "34 new stories" in out or "new stories" in out  # the summary, on stdout


def test_the_line_gives_way_from_the_tag_to_the_rate() -> None:
    figures = Figures(pages=1234, stories=56789, new=4321, tag="Derechos de los pueblos indígenas")
    wide = fitted(figures, 12.5, 200)
    assert wide.endswith("· Derechos de los pueblos indígenas · 12.5 pages/s")
    assert fitted(figures, 12.5, 70).endswith("… · 12.5 pages/s")
    for width in (20, 45, 60, 70):
        assert len(fitted(figures, 12.5, width)) <= width - 1


def test_urls_from_a_file_and_stdin_and_a_json_summary(serve, tmp_path: Path) -> None:
    base = serve(FIXTURES / "southern_cone")
    listing = tmp_path / "tags.txt"
    listing.write_text(f"# the two tags\n{base}/tag/peru/\n\n{base}/tag/bolivia/  # and this\n")
    db = tmp_path / "a.sqlite"
    result = run_cli("crawl", "-i", str(listing), "--db", str(db), "--json", *FAST)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["exit_status"], summary["pages"], summary["stories_new"]) == (0, 5, 34)
    (run,) = summary["runs"]
    assert run["status"] == "finished" and run["run_id"] == 1 and "stats" not in run
    again = subprocess.run(
        [sys.executable, "-m", "newsarchive", "crawl", "-i", "-", "--full", "--db", str(db), "--json", *FAST],
        input=f"{base}/tag/peru/\n", capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert json.loads(again.stdout)["runs"][0]["stories_existing"] == 26
    assert run_cli("crawl", "-i", str(tmp_path / "none.txt")).returncode == 2


def test_a_project_file_with_flags_winning(serve, tmp_path: Path) -> None:
    base = serve(FIXTURES / "southern_cone")
    (tmp_path / "newsarchive.toml").write_text(
        f'urls = ["{base}/tag/peru/"]\ndb = "archive.sqlite"\ncontact = "mailto:team@example.org"\n'
        "max_pages = 3\n[settings]\nDOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = false\n"
        '[sites."127.0.0.1"]\nconcurrency = 4\ndelay = 0.01\n',
        encoding="utf-8",
    )
    result = run_cli("crawl", "--max-pages", "1", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pages"] == 1  # --max-pages won over max_pages = 3
    db = tmp_path / "archive.sqlite"
    (settings_json,) = rows(db, "SELECT settings FROM crawl_runs")[0]
    recorded = json.loads(settings_json)
    assert recorded["USER_AGENT"].endswith("(+mailto:team@example.org)")
    assert recorded["NEWSARCHIVE_MAX_PAGES"] == 1
    listed = run_cli("runs", "--json", cwd=tmp_path)  # other commands find the archive too
    assert json.loads(listed.stdout)["id"] == 1


def test_project_file_mistakes_are_one_line_usage_errors(tmp_path: Path, cli) -> None:
    config = tmp_path / "project.toml"
    for text, message in (
        ('url = ["x"]', "unknown key 'url' (did you mean urls?)"),
        ("max_pages = 'ten'", "max_pages must be a int"),
        ('[sites."a.org"]\nwait = 2', "sites.a.org: unknown key 'wait'"),
        ('[sites."a.org"]\nconcurrency = 1.5', "must be a whole number"),
        ("urls = [", "is not valid TOML"),
    ):
        config.write_text(text, encoding="utf-8")
        with pytest.raises(OptionError, match=re.escape(message)):
            load_config(str(config))
        result = cli("runs", "--config", config)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert cli("runs", "--config", tmp_path / "missing.toml").returncode == 2


def test_project_file_values_become_crawl_options(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "p" / "newsarchive.toml"
    config.parent.mkdir()
    config.write_text(
        'urls = ["https://a.example/tag/x/"]\ndb = "a.sqlite"\nprofiles = ["site.toml"]\n'
        '[settings]\nDOWNLOAD_DELAY = 3\n[sites."a.example"]\ndelay = 5\n',
        encoding="utf-8",
    )
    monkeypatch.delenv("NEWSARCHIVE_DB", raising=False)
    project = load_config(str(config))
    options = CrawlOptions.configured(project, urls=(), settings={"DOWNLOAD_DELAY": 1})
    assert options.urls == ("https://a.example/tag/x/",)
    assert options.db == str(config.parent / "a.sqlite")
    assert options.profiles == (str(config.parent / "site.toml"),)
    assert options.settings == {"DOWNLOAD_DELAY": 1, "DOWNLOAD_SLOTS": {"a.example": {"delay": 5}}}
    given = CrawlOptions.configured(project, urls=("https://b.example/",), db="b.sqlite")
    assert (given.urls, given.db) == (("https://b.example/",), "b.sqlite")
    monkeypatch.setenv("NEWSARCHIVE_DB", "env.sqlite")
    assert CrawlOptions.configured(project).db == "env.sqlite"


def test_verbose_logs_as_scrapy_does(serve, tmp_path: Path) -> None:
    base = serve(FIXTURES / "southern_cone")
    result = run_cli(
        "crawl", f"{base}/tag/bolivia/", "--db", str(tmp_path / "a.sqlite"), "-v", *FAST
    )
    assert result.returncode == 0, result.stderr
    assert "[scrapy.core.engine] INFO: Spider opened" in result.stderr
    assert "pagination ends at page 2 (last_page)" in result.stderr


def test_completion_scripts_know_the_commands(cli) -> None:
    bash = cli("completion", "bash")
    assert bash.returncode == 0
    assert "crawl" in bash.stdout and "--max-pages" in bash.stdout and "--bundle" in bash.stdout
    assert "#compdef newsarchive" in cli("completion", "zsh").stdout
    assert cli("completion", "fish").returncode == 2


def test_a_missing_default_archive_points_at_the_demo(tmp_path: Path, monkeypatch, cli) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSARCHIVE_DB", raising=False)
    result = cli("runs")
    assert result.returncode == 5
    assert result.stderr.rstrip().endswith("or try `newsarchive demo`")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "demo.sqlite").touch()
    for command in (["runs"], ["search", "x"], ["browse"]):
        hinted = cli(*command)
        assert hinted.stderr.rstrip().endswith("add --db data/demo.sqlite"), command
