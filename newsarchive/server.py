"""A static HTTP server on 127.0.0.1 for the demo site and loopback crawls."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_directory(root: Path, port: int = 0) -> AbstractContextManager[str]:
    """Serve `root` on a free loopback port; yields the base URL, e.g. http://127.0.0.1:8123."""
    return serve_handler(partial(_QuietHandler, directory=str(root)), port)


@contextmanager
def serve_handler(handler: Callable[..., BaseHTTPRequestHandler], port: int = 0) -> Iterator[str]:
    """Serve requests with `handler` on loopback, in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
