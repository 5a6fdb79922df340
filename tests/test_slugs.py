"""Tag identity: the spellings of one tag name share one key; different names keep apart."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsarchive.slugs import tag_slug


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (["Perú", "peru", "PERU", "  Perú ", "ＰＥＲＵ"], "peru"),
        (["Notizia del giorno", "notizia-del-giorno", "Notizia_del_Giorno"], "notizia-del-giorno"),
        (["Asgari Ücret", "asgari ücret", "ASGARİ ÜCRET"], "asgari-ucret"),
        (["Straße", "STRASSE"], "strasse"),
        (["Łódź", "Lodz"], "lodz"),
        (["Ελλάδα", "ΕΛΛΆΔΑ", "Ελλαδα"], "ελλαδα"),
        (["Перу", "ПЕРУ"], "перу"),
        (["環境", "「環境」"], "環境"),
        (["البيئة", "البِيئَة"], "البيئة"),
        (["आमदनी", "आमदनी "], "आमदनी"),
    ],
)
def test_spellings_of_one_name_share_a_key(names: list[str], key: str) -> None:
    assert {tag_slug(name) for name in names} == {key}


@pytest.mark.parametrize(
    ("a", "b"),
    [("Йога", "Иога"), ("हिंदी", "हिंद"), ("Peru", "Perú Libre"), ("C++", "+++")],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert tag_slug(a) != tag_slug(b)


def test_a_name_without_letters_is_its_own_key() -> None:
    assert tag_slug(" +++ ") == "+++"


def test_importing_it_loads_no_extractor() -> None:
    """Storage imports it on every tag lookup: it must stay free of parsers and date libraries."""
    code = (
        "import sys, newsarchive.slugs; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('lxml', 'parsel', 'dateparser', 'scrapy', 'sqlalchemy')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
