"""WARC files: responses kept as they came over the wire, read back for re-extraction."""

from __future__ import annotations

import gzip
import io
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from newsarchive.items import WarcRecord
from newsarchive.warc import WarcFile, payload_digest, read_body, read_pages, record_at

PAGE = "<html><body><h2><a href='/a/'>Perú decide</a></h2></body></html>".encode()


def exchange(
    warc: WarcFile,
    number: int,
    body: bytes,
    headers: list[tuple[str, str]],
    original: WarcRecord | None = None,
) -> int:
    record = WarcRecord(
        url=f"https://news.example.org/tag/peru/page/{number}/",
        date=datetime(2024, 8, 1, 12, 0, number, 123456, tzinfo=UTC),
        record_id=f"<urn:uuid:00000000-0000-0000-0000-00000000000{number}>",
        payload_digest=payload_digest(body),
        original=original,
    )
    return warc.write_exchange(
        record=record,
        request_line=f"GET /tag/peru/page/{number}/",
        request_headers=[("Host", "news.example.org"), ("User-Agent", "newsarchive/test")],
        status_line="200 OK",
        protocol="HTTP/1.1",
        response_headers=headers,
        body=body,
        page={"start-url": "https://news.example.org/tag/peru/", "page-number": str(number)},
    )


def test_compressed_body_is_stored_as_sent_and_read_back_decoded(tmp_path: Path) -> None:
    warc = WarcFile(tmp_path / "run.warc.gz")
    squeezed = gzip.compress(PAGE)
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
               ("Transfer-Encoding", "chunked")]  # fmt: skip
    offset = exchange(warc, 1, squeezed, headers)
    warc.close()
    (page,) = read_pages(tmp_path / "run.warc.gz")
    assert page.body == PAGE
    assert page.offset == offset
    assert (page.page_number, page.start_url) == (1, "https://news.example.org/tag/peru/")
    assert page.fetched_at == "2024-08-01T12:00:01.123456Z"
    assert ("Content-Encoding", "gzip") in page.headers
    assert all(name != "Transfer-Encoding" for name, _ in page.headers)
    raw = gzip.decompress((tmp_path / "run.warc.gz").read_bytes())
    assert squeezed in raw


def test_a_file_cut_short_keeps_the_pages_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "run.warc.gz"
    warc = WarcFile(path)
    offsets = [exchange(warc, n, PAGE, [("Content-Type", "text/html")]) for n in (1, 2, 3)]
    warc.close()
    path.write_bytes(path.read_bytes()[: offsets[2] + 40])
    assert [page.page_number for page in read_pages(path)] == [1, 2]


def test_a_response_whose_exchange_was_not_finished_is_no_page(tmp_path: Path) -> None:
    """The disk filled after a response record: its request and metadata records are lost, so
    the page is not read back (it would have no start URL or page number)."""
    path = tmp_path / "run.warc.gz"
    warc = WarcFile(path)
    offsets = [exchange(warc, n, PAGE, [("Content-Type", "text/html")]) for n in (1, 2)]
    warc.close()
    whole = path.read_bytes()
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)  # each record is one gzip member
    member.decompress(whole[offsets[1] :])
    path.write_bytes(whole[: len(whole) - len(member.unused_data)])  # page 2's response only
    assert [page.page_number for page in read_pages(path)] == [1]


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "run.warc.gz"
    path.write_bytes(b"kept")
    with pytest.raises(FileExistsError):
        WarcFile(path)
    assert path.read_bytes() == b"kept"


def test_a_revisit_names_its_original_and_carries_no_body(tmp_path: Path) -> None:
    path = tmp_path / "run.warc.gz"
    warc = WarcFile(path)
    headers = [("Content-Type", "text/html")]
    offset = exchange(warc, 1, PAGE, headers)
    original = WarcRecord(
        "https://news.example.org/tag/peru/page/1/",
        datetime(2024, 8, 1, 12, 0, 1, 123456, tzinfo=UTC),
        "<urn:uuid:00000000-0000-0000-0000-000000000001>",
        payload_digest(PAGE),
    )
    exchange(warc, 2, PAGE, headers, original=original)
    warc.close()
    response, revisit = read_pages(path)
    assert (response.refers_to, revisit.refers_to) == (None, original.record_id)
    assert revisit.body == b"" and revisit.page_number == 2
    assert read_body(path, offset) == PAGE
    with path.open("rb") as stream:
        records = [r for r in ArchiveIterator(stream) if r.rec_type == "revisit"]
    (record,) = records
    headers = record.rec_headers
    assert headers.get_header("WARC-Refers-To-Target-URI") == original.url
    assert headers.get_header("WARC-Refers-To-Date") == "2024-08-01T12:00:01.123456Z"
    assert headers.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    digests = [v for k, v in headers.headers if k == "WARC-Payload-Digest"]
    assert digests == [payload_digest(PAGE)]


def test_only_a_response_record_is_read_at_an_offset(tmp_path: Path) -> None:
    """browse's WARC page reads the record at an offset from its URL: at any other offset of a
    real file the answer is "no record there", whatever the bytes there pass for."""
    path = tmp_path / "run.warc.gz"
    warc = WarcFile(path)
    offsets = {exchange(warc, n, PAGE, [("Content-Type", "text/html")]) for n in (1, 2)}
    warc.close()
    for offset in range(path.stat().st_size):
        if offset in offsets:
            assert record_at(path, offset)[1].body == PAGE
        else:
            with pytest.raises(ValueError):
                record_at(path, offset)


def test_a_response_record_without_http_headers_is_no_page(tmp_path: Path) -> None:
    """A response record of another protocol (a `dns:` lookup, say) has no HTTP status line:
    it is no page, not an error of the reader."""
    path = tmp_path / "other.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(
            writer.create_warc_record(
                "dns:news.example.org", "response", payload=io.BytesIO(b"192.0.2.1"),
                warc_content_type="text/dns",
            )
        )  # fmt: skip
    with pytest.raises(ValueError, match="no response record"):
        record_at(path, 0)
