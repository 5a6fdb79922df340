"""pywb on loopback for the tests: collections of WARC or WACZ files, and captures to fill them.

pywb is the replay tool archivists run; the tests load what newsarchive writes into it, and
backfill from its CDX API and replay, rather than from an imitation. It lives in an environment
of its own (tests/pywb-requirements.txt; `make test` installs it into .venv-pywb).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.helpers import ROOT, free_port

PYWB_BIN = Path(os.environ.get("NEWSARCHIVE_TEST_PYWB", ROOT / ".venv-pywb" / "bin"))
requires_pywb = pytest.mark.skipif(
    not (PYWB_BIN / "wayback").is_file(),
    reason=f"pywb not installed in {PYWB_BIN} (make test installs it; see tests/pywb-requirements.txt)",
)


@dataclass(frozen=True, slots=True)
class Page:
    """A page as a web archive captured it: its URL, when, and the HTML served."""

    url: str
    captured_at: datetime
    html: str


def write_captures(path: Path, pages: Sequence[Page]) -> Path:
    """A WARC file of these captures, as a web archive's crawler would have written it."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for page in pages:
            body = page.html.encode("utf-8")
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            date = page.captured_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            writer.write_record(
                writer.create_warc_record(
                    page.url,
                    "response",
                    payload=BytesIO(body),
                    length=len(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": date},
                )
            )
    return path


class Wayback:
    """A running pywb: `add(collection, files)`, then `cdx(collection)` and `replay(collection)`
    name its CDX API and its replay prefix."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.base = root, f"http://127.0.0.1:{port}"

    def add(self, collection: str, files: Sequence[Path]) -> None:
        """Create the collection and index the files into it (WACZ files are unpacked)."""
        manage = [str(PYWB_BIN / "wb-manager")]
        subprocess.run(
            [*manage, "init", collection], cwd=self.root, check=True, capture_output=True
        )
        for file in files:
            unpack = ["--unpack-wacz"] if file.suffix == ".wacz" else []
            subprocess.run(
                [*manage, "add", *unpack, collection, str(file)],
                cwd=self.root, check=True, capture_output=True,
            )  # fmt: skip

    def cdx(self, collection: str) -> str:
        return f"{self.base}/{collection}/cdx"

    def replay(self, collection: str) -> str:
        return f"{self.base}/{collection}/"

    def get(self, url: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()


@contextmanager
def wayback(root: Path) -> Iterator[Wayback]:
    """pywb's `wayback` serving the collections under `root`, on a free loopback port."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (root / "wayback.log").open("wb")
    process = subprocess.Popen(
        [str(PYWB_BIN / "wayback"), "-b", "127.0.0.1", "-p", str(port), "-d", str(root)],
        cwd=root, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pywb did not start: {(root / 'wayback.log').read_text()}")
            time.sleep(0.1)
        yield Wayback(root, port)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
