"""Site profiles: loading and checking TOML files, and the profile layer winning over the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from newsarchive.extract import extract_listing
from newsarchive.profiles import ProfileError, builtin_dir, load_profile, load_profiles
from tests.helpers import FIXTURES, run_cli

PROFILES = FIXTURES / "profiles"
PAGE_URL = "https://boletin.example/temas/radios-comunitarias"


def test_profile_selectors_find_what_the_automatic_layers_cannot() -> None:
    profile = load_profile(PROFILES / "boletin-es.toml")
    page = Selector(text=(PROFILES / "boletin-es.html").read_text(encoding="utf-8"))
    listing = extract_listing(page, PAGE_URL, profiles=[profile])
    assert listing.method == "profile"
    assert [(s.url, s.headline, s.published_at, s.author) for s in listing.stories] == [
        ("https://boletin.example/notas/1204", "Radios comunitarias piden frecuencias en Chiapas",
         "2024-07-05", "Mariana Gómez"),
        ("https://boletin.example/notas/1199", "Multan a una radio mapuche por transmitir en mapudungun",
         "2024-07-01", "Pedro Llancaqueo"),
    ]  # fmt: skip
    assert listing.stories[0].teaser.startswith("Doce emisoras indígenas")
    assert {s.date_source for s in listing.stories} == {"profile"}
    assert listing.next_page == "https://boletin.example/temas/radios-comunitarias/2"


def test_profile_applies_only_to_matching_urls() -> None:
    profile = load_profile(PROFILES / "boletin-es.toml")
    page = Selector(text=(PROFILES / "boletin-es.html").read_text(encoding="utf-8"))
    listing = extract_listing(page, "https://other.example/temas/x", profiles=[profile])
    assert listing.method != "profile"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("url_pattern = 'x'\nitem = 'div'\n", "missing 'headline'"),
        ("url_pattern = '('\nitem = 'div'\nheadline = 'h2'\n", "bad url_pattern"),
        ("url_pattern = 'x'\nitem = 'div[['\nheadline = 'h2'\n", "item: bad CSS selector"),
        (
            "url_pattern = 'x'\nitem = 'div'\nheadline = 'h2'\ncolour = 'red'\n",
            "unknown key 'colour'",
        ),
        ("url_pattern = 'x'\nitem = 'div'\nheadline = 2\n", "'headline' must be a string"),
        ("url_pattern = 'x\nitem = 'div'", "not valid TOML"),
    ],
)
def test_bad_profiles_are_reported_by_file_and_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profile(path)


def test_user_folder_comes_before_builtin_profiles(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text((PROFILES / "boletin-es.toml").read_text(encoding="utf-8"))
    profiles = load_profiles([], tmp_path)
    assert profiles[0].source == str(tmp_path / "a.toml")
    assert len(profiles) == 1 + len(list(builtin_dir().glob("*.toml")))
    with pytest.raises(ProfileError, match="does not exist"):
        load_profiles([], tmp_path / "missing")


def test_builtin_profiles_load() -> None:
    for profile in load_profiles(builtin=True):
        assert profile.item and profile.headline


def test_crawl_rejects_a_bad_profile_before_fetching(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("item = 'div'\n", encoding="utf-8")
    result = run_cli("crawl", "http://127.0.0.1:9/tag/x/", "--profile", str(bad),
                     "--db", str(tmp_path / "a.sqlite"))  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == f"newsarchive: error: profile {bad}: missing 'url_pattern'"
