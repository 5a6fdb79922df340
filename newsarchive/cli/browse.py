"""`newsarchive browse`: explore the archive in a web browser with Datasette, read-only."""

from __future__ import annotations

import argparse
import sys
from importlib.util import find_spec
from pathlib import Path

from newsarchive.cli.errors import CLIError
from newsarchive.cli.options import add_db, archive_target, missing_archive_hint
from newsarchive.views.browse import DEFAULT_HOST, DEFAULT_PORT


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "browse",
        help="explore the archive in a web browser (Datasette, read-only)",
        description=(
            "Serve the archive read-only with Datasette: tables with descriptions and facets, "
            "search, ready-made queries and a coverage timeline. Needs the `browse` extra."
        ),
    )
    add_db(parser)
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, metavar="N",
        help=f"port to listen on (default: {DEFAULT_PORT})",
    )  # fmt: skip
    parser.add_argument(
        "--host", default=DEFAULT_HOST, metavar="ADDRESS",
        help=(
            f"address to listen on (default: {DEFAULT_HOST}, this machine only); "
            "any other address lets other machines read the archive"
        ),
    )  # fmt: skip
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from newsarchive.storage import DatabaseError
    from newsarchive.views.browse import server
    from newsarchive.views.browse.tables import inspect_archive

    if find_spec("datasette") is None:
        raise CLIError(
            "browse needs Datasette: pip install 'newsarchive[browse]' (make demo installs it)",
            CLIError.USAGE,
        )
    if not 0 < args.port < 65536:
        raise CLIError("--port must be between 1 and 65535", CLIError.USAGE)
    target = archive_target(args)
    db = _sqlite_file(target)
    try:
        tables = inspect_archive(db)
    except DatabaseError as error:
        hint = missing_archive_hint(target)
        if not hint:
            raise
        raise type(error)(f"{error}{hint}") from None
    if not server.port_is_free(args.host, args.port):
        raise CLIError(
            f"cannot listen on {args.host} port {args.port}: in use or not an address of this "
            "machine (choose another with --port or --host)",
            CLIError.USAGE,
        )
    if not server.is_loopback(args.host):
        print(
            f"newsarchive: warning: listening on {args.host}: anyone who can reach this machine "
            f"on port {args.port} can read the whole archive",
            file=sys.stderr,
        )
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Browsing {db} read-only at http://{host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    return server.serve(db, tables, host=args.host, port=args.port)


def _sqlite_file(target: str | None) -> Path:
    from newsarchive.storage import sqlite_path

    path = sqlite_path(target)
    if path is None:
        raise CLIError(
            "browse needs a SQLite archive file (Datasette serves SQLite only)", CLIError.USAGE
        )
    return path
