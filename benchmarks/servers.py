"""A fast static server on loopback for benchmarks: nginx when available, else Python's."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    types {{ text/html html; text/plain txt; }}
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def find_nginx() -> str | None:
    """The nginx binary; installs Debian's package when running as root and it is missing."""
    found = shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() and "/usr/sbin/nginx")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found or None
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, **quiet)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"],
        check=False, env=env, **quiet,
    )  # fmt: skip
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


@contextmanager
def static_server(root: Path, prefer_nginx: bool = True) -> Iterator[tuple[str, str]]:
    """Serve `root` on 127.0.0.1; yields (base URL, server name)."""
    port = free_port()
    nginx = find_nginx() if prefer_nginx else None
    with tempfile.TemporaryDirectory() as tmp:
        if nginx:
            conf = Path(tmp) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root.resolve()))
            command = [nginx, "-c", str(conf), "-p", tmp]
            name = "nginx"
        else:
            command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                       "--directory", str(root)]  # fmt: skip
            name = "python http.server"
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port)
            yield f"http://127.0.0.1:{port}", name
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def postgres_server() -> Iterator[str]:
    """$NEWSARCHIVE_TEST_POSTGRES_URL, else a throwaway server from scripts/test-postgres."""
    if url := os.environ.get("NEWSARCHIVE_TEST_POSTGRES_URL"):
        yield url
        return
    script = Path(__file__).resolve().parents[1] / "scripts" / "test-postgres"
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # the postgres user must reach its data directory
        started = subprocess.run(
            [str(script), "start", f"{tmp}/pg"], capture_output=True, text=True, check=True
        )
        try:
            yield started.stdout.strip().split("=", 1)[1]
        finally:
            subprocess.run([str(script), "stop", f"{tmp}/pg"], check=False)
