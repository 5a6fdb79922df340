"""Two daily crawls of a loopback tag whose listing changes in between, as cron would run them.

Day 2 has three new stories on top, an edited headline, a removed story and a sticky story
pinned on page 1. The crawls run once per module; each test reads what they left.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newsarchive.server import serve_directory
from tests import newsroom
from tests.helpers import FAST, run_cli


@dataclass
class Crawled:
    base: str
    db: Path
    warc_dir: Path
    day_one: object
    day_two: object
    pages_day_one: int
    pages_day_two: int


def query(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Iterator[Crawled]:
    folder = tmp_path_factory.mktemp("newsroom")
    site, db = folder / "site", folder / "archive.sqlite"
    pages_one = newsroom.day_one(site)
    with serve_directory(site) as base:
        url = base + newsroom.TAG_PATH
        first = run_cli("crawl", url, "--db", str(db), *FAST)
        pages_two = newsroom.day_two(site)
        second = run_cli("crawl", url, "--db", str(db), *FAST)
        yield Crawled(base, db, folder / "warc", first, second, pages_one, pages_two)


def test_both_runs_succeed(crawled: Crawled) -> None:
    assert crawled.day_one.returncode == 0, crawled.day_one.stderr
    assert crawled.day_two.returncode == 0, crawled.day_two.stderr


def test_first_run_walks_every_page_the_second_only_until_known_stories(crawled: Crawled) -> None:
    walks = query(crawled.db, "SELECT run_id, mode, pages, end_reason FROM listing_walks")
    assert walks == [
        (1, "full", crawled.pages_day_one, "last_page"),
        # Page 1 brings the new stories; pages 2 and 3 bring none: stop (K = 2) before page 4.
        (2, "incremental", 3, "known_stories"),
    ]
    assert crawled.pages_day_two == 4
    assert query(crawled.db, "SELECT pages FROM crawl_runs ORDER BY id") == [(3,), (3,)]


def test_new_stories_are_archived_and_nothing_is_lost(crawled: Crawled) -> None:
    urls = {url for (url,) in query(crawled.db, "SELECT url FROM stories")}
    every = [slug for slug, _, _ in newsroom.DAY_ONE + newsroom.NEW_ON_DAY_TWO]
    expected = {newsroom.story_url(crawled.base, slug) for slug in every}
    expected.add(newsroom.story_url(crawled.base, newsroom.STICKY["slug"]))
    assert urls == expected
    assert query(crawled.db, "SELECT stories_new FROM crawl_runs ORDER BY id") == [(13,), (3,)]


def test_edited_headline_is_in_the_history(crawled: Crawled, cli) -> None:
    url = newsroom.story_url(crawled.base, newsroom.EDITED_SLUG)
    old = dict((slug, headline) for slug, headline, _ in newsroom.DAY_ONE)[newsroom.EDITED_SLUG]
    result = cli("history", url, "--db", crawled.db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == newsroom.EDITED_HEADLINE
    versions = lines.index("Versions (oldest first)")
    assert lines[versions + 2] == f"    headline: {old}"
    assert lines[versions + 3].endswith("(current)")
    assert lines[versions + 4] == f"    headline: {newsroom.EDITED_HEADLINE}"
    timeline = json.loads(cli("history", url, "--db", crawled.db, "--json").stdout)
    (version,) = timeline["versions"]
    assert version["headline"] == old
    assert version["replaced_in_run_id"] == 2
    assert version["first_seen_at"] <= version["last_seen_at"] < version["replaced_at"]


def test_unchanged_stories_have_no_versions(crawled: Crawled) -> None:
    assert query(crawled.db, "SELECT count(*) FROM story_versions") == [(1,)]


def test_removed_story_dropped_off_page_one(crawled: Crawled, cli) -> None:
    url = newsroom.story_url(crawled.base, newsroom.REMOVED_SLUG)
    timeline = json.loads(cli("history", url, "--db", crawled.db, "--json").stdout)
    (tag,) = timeline["tags"]
    assert tag["tag"] == "Perú"
    assert tag["first_on_front_at"] == tag["last_on_front_at"]
    assert tag["left_front_run"] == 2
    assert [s["run_id"] for s in timeline["sightings"]] == [1]


def test_sticky_story_stays_on_page_one(crawled: Crawled, cli) -> None:
    url = newsroom.story_url(crawled.base, newsroom.STICKY["slug"])
    timeline = json.loads(cli("history", url, "--db", crawled.db, "--json").stdout)
    (tag,) = timeline["tags"]
    assert tag["left_front_at"] is None
    assert [(s["run_id"], s["page_number"], s["position"]) for s in timeline["sightings"]] == [
        (1, 1, 1),
        (2, 1, 1),
    ]


def test_each_run_wrote_one_warc_with_request_and_response_records(crawled: Crawled) -> None:
    files = sorted(crawled.warc_dir.glob("*.warc.gz"))
    assert len(files) == 2
    with files[1].open("rb") as stream:
        everything = list(_records(stream))
    assert everything[0][0] == "warcinfo"
    # The listing pages' records (robots.txt, the feed and the sitemaps have their own).
    listing = re.compile(re.escape(crawled.base + newsroom.TAG_PATH) + r"(page/\d+/)?$")
    records = [
        (kind, headers, body)
        for kind, headers, body in everything
        if listing.match(headers.get_header("WARC-Target-URI") or "")
    ]
    kinds = [kind for kind, _, _ in records]
    assert kinds.count("response") == kinds.count("request") == 3
    for kind, headers, _ in records:
        assert headers.get_header("WARC-Date")
        if kind == "response":
            assert headers.get_header("WARC-Payload-Digest").startswith("sha1:")
    urls = [
        headers.get_header("WARC-Target-URI") for kind, headers, _ in records if kind == "response"
    ]
    assert urls == [crawled.base + newsroom.TAG_PATH + p for p in ("", "page/2/", "page/3/")]
    with gzip.open(files[1]) as whole:  # one valid gzip stream of members, readable by any tool
        assert whole.read().startswith(b"WARC/1.1")


def _records(stream) -> Iterator[tuple]:
    for record in ArchiveIterator(stream):
        yield record.rec_type, record.rec_headers, record.content_stream().read()


def test_each_sighting_points_at_its_pages_response_record(crawled: Crawled) -> None:
    rows = query(
        crawled.db,
        "SELECT w.path, s.warc_offset, s.listing_url, st.headline FROM sightings s "
        "JOIN warc_files w ON w.id = s.warc_file_id JOIN stories st ON st.id = s.story_id "
        "WHERE s.run_id = 2",
    )
    assert len(rows) == 13
    for path, offset, listing_url, headline in rows:
        with open(path, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Target-URI") == listing_url
            assert headline.encode() in record.content_stream().read()


def test_runs_lists_both_runs_with_their_figures(crawled: Crawled, cli) -> None:
    result = cli("runs", "--db", crawled.db)
    assert result.returncode == 0, result.stderr
    header, second, first = result.stdout.splitlines()
    assert header.split()[:4] == ["ID", "STARTED", "(UTC)", "SECONDS"]
    assert second.split()[0] == "2" and "incremental" in second and "Perú" in second
    assert first.split()[0] == "1" and " full " in first
    runs = [
        json.loads(line) for line in cli("runs", "--db", crawled.db, "--json").stdout.splitlines()
    ]
    assert [(r["id"], r["pages"], r["stories_new"]) for r in runs] == [(2, 3, 3), (1, 3, 13)]
    assert runs[0]["warc_files"][0].endswith("-run2.warc.gz")
    assert runs[0]["settings"]["NEWSARCHIVE_STOP_AFTER"] == 2


def test_search_finds_new_and_edited_stories(crawled: Crawled, cli) -> None:
    result = cli("search", "litio", "--db", crawled.db)
    assert result.returncode == 0, result.stderr
    assert "1. Comunidades exigen consulta previa sobre el [litio]" in result.stdout
    edited = cli("search", "votación exprés", "--db", crawled.db, "--json")
    (hit,) = [json.loads(line) for line in edited.stdout.splitlines()]
    assert hit["url"] == newsroom.story_url(crawled.base, newsroom.EDITED_SLUG)
    # The index follows the edit: the old wording no longer finds the story.
    gone = cli("search", '"sin debate"', "--db", crawled.db)
    assert gone.stdout.strip() == "No stories match."


def test_reparse_from_warc_reproduces_the_stories(crawled: Crawled, tmp_path: Path) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(crawled.db, db)
    columns = "url, headline, teaser, published_at, first_seen_at, last_seen_at, first_run_id"
    stories = query(db, f"SELECT {columns} FROM stories ORDER BY url")
    seen = "SELECT story_id, run_id, page_number, position, seen_at, warc_offset FROM sightings ORDER BY 1, 2"
    sightings = query(db, seen)
    # What a broken extractor would have left: a wrong headline and a run without sightings.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stories SET headline = 'Menu' WHERE url LIKE '%paro-agrario%'")
        conn.execute("DELETE FROM sightings WHERE run_id = 2")
    result = run_cli("reparse", "--db", str(db))  # the loopback server is gone: no network
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Run 1: 3 page(s), 13 stories (0 new to the archive)",
        "Run 2: 3 page(s), 13 stories (0 new to the archive)",
    ]
    assert query(db, f"SELECT {columns} FROM stories ORDER BY url") == stories
    assert query(db, seen) == sightings
    assert query(db, "SELECT count(*) FROM story_versions") == [(1,)]


def test_reparse_adds_stories_an_earlier_extraction_missed(
    crawled: Crawled, tmp_path: Path
) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(crawled.db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM stories WHERE url LIKE '%litio-consulta-previa%'")
    result = run_cli("reparse", "--db", str(db), "--run", "2")
    assert result.stdout.strip() == "Run 2: 3 page(s), 13 stories (1 new to the archive)"
    assert query(db, "SELECT first_run_id FROM stories WHERE url LIKE '%litio-consulta%'") == [(2,)]


def test_reparse_without_the_warc_file_leaves_the_run_alone(
    crawled: Crawled, tmp_path: Path
) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(crawled.db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE warc_files SET path = path || '.moved' WHERE run_id = 1")
    before = query(db, "SELECT count(*) FROM sightings WHERE run_id = 1")
    result = run_cli("reparse", "--db", str(db))
    assert result.returncode == 11
    assert "Run 1: skipped, WARC file not found" in result.stdout
    assert result.stderr.count("\n") == 1 and "not found" in result.stderr
    assert query(db, "SELECT count(*) FROM sightings WHERE run_id = 1") == before


SIGHTED_PAGES = "SELECT DISTINCT warc_offset FROM sightings WHERE run_id = ? ORDER BY 1"
SIGHTINGS_OF_PAGE = (
    "SELECT story_id, page_number, position, seen_at FROM sightings "
    "WHERE run_id = ? AND warc_offset = ? ORDER BY story_id"
)


def test_reparse_keeps_what_it_cannot_read_again_and_drops_what_no_page_lists(
    crawled: Crawled, tmp_path: Path
) -> None:
    db = tmp_path / "copy.sqlite"
    shutil.copy(crawled.db, db)
    (original,) = query(db, "SELECT path FROM warc_files WHERE run_id = 1")[0]
    offsets = [row[0] for row in query(db, SIGHTED_PAGES, 1)]
    assert len(offsets) == 3
    # Run 1's WARC file, damaged inside page 3's response record.
    damaged = tmp_path / Path(original).name
    damaged.write_bytes(Path(original).read_bytes()[: offsets[2] + 40])
    # A story that page 1 never listed (as a broken extractor would have stored it).
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE warc_files SET path = ? WHERE run_id = 1", (str(damaged),))
        conn.execute(
            "INSERT INTO stories (url, headline, site, first_seen_at, last_seen_at, first_run_id)"
            " SELECT 'https://example.org/menu/', 'Menu', site, first_seen_at, last_seen_at, 1"
            " FROM stories LIMIT 1"
        )
        conn.execute(
            "INSERT INTO sightings (story_id, run_id, listing_url, page_number, position, seen_at,"
            " warc_file_id, warc_offset) SELECT (SELECT id FROM stories WHERE headline = 'Menu'),"
            " run_id, listing_url, page_number, 99, seen_at, warc_file_id, warc_offset"
            " FROM sightings WHERE run_id = 1 AND warc_offset = ? LIMIT 1",
            (offsets[0],),
        )
    page_three = query(db, SIGHTINGS_OF_PAGE, 1, offsets[2])
    assert page_three

    result = run_cli("reparse", "--db", str(db), "--run", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Run 1: 2 page(s), {13 - len(page_three)} stories (0 new to the archive); "
        f"{len(page_three)} sighting(s) kept as they were (no readable WARC record); "
        "removed 1 story that no page lists any more"
    )
    assert query(db, SIGHTINGS_OF_PAGE, 1, offsets[2]) == page_three
    assert query(db, "SELECT count(*) FROM stories WHERE headline = 'Menu'") == [(0,)]
    assert query(db, "SELECT count(*) FROM stories") == query(
        crawled.db, "SELECT count(*) FROM stories"
    )
    checked = run_cli("db", "check", "--db", str(db))
    assert checked.returncode == 0, checked.stdout + checked.stderr
