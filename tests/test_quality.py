"""Quality gate: extraction over the real corpus and our fixture listings never gets worse.

Figures are story-URL recall and precision, headline / teaser / date / author agreement, the
page's tag name and next-page correctness, per page and overall, compared with the floors pinned
in quality_floors.json; invented dates and empty texts are not allowed at all. `pytest -s` prints
the per-field table. After a real improvement, raise the floors with
`python -m tests.quality --floors > tests/quality_floors.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parsel import Selector

from newsarchive.extract import LAYERS, Listing
from newsarchive.extract.context import page_context
from tests.helpers import requires_corpus
from tests.quality import (
    FAULTS,
    LISTINGS,
    METRICS,
    corpus_results,
    faults,
    fixture_results,
    mismatches,
    score,
    scores,
    table,
)

FLOORS = json.loads(Path(__file__).with_name("quality_floors.json").read_text(encoding="utf-8"))
# Every field, on the real corpus and on our fixtures alike, is right this often at least.
FIELD_TARGET = 0.97
FIELDS = ("teaser", "date", "author", "tag", "next_page")


def below_floors(results: dict, floors: dict) -> list[str]:
    figures = scores(results)
    failures = [
        f"overall {metric} {figures['overall'][metric]} < {floors['overall'][metric]}"
        for metric in METRICS
        if figures["overall"][metric] < floors["overall"][metric]
    ]
    for name, page in figures["pages"].items():
        floor = floors["pages"].get(name)
        if floor is None:
            failures.append(f"{name}: no floor pinned (run python -m tests.quality)")
            continue
        for metric in METRICS:
            if page[metric] < floor[metric]:
                listing, truth = results[name]
                details = "; ".join(mismatches(listing, truth)[:5])
                failures.append(f"{name}: {metric} {page[metric]} < {floor[metric]} ({details})")
    return failures


@requires_corpus
def test_real_corpus_stays_above_its_floors() -> None:
    results = corpus_results()
    assert set(results) == set(FLOORS["corpus"]["pages"]), "corpus pages and floors differ"
    assert below_floors(results, FLOORS["corpus"]) == []


def test_fixture_listings_stay_above_their_floors() -> None:
    results = fixture_results()
    assert set(results) == set(FLOORS["fixtures"]["pages"]), "fixtures and floors differ"
    assert below_floors(results, FLOORS["fixtures"]) == []


def test_fixture_fields_meet_the_target_without_faults() -> None:
    results = fixture_results()
    print("\n" + table({"fixtures": results}))
    overall = scores(results)["overall"]
    assert {field: overall[field] for field in FIELDS if overall[field] < FIELD_TARGET} == {}
    assert faults(results) == dict.fromkeys(FAULTS, 0), "\n".join(
        line
        for listing, truth in results.values()
        for line in mismatches(listing, truth)
        if line.startswith("date")
    )


@requires_corpus
def test_corpus_fields_meet_the_target_without_faults() -> None:
    results = corpus_results()
    print("\n" + table({"corpus": results}))
    overall = scores(results)["overall"]
    assert {field: overall[field] for field in FIELDS if overall[field] < FIELD_TARGET} == {}
    assert faults(results) == dict.fromkeys(FAULTS, 0)


@requires_corpus
def test_corpus_meets_the_targets() -> None:
    overall = scores(corpus_results())["overall"]
    assert overall["recall"] >= 0.97
    assert overall["precision"] >= 0.97
    assert overall["headline"] >= 0.97
    assert overall["next_page"] == 1.0


FAMILY_FIXTURES = sorted(
    path.stem
    for path in LISTINGS.glob("*.json")
    if json.loads(path.read_text(encoding="utf-8")).get("layer")
)


@pytest.mark.parametrize("name", FAMILY_FIXTURES)
def test_each_family_layer_reads_its_own_markup(name: str) -> None:
    """The CMS family layer alone finds every story of its fixture (an earlier layer may win)."""
    truth = json.loads((LISTINGS / f"{name}.json").read_text(encoding="utf-8"))
    html = (LISTINGS / f"{name}.html").read_text(encoding="utf-8")
    ctx = page_context(Selector(text=html), truth["page_url"])
    layers = [layer for layer_name, layer in LAYERS if layer_name == truth["layer"]]
    stories = [story for layer in layers for story in layer(ctx)]
    listing = Listing(url=truth["page_url"], tag=None, stories=stories)
    result = score(listing, truth).ratios()
    assert (result["recall"], result["precision"], result["headline"]) == (1.0, 1.0, 1.0), (
        mismatches(listing, truth)
    )
    assert {story.extraction_method for story in stories} == {truth["layer"]}
