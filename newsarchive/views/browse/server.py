"""Running Datasette on an archive: read-only, on loopback unless told otherwise.

Datasette runs as a child process through its command line (`python -m datasette serve`): that
is its documented, stable interface, it brings its own server and signal handling, and the
generated metadata is an ordinary file one can read. Datasette reads the archive read-only
(SQLite's `mode=ro`): it sees every committed change, also those still in the write-ahead log
of a crawl that runs or was killed, and its queries cannot write; no write query is configured.
On a read-only mount, where nothing can change the file, it is opened immutable (`-i`).
"""

from __future__ import annotations

import ipaddress
import json
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from newsarchive.storage.sqlite_file import is_frozen
from newsarchive.views.browse.metadata import build_metadata
from newsarchive.views.browse.tables import ArchiveTables

PLUGINS = Path(__file__).with_name("plugins")
TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
# Weekly counts over years of daily crawls take longer than Datasette's 1 s default, and the
# timeline needs every (week, tag) row at once: years of weeks times dozens of tags.
SETTINGS = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 1000, "max_returned_rows": 20000}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def datasette_command(db: Path, metadata_file: Path, *, host: str, port: int) -> list[str]:
    settings: list[str] = []
    for name, value in SETTINGS.items():
        settings += ["--setting", name, str(value)]
    # `serve FILE` reads through mode=ro connections; `-i FILE` assumes the file never changes.
    opened = ["-i", str(db)] if is_frozen(db) else [str(db)]
    return [
        sys.executable, "-m", "datasette", "serve",
        *opened,
        "--metadata", str(metadata_file),
        "--plugins-dir", str(PLUGINS),
        "--template-dir", str(TEMPLATES),
        "--static", f"newsarchive:{STATIC}",
        "--host", host,
        "--port", str(port),
        *settings,
    ]  # fmt: skip


def serve(db: Path, tables: ArchiveTables, *, host: str, port: int) -> int:
    """Serve the archive at `db` until Datasette exits or Ctrl-C; returns Datasette's status."""
    metadata = build_metadata(db.stem, tables)
    with tempfile.TemporaryDirectory(prefix="newsarchive-browse-") as work:
        metadata_file = Path(work) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        child = subprocess.Popen(datasette_command(db, metadata_file, host=host, port=port))
        # Stopping newsarchive (kill, a service manager) stops Datasette rather than orphan it.
        previous = signal.signal(signal.SIGTERM, lambda *_: child.terminate())
        try:
            return child.wait()
        except KeyboardInterrupt:
            # The terminal sent Ctrl-C to Datasette too; let it finish shutting down.
            child.wait()
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
