"""Run newsarchive in a fresh process, as tests need it.

python -m tests.crawlproc api JSON
    Run `newsarchive.crawl.crawl(**JSON)` and print its result, stats included, as JSON.
python -m tests.crawlproc cli [--pause-at POINT:N] -- ARGS...
    Run `newsarchive ARGS`; with a crash point, announce on stdout when the crawl reaches it:
    `sightings:N` after the N-th batch's sightings are inserted, inside its open transaction,
    then hang there (for the test to kill -9); `commit:N` as the N-th batch commit starts,
    without stopping (the kill races the commit itself), holding the next batch back until the
    kill comes; `fail:N` makes the N-th batch's
    sightings insert fail as a full disk would.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

MARKER = "CRASHPOINT"


def install_crash_point(spec: str) -> None:
    point, _, nth = spec.partition(":")
    wanted = int(nth or 1)
    batches = {"seen": 0, "open": False, "tried": 0}

    def before_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith("INSERT INTO SIGHTINGS"):
            return
        batches["tried"] += 1
        if point == "fail" and batches["tried"] == wanted:
            raise sqlite3.OperationalError("disk I/O error")
        if point == "commit" and batches["tried"] > wanted:
            time.sleep(600)  # the kill races commit N, never a later one (on a busy machine)

    def after_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith("INSERT INTO SIGHTINGS"):
            return
        batches["seen"] += 1
        batches["open"] = True
        if point == "sightings" and batches["seen"] == wanted:
            print(MARKER, flush=True)
            time.sleep(600)  # inside the transaction, until killed

    def commit(conn: Any) -> None:
        if batches["open"]:
            batches["open"] = False
            if point == "commit" and batches["seen"] == wanted:
                print(MARKER, flush=True)

    event.listen(Engine, "before_cursor_execute", before_execute)
    event.listen(Engine, "after_cursor_execute", after_execute)
    event.listen(Engine, "commit", commit)


def main(argv: list[str]) -> int:
    mode, rest = argv[0], argv[1:]
    if mode == "api":
        from newsarchive.crawl.api import crawl
        from newsarchive.crawl.options import CrawlOptions

        result = crawl(CrawlOptions(**json.loads(rest[0])))
        fields = ("status", "pages", "stories_new", "stories_existing", "errors", "failures")
        out = {name: getattr(result, name) for name in fields}
        out["stats"] = result.stats
        print(json.dumps(out, default=str))
        return 0
    if rest and rest[0] == "--pause-at":
        install_crash_point(rest[1])
        rest = rest[2:]
    if rest and rest[0] == "--":
        rest = rest[1:]
    from newsarchive.cli import main as cli_main

    return cli_main(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
