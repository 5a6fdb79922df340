"""Backfill: a tag's listing history from a web archive, against pywb serving WARC files of the
tag's pages captured at three dates (stories added, a headline edited, a story dropped)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsarchive.cli.errors import CLIError
from tests.faultserver import FaultServer, page, status
from tests.helpers import FAST, ROOT, free_port, rows, run_cli, stored, story
from tests.replay import Page, Wayback, requires_pywb, wayback, write_captures
from tests.sites import ARTICLE, PAGE

pytestmark = requires_pywb

SITE = "https://news.example.org"
TAG = f"{SITE}/tag/peru/"
MARCH, JUNE, JANUARY = (
    datetime(2019, 3, 1, 10, tzinfo=UTC), datetime(2019, 6, 1, 10, tzinfo=UTC),
    datetime(2020, 1, 1, 9, tzinfo=UTC),
)  # fmt: skip
HEADLINES = {f"s{n}": f"Story {n} in Peru" for n in range(1, 9)}
EDITED = "Story 1 in Peru, corrected"


def listing(stories: list[str], next_page: str | None, edited: bool = False) -> str:
    articles = "\n".join(
        ARTICLE.format(
            url=f"/2019/{slug}/",
            headline=EDITED if edited and slug == "s1" else HEADLINES[slug],
        )
        for slug in stories
    )
    nav = f'<a class="next page-numbers" href="{next_page}">Next</a>' if next_page else ""
    return PAGE.format(tag="Peru", head="", articles=articles, nav=nav)


PAGE_2 = f"{TAG}page/2/"
CAPTURES = [
    Page(TAG, MARCH, listing(["s1", "s2", "s3", "s4"], "/tag/peru/page/2/")),
    Page(PAGE_2, MARCH.replace(minute=1), listing(["s5", "s6"], None)),
    # June: s7 is new, s1's headline was corrected, s6 dropped off the tag.
    Page(TAG, JUNE, listing(["s7", "s1", "s2", "s3"], "/tag/peru/page/2/", edited=True)),
    Page(PAGE_2, JUNE.replace(minute=1), listing(["s4", "s5"], None)),
    Page(TAG, JANUARY, listing(["s8", "s7", "s1", "s2"], "/tag/peru/page/2/", edited=True)),
    # Page 2 unchanged since June: the CDX API collapses it (the same digest).
    Page(PAGE_2, JANUARY.replace(minute=1), listing(["s4", "s5"], None)),
    # Under the tag's prefix but not its listing pages: a feed, another tag, a missing page.
    Page(f"{TAG}feed/", MARCH, "<rss></rss>"),
    Page(f"{SITE}/tag/peru-food/", MARCH, listing(["s1"], None)),
]
# Fetched in all: page 1 at three dates, page 2 at two.
FETCHED = 5


@pytest.fixture(scope="module")
def archive_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Wayback]:
    root = tmp_path_factory.mktemp("pywb")
    warc = write_captures(root / "captures.warc.gz", CAPTURES)
    with wayback(root / "web") as server:
        server.add("peru", [warc])
        yield server


def backfill(server: Wayback, db: Path | str, *args: str) -> object:
    return run_cli(
        "backfill", TAG, "--db", str(db), "--cdx", server.cdx("peru"),
        "--replay", server.replay("peru"), *args, *FAST,
    )  # fmt: skip


def first_seen(db: Path | str) -> dict[str, str]:
    return {
        url.rstrip("/").rsplit("/", 1)[-1]: str(seen)[:19]
        for url, seen in rows(db, "SELECT url, first_seen_at FROM stories")
    }


def test_backfill_rebuilds_the_tag_history_from_the_captures(
    archive_server: Wayback, db: str, cli
) -> None:
    done = backfill(archive_server, db)
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr and "warning" not in done.stderr
    # Every story once, first seen at its earliest capture.
    march, june, january = (
        moment.strftime("%Y-%m-%d %H:%M:%S") for moment in (MARCH, JUNE, JANUARY)
    )
    march_p2 = MARCH.replace(minute=1).strftime("%Y-%m-%d %H:%M:%S")
    assert first_seen(db) == {
        "s1": march, "s2": march, "s3": march, "s4": march, "s5": march_p2, "s6": march_p2,
        "s7": june, "s8": january,
    }  # fmt: skip
    # Sightings dated at the captures, each naming its capture.
    sightings = rows(
        db,
        "SELECT s.seen_at, s.page_number, s.position, c.timestamp FROM sightings s "
        "JOIN stories st ON st.id = s.story_id JOIN archived_captures c "
        "ON c.id = s.archived_capture_id WHERE st.url LIKE '%/s1/' ORDER BY s.seen_at",
    )
    assert [(str(seen)[:19], *rest) for seen, *rest in sightings] == [
        (march, 1, 1, "20190301100000"),
        (june, 1, 2, "20190601100000"),
        (january, 1, 3, "20200101090000"),
    ]
    assert rows(db, "SELECT count(*) FROM archived_captures") == [(FETCHED,)]
    # The edit is in the history, in capture order.
    history = cli("history", f"{SITE}/2019/s1/", "--db", db, "--json")
    timeline = json.loads(history.stdout)
    assert [v["headline"] for v in timeline["versions"]] == [HEADLINES["s1"]]
    assert timeline["versions"][0]["replaced_at"].startswith("2019-06-01T10:00:00")
    assert timeline["story"]["headline"] == EDITED
    text = cli("history", f"{SITE}/2019/s1/", "--db", db).stdout
    assert f"read from {archive_server.replay('peru')}20190301100000id_/{TAG}" in text
    # The captured bytes are in the run's WARC file, at their original URLs and capture times.
    records = rows(db, "SELECT kind, url, recorded_at FROM warc_records ORDER BY recorded_at")
    assert [(kind, url) for kind, url, _ in records] == [
        ("response", TAG), ("response", PAGE_2), ("response", TAG), ("response", PAGE_2),
        ("response", TAG),
    ]  # fmt: skip
    assert str(records[0][2]).startswith(march)
    runs = cli("runs", "--db", db, "--json")
    (run,) = [json.loads(line) for line in runs.stdout.splitlines()]
    assert (run["status"], run["pages"], run["walks"][0]["mode"]) == (
        "finished",
        FETCHED,
        "backfill",
    )
    assert run["walks"][0]["end_reason"] == "last_capture"

    # Reparse reads the captures from the WARC file again: the same sightings, same captures.
    kept = "SELECT story_id, seen_at, page_number, position, archived_capture_id FROM sightings"
    before = sorted(rows(db, kept))
    reparsed = cli("reparse", "--run", "1", "--db", db)
    assert reparsed.returncode == 0, reparsed.stderr
    assert f"Run 1: {FETCHED} page(s)" in reparsed.stdout
    assert sorted(rows(db, kept)) == before

    # A second backfill reads nothing again and adds nothing.
    count = rows(db, "SELECT count(*) FROM sightings")
    again = backfill(archive_server, db)
    assert again.returncode == 0, again.stderr
    assert rows(db, "SELECT count(*) FROM sightings") == count
    assert rows(db, "SELECT status, pages, stories_new FROM crawl_runs WHERE id = 2") == [
        ("finished", 0, 0)
    ]
    # The dry run shows the selection: every capture read before.
    listed = backfill(archive_server, db, "--dry-run")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("  read before  ") == FETCHED
    assert f"{FETCHED} capture(s) of 1 start URL(s): 0 to fetch" in listed.stdout
    assert rows(db, "SELECT count(*) FROM crawl_runs") == [(2,)]  # a dry run records no run


def test_a_backfill_places_old_captures_before_a_crawl_of_today(
    archive_server: Wayback, tmp_path: Path
) -> None:
    """The archive already has s1 from a crawl of 2024: its 2019 captures go before it."""
    db = tmp_path / "archive.sqlite"
    from newsarchive.storage import Archive

    with Archive.open(str(db)) as archive:
        stored(archive, [story(1, url=f"{SITE}/2019/s1/", headline="Story 1, 2024 version")])
    done = backfill(archive_server, db, "--until", "2019-12-31", "--max-captures", "3")
    assert done.returncode == 0, done.stderr
    headlines = rows(
        db, "SELECT headline, first_seen_at, replaced_in_run_id FROM story_versions ORDER BY 2"
    )
    assert headlines == [
        (HEADLINES["s1"], f"{MARCH:%Y-%m-%d %H:%M:%S}.000000", 2),
        (EDITED, f"{JUNE:%Y-%m-%d %H:%M:%S}.000000", 1),
    ]
    assert rows(db, "SELECT headline, first_run_id FROM stories WHERE url LIKE '%/s1/'") == [
        ("Story 1, 2024 version", 2)
    ]
    # Three captures of the four in 2019, spread over the period: the first and last kept.
    assert rows(db, "SELECT timestamp FROM archived_captures ORDER BY 1") == [
        ("20190301100000",), ("20190601100000",), ("20190601100100",),
    ]  # fmt: skip


def ia_answer(server: Wayback) -> bytes:
    """The pywb collection's captures as the Internet Archive's CDX API lists them."""
    status_code, body = server.get(
        f"{server.cdx('peru')}?url=news.example.org/tag/peru&matchType=prefix&output=json"
    )
    assert status_code == 200
    fields = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
    names = {"original": "url", "mimetype": "mime", "statuscode": "status"}
    table = [fields] + [
        [json.loads(line)[names.get(name, name)] for name in fields]
        for line in body.decode().splitlines()
    ]
    return json.dumps(table).encode()


def test_an_internet_archive_style_answer_is_read_too(
    archive_server: Wayback, tmp_path: Path, faults: FaultServer
) -> None:
    answer = ia_answer(archive_server)
    faults.fallback = lambda path, n: (
        page(answer, content_type="application/json") if path.startswith("/cdx") else None
    )
    db = tmp_path / "archive.sqlite"
    done = run_cli(
        "backfill", TAG, "--db", str(db), "--cdx", f"{faults.base}/cdx",
        "--replay", archive_server.replay("peru"), *FAST,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert rows(db, "SELECT count(*) FROM archived_captures") == [(FETCHED,)]
    assert rows(db, "SELECT count(*) FROM stories") == [(8,)]


def test_a_capture_answered_429_is_fetched_after_the_wait_asked(
    archive_server: Wayback, tmp_path: Path, faults: FaultServer
) -> None:
    capture = f"/peru/20190301100000id_/{TAG}"
    _, body = archive_server.get(archive_server.base + capture)
    answer = json.dumps(
        {
            "timestamp": "20190301100000",
            "url": TAG,
            "mime": "text/html",
            "status": "200",
            "digest": "A",
        }
    ).encode()
    faults.fallback = lambda path, n: page(answer) if path.startswith("/cdx") else None
    faults.route(capture, status(429, Retry_After="1"), page(body))
    db = tmp_path / "archive.sqlite"
    done = run_cli(
        "backfill", TAG, "--db", str(db), "--cdx", f"{faults.base}/cdx",
        "--replay", f"{faults.base}/peru/", *FAST, "-s", "RETRY_TIMES=2",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    hits = faults.hits(capture)
    assert len(hits) == 2 and hits[1].at - hits[0].at >= 0.9
    assert rows(db, "SELECT count(*) FROM stories") == [(4,)]


def test_a_web_archive_that_keeps_answering_429_stops_the_backfill_until_later(
    archive_server: Wayback, tmp_path: Path, faults: FaultServer
) -> None:
    answer = "\n".join(
        json.dumps(
            {"timestamp": ts, "url": TAG, "mime": "text/html", "status": "200", "digest": ts}
        )
        for ts in ("20190301100000", "20190601100000", "20200101090000")
    ).encode()
    faults.fallback = lambda path, n: (
        page(answer) if path.startswith("/cdx") else status(429, Retry_After="0")
    )
    db = tmp_path / "archive.sqlite"
    done = run_cli(
        "backfill", TAG, "--db", str(db), "--cdx", f"{faults.base}/cdx",
        "--replay", f"{faults.base}/peru/", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    )  # fmt: skip
    assert done.returncode == CLIError.WEB_ARCHIVE, done.stderr
    assert "429 Too Many Requests: stopped after 0 of 3" in done.stderr
    assert rows(db, "SELECT status FROM crawl_runs") == [("interrupted",)]
    assert len([hit for hit in faults.log if "id_" in hit.path]) == 1  # it stopped at once


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (None, "Connection refused"),
        (status(500), "HTTP 500"),
        (page("<html>Service unavailable</html>"), "not a CDX answer in JSON"),
    ],
    ids=["unreachable", "erroring", "not-cdx"],
)
def test_a_cdx_api_that_fails_gives_one_line_and_loses_nothing(
    tmp_path: Path, faults: FaultServer, answer: object, reason: str
) -> None:
    db = tmp_path / "archive.sqlite"
    from newsarchive.storage import Archive

    with Archive.open(str(db)) as archive:
        stored(archive, [story(1), story(2)])
    before = rows(db, "SELECT * FROM stories ORDER BY id")
    if answer is None:
        cdx = f"http://127.0.0.1:{free_port()}/cdx"
    else:
        faults.fallback = lambda path, n: answer
        cdx = f"{faults.base}/cdx"
    done = run_cli("backfill", TAG, "--db", str(db), "--cdx", cdx, *FAST)
    assert done.returncode == CLIError.WEB_ARCHIVE, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"newsarchive: error: cannot list the captures of {TAG}")
    assert reason in done.stderr
    assert rows(db, "SELECT * FROM stories ORDER BY id") == before
    assert rows(db, "SELECT status FROM crawl_runs ORDER BY id") == [("finished",), ("failed",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cdx", "ftp://x/cdx"], "--cdx is not an http(s) URL"),
        (["--max-captures", "0"], "--max-captures must be at least 1"),
        (["--since", "2020-01-01", "--until", "2019-01-01"], "is after --until"),
        (["--since", "last year"], "expected a date"),
    ],
)
def test_bad_backfill_options_are_usage_errors(
    cli, tmp_path: Path, args: list, message: str
) -> None:
    done = cli("backfill", TAG, "--db", tmp_path / "a.sqlite", *args)
    assert done.returncode == CLIError.USAGE
    assert message in done.stderr
    assert not (tmp_path / "a.sqlite").exists()


def test_scrapy_crawl_backfill_ends_as_newsarchive_backfill(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    unreachable = f"http://127.0.0.1:{free_port()}/cdx"
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "backfill", "-a", f"url={TAG}",
         "-a", f"cdx={unreachable}", "-s", f"NEWSARCHIVE_DB={db}", "-s", "LOG_LEVEL=ERROR", *FAST],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == CLIError.WEB_ARCHIVE, done.stderr
    assert f"newsarchive: error: cannot list the captures of {TAG}" in done.stderr
    assert rows(db, "SELECT status FROM crawl_runs") == [("failed",)]
