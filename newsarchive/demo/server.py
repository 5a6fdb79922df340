"""The sample site's server on 127.0.0.1: it answers for http://dispatch.example/ only, as an
HTTP proxy would, in the state the demo sets between its crawls."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from newsarchive.demo import EARLIER, SITE, content_type, render
from newsarchive.server import serve_handler


@dataclass(slots=True)
class SampleSite:
    """The running site: its proxy address, and the state it shows (`EARLIER` or `LATER`)."""

    proxy: str
    state: str = EARLIER


@contextmanager
def serve_sample_site() -> Iterator[SampleSite]:
    """Serve the sample site on a free loopback port until the block ends."""
    site = SampleSite(proxy="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            target = urlsplit(self.path)
            # A proxy request names the site; a request to the server itself (a browser on
            # the printed address) is for the same site.
            if target.scheme and f"{target.scheme}://{target.netloc}" != SITE:
                self.send_error(403, "this server serves the sample site only")
                return
            body = render(target.path or "/", site.state)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", f"{content_type(target.path)}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serve_handler(Handler) as base:
        site.proxy = base
        yield site
