"""The archive's index of WARC records (`archive.provenance`), on both backends: what a crawl
asks before writing a page, and what reparse, history and the WACZ export ask afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

from newsarchive.items import Capture, WarcRecord
from newsarchive.storage import Archive
from tests.helpers import stored, story

PAGE = "https://news.example.org/tag/peru/"


def record(n: int, path: str, digest: str = "sha1:SAME", original: WarcRecord | None = None):
    return WarcRecord(
        PAGE, datetime(2024, 8, n, 12, tzinfo=UTC), f"<urn:uuid:{n}>", digest, path, 100 * n,
        original,
    )  # fmt: skip


def test_a_revisit_leads_to_the_response_holding_the_bytes(archive: Archive) -> None:
    assert archive.provenance.latest_original(PAGE) is None
    first = record(1, "/w/run1.warc.gz")
    one = stored(archive, [story(1, capture=Capture(first.warc_file, first.offset))])
    archive.provenance.index(one, [first])
    second = record(2, "/w/run2.warc.gz", original=first)
    two = stored(archive, [story(1, capture=Capture(second.warc_file, second.offset))])
    archive.provenance.index(two, [second])
    # The last record of the page is the revisit: the bytes are the first response's.
    found = archive.provenance.latest_original(PAGE)
    assert (found.record_id, found.warc_file, found.offset) == (
        "<urn:uuid:1>",
        "/w/run1.warc.gz",
        100,
    )
    assert found.date == first.date and found.payload_digest == "sha1:SAME"
    assert archive.provenance.original("<urn:uuid:2>") is None  # a revisit holds no bytes
    assert archive.provenance.originals_elsewhere(["/w/run2.warc.gz"]) == ["/w/run1.warc.gz"]
    assert archive.provenance.originals_elsewhere(["/w/run1.warc.gz", "/w/run2.warc.gz"]) == []
    pages = archive.provenance.listing_records([two])
    assert [(p.url, p.warc_file, p.run_id, p.tag) for p in pages] == [
        (PAGE, "/w/run2.warc.gz", two, "Peru")
    ]
    assert archive.provenance.listing_records([one, two], ["Chile"]) == []
    (sighting,) = archive.read.sightings(archive.read.story(story(1).url)["id"])[1:]
    assert (sighting["warc_record"], sighting["original_warc_file"]) == (
        "revisit",
        "/w/run1.warc.gz",
    )


def test_a_changed_page_is_its_own_original(archive: Archive) -> None:
    run = archive.runs.begin([])
    archive.provenance.index(
        run, [record(1, "/w/a.warc.gz"), record(2, "/w/a.warc.gz", "sha1:NEW")]
    )
    assert archive.provenance.latest_original(PAGE).record_id == "<urn:uuid:2>"
