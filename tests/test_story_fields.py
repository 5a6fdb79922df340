"""Where each story's fields came from and how sure extraction was of it, in the archive and
its exports, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from newsarchive.storage import Archive
from tests.helpers import FAST, rows, run_cli, stored, story
from tests.sites import write_listing

DAY = "2024-08-0{}T12:00:00+00:00"
SOURCES = ("confidence", "date_precision", "author_source", "teaser_source")


def sources(archive: Archive, n: int) -> tuple:
    record = archive.read.story(story(n).url)
    return tuple(record[name] for name in SOURCES)


def test_a_story_keeps_the_latest_sources_and_confidence_without_a_version(
    archive: Archive,
) -> None:
    first = dict(confidence=0.412, date_precision="day", author_source="byline",
                 teaser_source="entry", published_at="2024-07-19", date_source="text",
                 author="Ana Quispe")  # fmt: skip
    stored(archive, [story(1, fetched_at=DAY.format(1), **first)])
    assert sources(archive, 1) == (0.412, "day", "byline", "entry")
    # The site's markup now names the author and the minute: the same story, read better.
    later = first | dict(confidence=0.875, date_precision="minute", author_source="markup",
                         teaser_source="markup", published_at="2024-07-19T09:00:00-05:00",
                         date_source="time")  # fmt: skip
    stored(archive, [story(1, fetched_at=DAY.format(2), **later)])
    assert sources(archive, 1) == (0.875, "minute", "markup", "markup")
    record = archive.read.story(story(1).url)
    # The date is the site's change; the confidence alone is not: one version, for the date.
    (version,) = archive.read.versions(record["id"])
    assert version["published_at"] == "2024-07-19"
    stored(archive, [story(1, fetched_at=DAY.format(3), **later | {"confidence": 0.5})])
    assert len(archive.read.versions(record["id"])) == 1
    # A listing that shows no teaser this time keeps the teaser, and where it came from.
    stored(archive, [story(1, fetched_at=DAY.format(4), **later | {"teaser": None,
                                                                  "teaser_source": None})])  # fmt: skip
    assert archive.read.story(story(1).url)["teaser"] == "Teaser 1"
    assert sources(archive, 1) == (0.875, "minute", "markup", "markup")


def test_an_older_sighting_does_not_override_newer_values(archive: Archive) -> None:
    stored(archive, [story(1, fetched_at=DAY.format(5), confidence=0.9, teaser_source="markup")])
    stored(archive, [story(1, fetched_at=DAY.format(1), confidence=0.3, teaser_source="entry")])
    assert sources(archive, 1)[::3] == (0.9, "markup")


def test_export_carries_confidence_by_default_and_the_sources_on_request(
    archive: Archive, cli, db: str
) -> None:
    stored(archive, [
        story(1, confidence=0.587, date_precision="day", author_source="byline",
              teaser_source="entry"),
        story(2, confidence=1.0),
        story(3),  # archived before confidence was recorded
    ])  # fmt: skip
    out = cli("export", "--db", db, "--format", "jsonl").stdout
    lines = out.splitlines()
    assert [json.loads(line)["confidence"] for line in lines] == [0.587, 1.0, None]
    # As json.dumps writes them, on either database (PostgreSQL would write 1.0 as 1).
    assert [re.search(r'"confidence": [^,}]+', line)[0] for line in lines] == [
        '"confidence": 0.587', '"confidence": 1.0', '"confidence": null',
    ]  # fmt: skip
    fields = "--fields", "url,confidence,date_precision,author_source,teaser_source"
    table = cli("export", "--db", db, "--format", "csv", *fields).stdout
    assert list(csv.reader(io.StringIO(table))) == [
        ["url", "confidence", "date_precision", "author_source", "teaser_source"],
        [story(1).url, "0.587", "day", "byline", "entry"],
        [story(2).url, "1.0", "", "", ""],
        [story(3).url, "", "", "", ""],
    ]


# A page that lists no stories, only short links to people: the generic layer reads it, unsure.
TEAM = ("Ana", "Luis", "Marta", "Rosa", "Dev")
TEAM_PAGE = (
    "<html><head><title>Team | Test Wire</title></head><body><main><h1>Team</h1>"
    "<p>Write to the newsroom.</p><ul class='team'>"
    + "".join(f'<li><a href="/team/{name.lower()}">{name}</a></li>' for name in TEAM)
    + "</ul></main></body></html>"
)
STORIES = ["miners-strike-in-the-south", "congress-shelves-the-reform", "drought-hits-the-valley"]


def test_a_crawl_stores_the_fields_and_flags_a_misread_page(
    tmp_path: Path, serve, db: str, cli
) -> None:
    """Page 2 of the tag is misread: the run names it, warns once, and still finishes."""
    site = tmp_path / "site"
    write_listing(site, "/tag/wire/", "Wire", STORIES, "/tag/wire/page/2/")
    (site / "tag/wire/page/2").mkdir(parents=True)
    (site / "tag/wire/page/2/index.html").write_text(TEAM_PAGE, encoding="utf-8")
    base = serve(site)
    warc = ("--warc-dir", str(tmp_path / "warc"))
    result = run_cli("crawl", f"{base}/tag/wire/", "--db", db, *warc, *FAST)
    assert result.returncode == 0, result.stderr
    misread = f"{base}/tag/wire/page/2/"
    assert result.stderr.splitlines() == [
        f"newsarchive: warning: only low-confidence stories on {misread}: the page's layout is "
        "probably misread (check it with `newsarchive inspect`; a site profile fixes it)"
    ]
    (run,) = [json.loads(line) for line in cli("runs", "--json", "--db", db).stdout.splitlines()]
    assert (run["status"], run["low_confidence_pages"]) == ("finished", [misread])
    listed = rows(db, "SELECT confidence, teaser_source FROM stories WHERE url NOT LIKE '%/team/%'")
    assert len(listed) == 3 and {(c >= 0.5, source) for c, source in listed} == {(True, "markup")}
    low = rows(db, "SELECT confidence FROM stories WHERE url LIKE '%/team/%'")
    assert len(low) == 5 and all(c < 0.5 for (c,) in low)
    # Re-extracting the run from its WARC file restores the values the crawl stored.
    before = rows(db, "SELECT url, confidence, teaser_source FROM stories ORDER BY url")
    with Archive.open(db) as archive, archive.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE stories SET confidence = NULL, teaser_source = NULL")
    assert cli("reparse", "--db", db).returncode == 0
    assert rows(db, "SELECT url, confidence, teaser_source FROM stories ORDER BY url") == before
