"""Full-text search over headline and teaser, in sync with the stories, with filters."""

from __future__ import annotations

from datetime import date

import pytest

from newsarchive.storage import Archive, SearchSyntaxError, StoryFilter
from tests.helpers import slugs, story


@pytest.fixture
def filled(archive: Archive) -> Archive:
    archive.write.store(archive.runs.begin([]), [
        story(1, headline="Comunidades de Perú rechazan la minería de litio",
              teaser="Asambleas en Puno votan contra las concesiones.", published_at="2024-07-01"),
        story(2, headline="El litio boliviano y la soberanía", teaser="Litio, litio, litio.",
              tag="Bolivia", site="otro.example.org", url="https://otro.example.org/litio/",
              published_at="2024-07-20T10:00:00-04:00"),
        story(3, headline="Paro agrario en el sur", teaser="Productores bloquean carreteras.",
              published_at="2024-07-31T23:00:00-05:00"),
    ])  # fmt: skip
    return archive


def test_ranked_best_first_with_marked_matches(filled: Archive) -> None:
    hits = filled.read.search("litio")
    assert slugs(hits) == ["litio", "story-1"]  # the teaser repeating the word ranks it first
    assert hits[1]["headline"] == "Comunidades de Perú rechazan la minería de [litio]"


def test_accents_and_case_are_ignored(filled: Archive) -> None:
    assert slugs(filled.read.search("peru")) == ["story-1"]
    assert slugs(filled.read.search("MINERIA")) == ["story-1"]


def test_snippet_comes_from_the_teaser(filled: Archive) -> None:
    (hit,) = filled.read.search("concesiones")
    assert hit["snippet"] == "Asambleas en Puno votan contra las [concesiones]."


def test_filters_by_tag_site_and_dates(filled: Archive) -> None:
    assert slugs(filled.read.search("litio", StoryFilter(tags=("bolivia",)))) == ["litio"]
    assert slugs(filled.read.search("litio", StoryFilter(sites=("www.news.example.org",)))) == [
        "story-1"
    ]
    july = StoryFilter(since=date(2024, 7, 2), until=date(2024, 7, 31))
    assert sorted(slugs(filled.read.search("litio OR paro", july))) == ["litio", "story-3"]
    assert slugs(filled.read.search("paro", StoryFilter(until=date(2024, 7, 30)))) == []


def test_index_follows_edits(filled: Archive) -> None:
    filled.write.store(filled.runs.begin([]), [story(3, headline="Huelga agraria en el sur")])
    assert filled.read.search("paro") == []
    assert slugs(filled.read.search("huelga")) == ["story-3"]


def test_limit(filled: Archive) -> None:
    assert len(filled.read.search("litio", limit=1)) == 1


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_malformed_query_is_a_clear_error(filled: Archive, db: str, cli) -> None:
    with pytest.raises(SearchSyntaxError):
        filled.read.search('"unbalanced')
    result = cli("search", '"unbalanced', "--db", db)
    assert result.returncode == 2
    assert result.stderr.startswith("newsarchive: error: cannot search for")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_reads_any_query_as_web_search_syntax(filled: Archive, db: str, cli) -> None:
    """websearch_to_tsquery has no syntax errors: a stray quote is read as a phrase."""
    assert slugs(filled.read.search('"minería de litio')) == ["story-1"]
    result = cli("search", '"unbalanced', "--db", db)
    assert (result.returncode, result.stdout, result.stderr) == (0, "No stories match.\n", "")


def test_cli_prints_numbered_results(filled: Archive, db: str, cli) -> None:
    result = cli("search", "litio", "--site", "news.example.org", "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1. Comunidades de Perú rechazan la minería de [litio]  (2024-07-01, news.example.org)",
        "   https://news.example.org/2024/07/story-1/",
        "   Asambleas en Puno votan contra las concesiones.",
    ]
