"""`newsarchive export` on a real archive: filters, fields, Excel, and citable bundles."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.storage import Archive
from tests.helpers import slugs, stored, story


@pytest.fixture
def filled(archive: Archive, db: str) -> str:
    stored(archive, [
        story(1, published_at="2024-07-01", headline="=cmd|' /C calc'!A0"),
        story(2, published_at="2024-07-15T10:00:00-05:00", tag="Bolivia", teaser="Año, niño"),
        story(3, published_at=None, fetched_at="2024-09-01T00:00:00+00:00"),
    ], DOWNLOAD_DELAY=1.0)  # fmt: skip
    archive.runs.begin(["https://news.example.org/tag/chile/"])  # saw nothing exported
    return db


@pytest.fixture
def export(cli):
    """`export(db, ARGS…)`: run `newsarchive export` in this process; its output."""

    def run(db: str, *args: str) -> str:
        result = cli("export", "--db", db, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    return run


def test_filters_by_tag_and_published_dates(filled: str, export) -> None:
    assert slugs(export(filled, "--format", "jsonl", "--tag", "bolivia")) == ["story-2"]
    assert slugs(export(filled, "--format", "jsonl", "--since", "2024-07-02")) == ["story-2"]
    assert slugs(export(filled, "--format", "jsonl", "--until", "2024-07-15")) == [
        "story-1", "story-2",
    ]  # fmt: skip
    assert slugs(export(filled, "--format", "jsonl", "--site", "elsewhere.org")) == []


def test_first_seen_dates_and_fields(filled: str, export) -> None:
    out = export(filled, "--format", "jsonl", "--since", "2024-08-15", "--first-seen",
                 "--fields", "url,date_source,first_seen_at")  # fmt: skip
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert list(record) == ["url", "date_source", "first_seen_at"]
    assert record["first_seen_at"] == "2024-09-01T00:00:00+00:00"


def test_unknown_field_is_a_usage_error(filled: str, cli) -> None:
    result = cli("export", "--db", filled, "--format", "csv", "--fields", "url,body")
    assert result.returncode == 2
    assert "unknown field 'body'" in result.stderr


def test_excel_csv_has_a_bom_and_neutralised_formulas(filled: str, tmp_path: Path, export) -> None:
    out = tmp_path / "stories.csv"
    export(filled, "--excel", "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfurl,headline,")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["headline"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["teaser"] == "Año, niño"
    assert not data[3:].startswith(b"\xef\xbb\xbf")
    plain = export(filled, "--format", "json")
    assert json.loads(plain)[0]["headline"] == "=cmd|' /C calc'!A0"  # JSON keeps text exact
    exact = next(csv.DictReader(io.StringIO(export(filled, "--format", "csv"))))
    assert exact["headline"] == "=cmd|' /C calc'!A0"  # and so does plain CSV


def test_the_format_follows_the_output_name(filled: str, tmp_path: Path, export, cli) -> None:
    for name, first in (("a.csv", "url,"), ("a.jsonl", '{"url"'), ("a.JSON", '[\n{"url"')):
        export(filled, "-o", str(tmp_path / name))
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(first), name
    export(filled, "-o", str(tmp_path / "b.csv"), "--format", "jsonl")  # named wins
    assert (tmp_path / "b.csv").read_text(encoding="utf-8").startswith('{"url"')
    unknown = cli("export", "--db", filled, "-o", str(tmp_path / "a.txt"))
    assert unknown.returncode == 2 and "give --format" in unknown.stderr
    assert cli("export", "--db", filled).returncode == 2  # stdout: no name to go by


def test_an_empty_export_says_so(filled: str, tmp_path: Path, cli) -> None:
    result = cli("export", "--db", filled, "--format", "jsonl", "--tag", "Nowhere")
    assert (result.returncode, result.stdout) == (0, "")
    assert (
        result.stderr == "newsarchive: warning: no stories match the filters; the export is empty\n"
    )
    bundle = cli("export", "--db", filled, "--bundle", str(tmp_path / "b"), "--since", "2030-01-01")
    assert bundle.returncode == 0 and "no stories match" in bundle.stderr


def test_bundle_is_a_checked_data_package(filled: str, tmp_path: Path, export) -> None:
    target = tmp_path / "dataset"
    out = export(filled, "--bundle", str(target), "--tag", "Peru", "--author", "Ana Quispe",
                 "--license", "CC-BY-4.0", "--dataset-version", "2.1.0")  # fmt: skip
    assert out.startswith(f"Wrote 2 stories from 1 run(s) to {target}/")
    assert sorted(p.name for p in target.iterdir()) == [
        "CITATION.cff", "SHA256SUMS", "datapackage.json", "runs.json", "stories.csv",
    ]  # fmt: skip
    for line in (target / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((target / name).read_bytes()).hexdigest() == digest
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    stories, runs = package["resources"]
    assert runs["path"] == "runs.json" and runs["hash"].startswith("sha256:")
    assert stories["path"] == "stories.csv" and stories["profile"] == "tabular-data-resource"
    assert (
        stories["hash"]
        == "sha256:" + hashlib.sha256((target / "stories.csv").read_bytes()).hexdigest()
    )
    fields = {field["name"]: field for field in stories["schema"]["fields"]}
    assert list(fields) == ["url", "headline", "teaser", "published_at", "author", "image_url",
                            "site", "tags", "first_seen_at", "last_seen_at", "confidence", "article_title",
                            "article_text", "article_published_at", "article_modified_at",
                            "article_authors", "article_language", "article_canonical_url",
                            "article_status", "article_fetched_at"]  # fmt: skip
    assert all(field["description"] for field in fields.values())
    assert fields["confidence"]["type"] == "number"
    assert package["newsarchive"]["selection"]["tags"] == ["Peru"]
    assert package["sources"] == [{"title": "https://news.example.org/tag/peru/",
                                   "path": "https://news.example.org/tag/peru/"}]  # fmt: skip
    (run,) = json.loads((target / "runs.json").read_text(encoding="utf-8"))
    assert run["settings"] == {"DOWNLOAD_DELAY": 1.0}
    assert run["software_version"] == package["newsarchive"]["software_version"]
    with (target / "stories.csv").open(encoding="utf-8", newline="") as data:
        assert len(list(csv.DictReader(data))) == 2
    assert (package["version"], package["licenses"]) == ("2.1.0", [{"name": "CC-BY-4.0"}])
    citation = (target / "CITATION.cff").read_text(encoding="utf-8")
    assert 'authors:\n  - name: "Ana Quispe"\n' in citation
    assert 'version: "2.1.0"' in citation and 'license: "CC-BY-4.0"' in citation
    assert citation.startswith("cff-version: 1.2.0\n")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_bundles_pass_frictionless_validate(filled: str, tmp_path: Path, export, fmt: str) -> None:
    """The real validator, as a data repository would run it on a deposit."""
    target = tmp_path / "dataset"
    export(filled, "--bundle", str(target), "--format", fmt)
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "other-closed" and package["version"] == "1.0.0"
    checked = subprocess.run(
        [str(Path(sys.executable).with_name("frictionless")), "validate", "--json",
         "datapackage.json"],
        cwd=target, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    report = json.loads(checked.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    assert checked.returncode == 0


def test_bundle_never_replaces_other_files(filled: str, tmp_path: Path, export, cli) -> None:
    target = tmp_path / "dataset"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = cli("export", "--db", filled, "--bundle", str(target), "--force")
    assert result.returncode == 6
    assert (target / "notes.txt").read_text() == "mine"
    export(filled, "--bundle", str(tmp_path / "b"))
    again = cli("export", "--db", filled, "--bundle", str(tmp_path / "b"))
    assert again.returncode == 6 and "use --force" in again.stderr
    export(filled, "--bundle", str(tmp_path / "b"), "--format", "jsonl", "--force")
    assert (tmp_path / "b" / "stories.jsonl").exists()
    assert not (tmp_path / "b" / "stories.csv").exists()
