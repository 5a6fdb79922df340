"""Output files are written whole or not at all, whatever stops the writing, and never replace
what they only stand for: a signal, a full disk, /dev/stdout, a symlink, a device, a folder.

Signals and standard output need a process of their own (`python -m newsarchive`); the rest runs
in this process.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsarchive.cli.errors import CLIError
from newsarchive.storage import Archive
from tests.helpers import ROOT, stored, story

STORIES = 20_000  # 2 KB each: a 40 MB export, long enough to be stopped halfway
PRECIOUS = "notes written by hand\n"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of STORIES stories, filled in one SQL statement (exports read only stories)."""
    db = tmp_path_factory.mktemp("big") / "archive.sqlite"
    with Archive.open(str(db)) as archive:
        stored(archive, [story(0)])
    with sqlite3.connect(db) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO stories (url, headline, teaser, site, first_seen_at, last_seen_at, "
            "first_run_id) SELECT 'https://news.example.org/s/' || i, 'Headline ' || i, "
            "printf('%.2000c', 'x'), 'news.example.org', '2024-08-01 12:00:00.000000', "
            "'2024-08-01 12:00:00.000000', 1 FROM n",
            (STORIES,),
        )
    return db


def newsarchive(*args: str, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsarchive", *args], cwd=ROOT, text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"}, **options,
    )  # fmt: skip


def wait_for(path: Path, process: subprocess.Popen) -> None:
    """Until `path` holds written bytes (the export is under way), or the process has ended."""
    while process.poll() is None:
        if path.exists() and path.stat().st_size > 0:
            return
        time.sleep(0.002)
    raise AssertionError(f"the export ended before {path} was written: {process.communicate()}")


@pytest.mark.parametrize(
    ("output", "sig"),
    [("file", signal.SIGTERM), ("file", signal.SIGINT), ("file", signal.SIGHUP),
     ("bundle", signal.SIGTERM)],
    ids=lambda value: getattr(value, "name", value),
)  # fmt: skip
def test_a_signal_during_an_export_leaves_what_was_there(
    big: Path, tmp_path: Path, sig: signal.Signals, output: str
) -> None:
    if output == "file":
        target = tmp_path / "stories.jsonl"
        target.write_text(PRECIOUS, encoding="utf-8")
        args = ["--format", "jsonl", "-o", str(target), "--force"]
        written = tmp_path / "stories.jsonl.partial"
    else:
        target = tmp_path / "bundle"
        args = ["--bundle", str(target)]
        written = tmp_path / "bundle.partial" / "stories.csv"
    process = newsarchive(
        "export", "--db", str(big), *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    wait_for(written, process)
    process.send_signal(signal.SIGSTOP)  # halfway, and held there while the signal is sent
    assert written.exists(), "the export finished before it could be stopped"
    process.send_signal(sig)
    process.send_signal(signal.SIGCONT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert (out, err) == ("", "newsarchive: interrupted\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == (
        ["stories.jsonl"] if output == "file" else []
    )
    if output == "file":
        assert target.read_text(encoding="utf-8") == PRECIOUS


@pytest.mark.parametrize("command", [["runs"], ["export", "--format", "jsonl"], ["db", "check"]])
def test_a_full_disk_behind_standard_output_is_one_line(db_path: Path, command: list[str]) -> None:
    with Archive.open(str(db_path)) as archive:
        stored(archive, [story(n) for n in range(1, 4)])
    with open("/dev/full", "w") as full:
        process = newsarchive(*command, "--db", str(db_path), stdout=full, stderr=subprocess.PIPE)
        _, err = process.communicate(timeout=60)
    assert process.returncode == CLIError.OUTPUT
    assert err == "newsarchive: error: cannot write the output: No space left on device\n"


def test_a_full_device_named_as_the_output_is_one_line(big: Path, cli) -> None:
    result = cli("export", "--db", big, "--tag", "Peru", "--format", "csv", "-o", "/dev/full", "--force")  # fmt: skip
    assert result.returncode == CLIError.OUTPUT
    assert result.stderr == "newsarchive: error: cannot write /dev/full: No space left on device\n"


def test_dev_stdout_is_written_through_the_descriptor_the_shell_opened(
    big: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text("earlier\n", encoding="utf-8")
    inode = log.stat().st_ino
    with log.open("a", encoding="utf-8") as appended:  # `>> log.jsonl`
        process = newsarchive(
            "export", "--db", str(big), "--format", "jsonl", "--tag", "Peru", "-o", "/dev/stdout",
            "--force", stdout=appended, stderr=subprocess.PIPE,
        )  # fmt: skip
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "earlier" and len(lines) == 2 and '"Headline 0"' in lines[1]
    assert log.stat().st_ino == inode  # appended to, not replaced
    assert os.path.islink("/dev/stdout")
    piped = newsarchive(
        "export", "--db", str(big), "--format", "jsonl", "--tag", "Peru", "-o", "/dev/stdout",
        "--force", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    out, err = piped.communicate(timeout=60)
    assert (piped.returncode, err) == (0, "")
    assert '"Headline 0"' in out


def test_a_symlink_is_written_through_and_kept(big: Path, tmp_path: Path, cli) -> None:
    target, link = tmp_path / "real.csv", tmp_path / "link.csv"
    target.write_text(PRECIOUS, encoding="utf-8")
    link.symlink_to(target.name)
    dangling, missing = tmp_path / "dangling.csv", tmp_path / "later.csv"
    dangling.symlink_to(missing.name)
    for output in (link, dangling):
        result = cli("export", "--db", big, "--format", "csv", "--tag", "Peru", "-o", output, "--force")  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert output.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("url,headline,")
    assert missing.read_text(encoding="utf-8").startswith("url,headline,")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "dangling.csv", "later.csv", "link.csv", "real.csv",
    ]  # fmt: skip


def test_a_character_device_is_written_in_place(big: Path, cli) -> None:
    result = cli("export", "--db", big, "--tag", "Peru", "--format", "csv", "-o", "/dev/null", "--force")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_folder_or_a_block_device_is_never_written(big: Path, tmp_path: Path, cli) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    result = cli("export", "--db", big, "--format", "csv", "-o", folder, "--force")
    assert result.returncode == CLIError.OUTPUT
    assert result.stderr == f"newsarchive: error: {folder} is a folder, not a file\n"
    assert not list(folder.iterdir())
    disk = tmp_path / "disk"
    try:
        os.mknod(disk, stat.S_IFBLK | 0o600, os.makedev(7, 0))  # a loop device's node
    except PermissionError:
        pytest.skip("cannot create a block device node here (needs CAP_MKNOD)")
    result = cli("export", "--db", big, "--format", "csv", "-o", disk, "--force")
    assert result.returncode == CLIError.OUTPUT
    assert result.stderr == (
        f"newsarchive: error: {disk} is a block device; newsarchive does not write to one\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["disk", "folder"]
