"""Tag identity: every spelling of a tag's name on a site is one tag, named as the archive first
saw it, and `--tag` takes any spelling, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from newsarchive.items import ListingWalk
from newsarchive.status import WalkEnd, WalkMode
from newsarchive.storage import Archive, StoryFilter
from tests.helpers import rows, slugs, stored, story

OTHER_SITE = {"site": "otro.example", "url": "https://otro.example/2024/07/paro-agrario/"}


def test_spellings_of_a_name_on_one_site_are_one_tag_named_as_first_seen(
    archive: Archive, db: str
) -> None:
    stored(archive, [story(1, tag="Perú")])
    run = stored(archive, [story(2, tag="Peru"), story(3, tag="PERU"), story(1, tag="peru")])
    # Two spellings new in one batch: the one listed first names the tag.
    stored(archive, [story(4, tag="ECUADOR"), story(5, tag="Ecuador")])
    stored(archive, [story(6, tag="Perú", **OTHER_SITE)])
    archive.walks.record(run, [ListingWalk("https://news.example.org/en/tag/peru/",
                                                WalkMode.FULL, 1, 3, "Peru", "news.example.org",
                                                WalkEnd.LAST_PAGE)])  # fmt: skip
    assert sorted(rows(db, "SELECT site, name, slug FROM tags")) == [
        ("news.example.org", "ECUADOR", "ecuador"),
        ("news.example.org", "Perú", "peru"),
        ("otro.example", "Perú", "peru"),
    ]
    assert [record["tags"] for record in archive.read.iter_stories()] == [
        ["Perú"], ["Perú"], ["Perú"], ["ECUADOR"], ["ECUADOR"], ["Perú"],
    ]  # fmt: skip
    (walked,) = [found for found in archive.runs.latest() if found["id"] == run]
    assert [walk["tag"] for walk in walked["walks"]] == ["Perú"]


def test_tag_filters_take_any_spelling(archive: Archive, db: str, cli) -> None:
    stored(archive, [
        story(1, tag="Perú", headline="Paro agrario en Puno"),
        story(2, tag="Bolivia", headline="Paro agrario en Oruro"),
        story(3, tag="Perú", headline="Paro agrario en el sur", **OTHER_SITE),
    ])  # fmt: skip
    for spelling in ("peru", "PERU", "Perú", "PERÚ", " perú "):
        where = StoryFilter(tags=(spelling,))
        assert slugs(archive.read.iter_stories(where)) == ["story-1", "paro-agrario"]
        export = cli("export", "--db", db, "--format", "jsonl", "--tag", spelling)
        assert slugs(export.stdout) == ["story-1", "paro-agrario"]
        found = cli("search", "paro", "--db", db, "--json", "--tag", spelling, "--tag", "BOLIVIA")
        assert sorted(slugs(json.loads(line) for line in found.stdout.splitlines())) == [
            "paro-agrario", "story-1", "story-2",
        ]  # fmt: skip
    assert archive.read.count(StoryFilter(tags=("peru",), sites=("otro.example",))) == 1
    assert archive.read.count(StoryFilter(tags=("Pérou",))) == 0
