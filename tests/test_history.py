"""Change history in the archive: earlier values kept as versions, with when each was seen."""

from __future__ import annotations

from newsarchive.items import Capture, Story
from newsarchive.storage import Archive
from tests.helpers import story

DAY = "2024-08-0{}T12:00:00+00:00"


def test_changed_headline_and_teaser_keep_the_earlier_values(archive: Archive) -> None:
    run = archive.runs.begin([])
    archive.write.store(run, [story(1, fetched_at=DAY.format(1))])
    archive.write.store(run, [story(1, fetched_at=DAY.format(2))])
    archive.write.store(run, [story(1, headline="Headline 1, corrected", fetched_at=DAY.format(3))])
    archive.write.store(run, [story(1, headline="Headline 1, corrected", teaser="New teaser",
                              fetched_at=DAY.format(5))])  # fmt: skip
    record = archive.read.story(story(1).url)
    assert (record["headline"], record["teaser"]) == ("Headline 1, corrected", "New teaser")
    first, second = archive.read.versions(record["id"])
    assert (first["headline"], first["teaser"]) == ("Headline 1", "Teaser 1")
    assert first["first_seen_at"].day == 1 and first["last_seen_at"].day == 2
    assert first["replaced_at"].day == 3
    assert (second["headline"], second["teaser"]) == ("Headline 1, corrected", "Teaser 1")
    assert second["first_seen_at"].day == 3 and second["replaced_at"].day == 5


def test_author_date_and_image_changes_are_versions_too(archive: Archive) -> None:
    run = archive.runs.begin([])
    archive.write.store(
        run, [story(1, author="Ana", published_at="2024-07-01", fetched_at=DAY.format(1))]
    )
    archive.write.store(run, [story(1, author="Ana Quispe", published_at="2024-07-01",
                              image_url="https://news.example.org/a.jpg", fetched_at=DAY.format(2))])  # fmt: skip
    (version,) = archive.read.versions(archive.read.story(story(1).url)["id"])
    assert (version["author"], version["image_url"]) == ("Ana", None)


def test_a_missing_field_is_not_a_change(archive: Archive) -> None:
    run = archive.runs.begin([])
    archive.write.store(run, [story(1, author="Ana", fetched_at=DAY.format(1))])
    archive.write.store(run, [story(1, teaser=None, author=None, fetched_at=DAY.format(2))])
    assert archive.read.versions(archive.read.story(story(1).url)["id"]) == []


def read(run: int, n: int, day: int, **fields) -> Story:
    """Story `n` as run `run` read it on day `day` from page 1, kept in that run's WARC file."""
    capture = Capture(f"data/warc/run{run}.warc.gz", 1000)
    return story(n, fetched_at=DAY.format(day), capture=capture, **fields)


def test_replaying_an_older_run_changes_neither_values_nor_history(archive: Archive) -> None:
    first = archive.runs.begin([])
    archive.write.store(first, [read(first, 1, 1)])
    second = archive.runs.begin([])
    archive.write.store(second, [read(second, 1, 2, headline="Edited")])
    result = archive.write.replay(first, [read(first, 1, 1), read(first, 2, 1)])
    assert (result.new, result.existing, result.kept) == (
        1,
        0,
        0,
    )  # story 1 was first stored by this run
    record = archive.read.story(story(1).url)
    assert record["headline"] == "Edited"
    assert len(archive.read.versions(record["id"])) == 1
    assert archive.read.story(story(2).url)["first_run_id"] == first
    assert [s["run_id"] for s in archive.read.sightings(record["id"])] == [first, second]


def test_replaying_the_latest_run_corrects_values_without_a_version(archive: Archive) -> None:
    run = archive.runs.begin([])
    archive.write.store(run, [read(run, 1, 1, headline="Read more")])
    archive.write.replay(run, [read(run, 1, 1)])
    record = archive.read.story(story(1).url)
    assert record["headline"] == "Headline 1"
    assert archive.read.versions(record["id"]) == []
    assert len(archive.read.sightings(record["id"])) == 1


def test_replaying_keeps_what_it_did_not_read_again(archive: Archive) -> None:
    """A sighting without a WARC record, or of a page the replay does not hold, stays."""
    run = archive.runs.begin([])
    other_page = Capture(f"data/warc/run{run}.warc.gz", 2000)
    archive.write.store(run, [read(run, 1, 1), story(2, fetched_at=DAY.format(1)),
                              story(3, fetched_at=DAY.format(1), capture=other_page)])  # fmt: skip
    result = archive.write.replay(run, [read(run, 1, 1, headline="Corrected")])
    assert (result.kept, result.removed) == (2, 0)
    assert archive.read.story(story(1).url)["headline"] == "Corrected"
    for n in (1, 2, 3):
        assert len(archive.read.sightings(archive.read.story(story(n).url)["id"])) == 1


def test_replay_finding_a_story_earlier_moves_its_first_sighting(archive: Archive) -> None:
    first, second = archive.runs.begin([]), archive.runs.begin([])
    archive.write.store(second, [read(second, 1, 2)])
    archive.write.replay(first, [read(first, 1, 1)])
    record = archive.read.story(story(1).url)
    assert (record["first_run_id"], record["first_seen_at"].day) == (first, 1)
    assert record["last_seen_at"].day == 2


def test_known_urls_answers_from_the_archive_only(archive: Archive) -> None:
    archive.write.store(archive.runs.begin([]), [story(n) for n in range(1, 4)])
    asked = [story(n).url for n in range(2, 6)]
    assert archive.read.known_urls(asked) == {story(2).url, story(3).url}
    assert archive.read.known_urls([]) == set()
