"""Full-text search over headline and teaser, in sync with the stories, with filters."""

from __future__ import annotations

import json
from datetime import date

import pytest

from newsarchive.storage import Archive, SearchSyntaxError, StoryFilter
from newsarchive.storage.search import Term, fts5_query, marked, parse
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
        story(4, headline="Covid-19 vuelve a los hospitales de Lima",
              teaser="El e-mail del ministerio a los U.S. Marines y el C++ de Perú's Data."),
    ])  # fmt: skip
    return archive


def test_ranked_best_first_with_marked_matches(filled: Archive) -> None:
    hits = filled.read.search("litio")
    assert slugs(hits) == ["litio", "story-1"]  # the teaser repeating the word ranks it first
    assert hits[0]["score"] > hits[1]["score"]
    hit = hits[1]
    assert hit["headline"] == "Comunidades de Perú rechazan la minería de litio"
    assert hit["matches"]["headline"] == [(43, 48)]
    assert marked(hit["headline"], hit["matches"]["headline"], "[", "]").endswith("de [litio]")
    assert hit["tags"] == ["Peru"]


def test_accents_and_case_are_ignored(filled: Archive) -> None:
    assert slugs(filled.read.search("peru")) == ["story-1", "story-4"]
    assert slugs(filled.read.search("MINERIA")) == ["story-1"]


def test_snippet_comes_from_the_teaser(filled: Archive) -> None:
    (hit,) = filled.read.search("concesiones")
    assert hit["snippet"] == "Asambleas en Puno votan contra las concesiones."
    assert hit["matches"]["snippet"] == hit["matches"]["teaser"] == [(35, 46)]


@pytest.mark.parametrize(
    "query", ["covid-19", "COVID-19 Lima", "e-mail", "U.S.", "Perú's", "C++", "hospital*",
              '"los hospitales"', '"vuelve a', "paro OR covid-19", "-19"],
)  # fmt: skip
def test_ordinary_words_are_text_not_syntax(filled: Archive, query: str) -> None:
    assert "story-4" in slugs(filled.read.search(query))


def test_plain_queries_are_read_once_for_both_databases() -> None:
    assert parse('covid-19 "reforma agraria" OR huelga litio* C++') == [
        [Term("covid-19")],
        [Term("reforma agraria"), Term("huelga")],
        [Term("litio", prefix=True)],
        [Term("C++")],
    ]
    assert fts5_query(parse('say "hi" OR x" NEAR(a b)')) == '"say" ("hi" OR "x""") "NEAR(a" "b)"'
    with pytest.raises(SearchSyntaxError, match="no word"):
        parse("+++ -- …")


def test_filters_by_tag_site_and_dates(filled: Archive) -> None:
    assert slugs(filled.read.search("litio", StoryFilter(tags=("bolivia",)))) == ["litio"]
    assert slugs(filled.read.search("litio", StoryFilter(sites=("www.news.example.org",)))) == [
        "story-1"
    ]
    july = StoryFilter(since=date(2024, 7, 2), until=date(2024, 7, 31))
    assert sorted(slugs(filled.read.search("litio OR paro", july))) == ["litio", "story-3"]
    assert filled.read.search_total("litio OR paro", july) == 2
    assert slugs(filled.read.search("paro", StoryFilter(until=date(2024, 7, 30)))) == []


def test_index_follows_edits(filled: Archive) -> None:
    filled.write.store(filled.runs.begin([]), [story(3, headline="Huelga agraria en el sur")])
    assert filled.read.search("paro") == []
    assert slugs(filled.read.search("huelga")) == ["story-3"]


def test_limit(filled: Archive) -> None:
    assert len(filled.read.search("litio", limit=1)) == 1


def test_raw_queries_keep_the_full_syntax(filled: Archive, db: str) -> None:
    query = "litio -soberanía" if db.startswith("postgresql") else "litio NOT soberanía"
    assert slugs(filled.read.search(query, raw=True)) == ["story-1"]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_malformed_raw_query_is_a_clear_error(filled: Archive, db: str, cli) -> None:
    with pytest.raises(SearchSyntaxError):
        filled.read.search('"unbalanced', raw=True)
    result = cli("search", '"unbalanced', "--raw", "--db", db)
    assert result.returncode == 2
    assert result.stderr.startswith("newsarchive: error: cannot search for")
    assert result.stderr.count("\n") == 1
    nothing = cli("search", "+++", "--db", db)
    assert (nothing.returncode, nothing.stderr.count("\n")) == (2, 1)


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_reads_raw_queries_as_web_search_syntax(filled: Archive, db: str, cli) -> None:
    """websearch_to_tsquery has no syntax errors: a stray quote is read as a phrase."""
    assert slugs(filled.read.search('"minería de litio', raw=True)) == ["story-1"]
    result = cli("search", '"unbalanced', "--raw", "--db", db)
    assert (result.returncode, result.stdout, result.stderr) == (0, "No stories match.\n", "")


def test_cli_prints_numbered_results(filled: Archive, db: str, cli) -> None:
    result = cli("search", "litio", "--site", "news.example.org", "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Showing 1 of 1 story, best first.",
        "1. Comunidades de Perú rechazan la minería de [litio]  (2024-07-01, news.example.org)",
        "   https://news.example.org/2024/07/story-1/",
        "   tags: Peru",
        "   Asambleas en Puno votan contra las concesiones.",
    ]
    first = cli("search", "litio OR paro OR covid-19", "--limit", "1", "--db", db)
    assert first.stdout.startswith("Showing 1 of 4 stories, best first.\n")
    assert first.stdout.endswith("(3 more: --limit 4 shows them all)\n")


def test_cli_json_has_plain_text_spans_tags_and_score(filled: Archive, db: str, cli) -> None:
    result = cli("search", "covid-19", "--json", "--db", db)
    (hit,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert hit["headline"] == "Covid-19 vuelve a los hospitales de Lima"
    assert "".join(hit["headline"][a:b] for a, b in hit["matches"]["headline"]) == "Covid-19"
    assert hit["tags"] == ["Peru"] and hit["score"] > 0
    assert "\ue000" not in result.stdout and "[" not in hit["headline"]
