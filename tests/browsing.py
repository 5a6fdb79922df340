"""Archives to browse, and `newsarchive browse` run in a subprocess as a user would run it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsarchive.demo import all_stories
from newsarchive.server import serve_directory
from tests.helpers import FAST, FIXTURES, ROOT, free_port, run_cli

ARTIFACTS = ROOT / "tests" / "artifacts"


def demo_archive(data_dir: Path) -> Path:
    """The archive `make demo` builds: the bundled sample site crawled twice, two tags,
    37 stories, one headline rewritten."""
    result = run_cli("demo", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    db = data_dir / "demo.sqlite"
    assert result.stdout.splitlines()[-1].endswith(f"newsarchive browse --db {db}")
    return db


def dated_archive(data_dir: Path) -> Path:
    """The WordPress fixture's 50 stories, dated over five months: a timeline with a shape."""
    db = data_dir / "mining.sqlite"
    with serve_directory(FIXTURES / "wordpress_tag") as base:
        result = run_cli("crawl", f"{base}/tag/mining/", "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    return db


@contextmanager
def browsing(db: Path) -> Iterator[str]:
    """Run `newsarchive browse` on `db`; yields its base URL once it answers, stops it after.

    Its output goes to a file: a pipe nobody reads fills up with Datasette's tracebacks of
    refused writes, and then the server stops answering."""
    port = free_port()
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsarchive", "browse", "--db", str(db), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen, log, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"browse exited early: {log.read()}")
        try:
            with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"browse did not answer at {base} within {timeout} s")


def headlines_containing(text: str, tag: str | None = None) -> set[str]:
    """Demo headlines containing `text` (any case), of stories under `tag` if given."""
    return {
        story.headline
        for story in all_stories()
        if (tag is None or tag in story.tags) and text.lower() in story.headline.lower()
    }


def headlines_with_word(word: str, tag: str | None = None) -> set[str]:
    """Demo headlines of stories whose headline or teaser has `word` as a whole word."""
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    return {
        story.headline
        for story in all_stories()
        if (tag is None or tag in story.tags)
        and (pattern.search(story.headline) or pattern.search(story.teaser))
    }
