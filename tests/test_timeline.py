"""Sightings take their place in a story's history by when they were made, not when stored:
a backfill's captures from 2019 come before a crawl's sighting of 2024 (on both backends)."""

from __future__ import annotations

from newsarchive.items import ArchivedCapture, ListingWalk
from newsarchive.status import WalkEnd, WalkMode
from newsarchive.storage import Archive
from tests.helpers import stored, story

MARCH, JUNE, AUGUST = (
    "2019-03-01T10:00:00+00:00", "2019-06-01T10:00:00+00:00", "2024-08-01T12:00:00+00:00",
)  # fmt: skip


def captured(when: str, **fields) -> object:
    stamp = when[:19].replace("-", "").replace("T", "").replace(":", "")
    capture = ArchivedCapture(
        "https://news.example.org/tag/peru/", stamp, f"http://127.0.0.1:9/{stamp}id_/x"
    )
    return story(1, fetched_at=when, archived=capture, **fields)


def history(archive: Archive) -> list[tuple]:
    timeline = archive.read.timeline(story(1).url)
    versions = [
        (v["headline"], v["first_seen_at"].isoformat(), v["replaced_at"].isoformat())
        for v in timeline.versions
    ]
    return [*versions, (timeline.story["headline"], timeline.story["first_seen_at"].isoformat())]


def test_older_captures_go_before_the_crawl_in_capture_order(archive: Archive) -> None:
    crawl = stored(archive, [story(1, headline="Third", fetched_at=AUGUST)])
    backfill = archive.runs.begin([])
    # One batch, the later capture first: each is placed by its time.
    archive.write.store(
        backfill, [captured(JUNE, headline="Second"), captured(MARCH, headline="First")]
    )
    assert history(archive) == [
        ("First", "2019-03-01T10:00:00+00:00", "2019-06-01T10:00:00+00:00"),
        ("Second", "2019-06-01T10:00:00+00:00", "2024-08-01T12:00:00+00:00"),
        ("Third", "2019-03-01T10:00:00+00:00"),
    ]
    row = archive.read.story(story(1).url)
    assert (row["first_run_id"], row["headline"]) == (backfill, "Third")
    versions = archive.read.versions(row["id"])
    assert [v["replaced_in_run_id"] for v in versions] == [backfill, crawl]
    seen = [s["seen_at"].isoformat() for s in archive.read.sightings(row["id"])]
    assert seen == [MARCH, JUNE, AUGUST]


def test_batches_stored_out_of_order_give_the_same_history(archive: Archive) -> None:
    stored(archive, [story(1, headline="Third", fetched_at=AUGUST)])
    run = archive.runs.begin([])
    archive.write.store(run, [captured(JUNE, headline="Second")])
    archive.write.store(run, [captured(MARCH, headline="First")])
    archive.write.store(run, [captured(MARCH, headline="First")])  # the same capture again
    assert [entry[0] for entry in history(archive)] == ["First", "Second", "Third"]
    assert archive.read.story(story(1).url)["first_seen_at"].isoformat() == MARCH


def test_a_capture_showing_the_values_of_its_period_changes_no_version(archive: Archive) -> None:
    stored(archive, [story(1, headline="Same", fetched_at=AUGUST)])
    run = archive.runs.begin([])
    # No teaser on the old page: a field left out is no change.
    archive.write.store(run, [captured(MARCH, headline="Same", teaser=None)])
    assert history(archive) == [("Same", "2019-03-01T10:00:00+00:00")]
    assert archive.read.story(story(1).url)["teaser"] == "Teaser 1"


def test_a_capture_between_two_sightings_splits_their_period(archive: Archive) -> None:
    stored(archive, [story(1, headline="Kept", fetched_at="2019-01-01T00:00:00+00:00")])
    stored(archive, [story(1, headline="Kept", fetched_at=AUGUST)])
    run = archive.runs.begin([])
    archive.write.store(run, [captured(JUNE, headline="Briefly edited")])
    assert history(archive) == [
        ("Kept", "2019-01-01T00:00:00+00:00", "2019-06-01T10:00:00+00:00"),
        ("Briefly edited", "2019-06-01T10:00:00+00:00", "2024-08-01T12:00:00+00:00"),
        ("Kept", "2019-01-01T00:00:00+00:00"),
    ]
    versions = archive.read.versions(archive.read.story(story(1).url)["id"])
    assert versions[0]["last_seen_at"].isoformat() == "2019-01-01T00:00:00+00:00"


def test_a_new_story_seen_in_several_captures_keeps_every_change(archive: Archive) -> None:
    run = archive.runs.begin([])
    result = archive.write.store(
        run,
        [
            captured(JUNE, headline="Second"),
            captured(MARCH, headline="First"),
            captured("2020-01-01T00:00:00+00:00", headline="Second"),
        ],
    )
    assert (result.new, result.existing) == (1, 0)
    assert [entry[0] for entry in history(archive)] == ["First", "Second"]
    row = archive.read.story(story(1).url)
    assert (row["first_seen_at"].isoformat(), row["last_seen_at"].isoformat()) == (
        MARCH, "2020-01-01T00:00:00+00:00",
    )  # fmt: skip


def test_a_story_on_page_1_in_2019_left_it_by_the_first_crawl_after(archive: Archive) -> None:
    """Run 1 crawls today and finds the story on page 2; run 2 backfills 2019, when it was on
    page 1: it left page 1 by run 1, although run 1 has the smaller number."""
    crawl = stored(archive, [story(1, page_number=2, fetched_at=AUGUST)])
    archive.walks.record(crawl, [walk(WalkMode.FULL)])
    backfill = archive.runs.begin([])
    archive.write.store(backfill, [captured(MARCH)])
    archive.walks.record(backfill, [walk(WalkMode.BACKFILL)])
    (presence,) = archive.read.timeline(story(1).url).tags
    assert presence.first_on_front_at.isoformat() == MARCH
    assert presence.left_front_run == crawl


def walk(mode: WalkMode) -> ListingWalk:
    return ListingWalk(
        "https://news.example.org/tag/peru/", mode, pages=1, stories=1, tag="Peru",
        site="news.example.org", end_reason=WalkEnd.LAST_PAGE,
    )  # fmt: skip
