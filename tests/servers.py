"""Real servers on loopback for the frontier tests: redis-server, and a site that logs requests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.helpers import free_port


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def redis_binary() -> str | None:
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A private redis-server on a free loopback port, without persistence; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [redis_binary() or "redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not _listening(port):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True, slots=True)
class Hit:
    at: float  # time.monotonic() when the request arrived
    path: str
    agent: str


class _RecordingHandler(SimpleHTTPRequestHandler):
    hits: list[Hit]
    lock: threading.Lock
    latency: float

    def do_GET(self) -> None:
        with self.lock:
            self.hits.append(Hit(time.monotonic(), self.path, self.headers.get("User-Agent", "")))
        time.sleep(self.latency)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def recording_server(root: Path, latency: float = 0.0) -> Iterator[tuple[str, list[Hit]]]:
    """Serve `root` on loopback, answering each request after `latency` seconds; yields the base
    URL and the list of requests received, in order of arrival."""
    hits: list[Hit] = []
    handler = type(
        "Handler",
        (_RecordingHandler,),
        {"hits": hits, "lock": threading.Lock(), "latency": latency},
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
