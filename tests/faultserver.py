"""A misbehaving HTTP server on loopback: each path answers with a scripted fault.

`server.route(path, reply1, reply2, ...)`: the n-th request for `path` gets the n-th reply, the
last one repeats; `server.fallback(path, n)` may answer the rest (endless generated sites). Every request is logged (path, monotonic time, headers) for the test to inspect.
Replies that hang (a stalled body, a server that never answers) wait until the server stops.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = Callable[["FaultHandler"], None]
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    at: float
    headers: dict[str, str]


class FaultHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.owner.handle(self)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FaultServer


class FaultServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, list[Reply]] = {}
        # Answers paths without a route (endless generated sites); None means 404.
        self.fallback: Callable[[str, int], Reply | None] | None = None
        self.log: list[Hit] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server((host, 0), FaultHandler)
        self._server.owner = self
        self.base = f"http://{host}:{self._server.server_address[1]}"

    def route(self, path: str, *replies: Reply) -> str:
        """Script the replies for `path`; returns its absolute URL."""
        self.routes[path] = list(replies)
        return self.base + path

    def hits(self, path: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.log if hit.path == path]

    def handle(self, handler: FaultHandler) -> None:
        with self._lock:
            self.log.append(Hit(handler.path, time.monotonic(), dict(handler.headers.items())))
            count = sum(1 for hit in self.log if hit.path == handler.path)
        replies = self.routes.get(handler.path)
        if replies:
            replies[min(count, len(replies)) - 1](handler)
            return
        reply = self.fallback(handler.path, count) if self.fallback else None
        if reply is None:
            handler.send(404, b"not found", {"Content-Type": "text/plain"})
        else:
            reply(handler)

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def fault_server(host: str = "127.0.0.1") -> Iterator[FaultServer]:
    server = FaultServer(host)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- replies ----------------------------------------------------------------------------------


def page(body: str | bytes, status: int = 200, content_type: str = HTML, **headers: str) -> Reply:
    data = body.encode("utf-8") if isinstance(body, str) else body
    all_headers = {"Content-Type": content_type, **_header_names(headers)}
    return lambda handler: handler.send(status, data, all_headers)


def status(code: int, **headers: str) -> Reply:
    return page(f"HTTP {code}", code, "text/plain", **headers)


def redirect(location: str, code: int = 302) -> Reply:
    return lambda handler: handler.send(code, b"", {"Location": location})


def stall(body_prefix: bytes = b"", reached: threading.Event | None = None) -> Reply:
    """Send the headers and `body_prefix` of a longer page, then nothing until the server stops."""

    def reply(handler: FaultHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", str(len(body_prefix) + 100_000))
        handler.end_headers()
        handler.wfile.write(body_prefix)
        handler.wfile.flush()
        if reached is not None:
            reached.set()
        handler.server.owner.released.wait(60)

    return reply


def reset(body_prefix: bytes) -> Reply:
    """Promise a long body, send part of it, then reset the connection (TCP RST)."""

    def reply(handler: FaultHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", str(len(body_prefix) * 10))
        handler.end_headers()
        handler.wfile.write(body_prefix)
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()

    return reply


def huge(size: int, declare_length: bool = True) -> Reply:
    """A body of `size` bytes of HTML, with or without a Content-Length to warn the client."""

    def reply(handler: FaultHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        if declare_length:
            handler.send_header("Content-Length", str(size))
        handler.end_headers()
        chunk = b"<p>" + b"x" * 65_529 + b"</p>\n"
        sent = 0
        try:
            while sent < size:
                handler.wfile.write(chunk[: size - sent])
                sent += len(chunk)
        except OSError:
            pass  # the client hung up once it had seen enough: what the test wants
        handler.close_connection = True

    return reply


def gzip_bomb(html: str, padding: int) -> Reply:
    """`html` then `padding` spaces, gzip-compressed: tiny on the wire, huge once decompressed."""
    compressed = gzip.compress(html.encode("utf-8") + b" " * padding, compresslevel=9)
    return page(compressed, content_type=HTML, Content_Encoding="gzip")


def _header_names(headers: dict[str, str]) -> dict[str, str]:
    """Keyword arguments name headers with underscores: Retry_After -> Retry-After."""
    return {name.replace("_", "-"): value for name, value in headers.items()}


def slow(reply: Reply, seconds: float) -> Reply:
    """`reply`, after `seconds`: a server that takes its time."""

    def delayed(handler: FaultHandler) -> None:
        time.sleep(seconds)
        reply(handler)

    return delayed
