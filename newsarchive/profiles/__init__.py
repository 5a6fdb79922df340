"""Site profiles on disk: one TOML file per site, read with the standard library's tomllib.

Profiles come from files named on the command line, then the user's folder
(`NEWSARCHIVE_PROFILES_DIR`), then the built-in ones shipped beside this module; the first whose
`url_pattern` matches a listing URL is used. See README "Site profiles" for the format.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

from newsarchive.extract.profile import FIELDS, Profile, to_xpath

REQUIRED = ("url_pattern", "item", "headline")
OPTIONAL = ("name", "date_format", "date_locale", *FIELDS)


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the problem."""


def builtin_dir() -> Path:
    return Path(str(files("newsarchive.profiles")))


def load_profile(path: Path) -> Profile:
    """Read and check one profile file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ProfileError(f"cannot read profile {path}: {error.strerror or error}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ProfileError(f"profile {path} is not valid TOML: {error}") from error
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ProfileError(f"profile {path}: unknown key {unknown[0]!r}")
    missing = [key for key in REQUIRED if not data.get(key)]
    if missing:
        raise ProfileError(f"profile {path}: missing {missing[0]!r}")
    for key, value in data.items():
        values = value if key == "date_format" and isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise ProfileError(f"profile {path}: {key!r} must be a string")
    try:
        pattern = re.compile(data["url_pattern"])
    except re.error as error:
        raise ProfileError(f"profile {path}: bad url_pattern: {error}") from error
    selectors = {}
    for key in FIELDS:
        if data.get(key):
            try:
                selectors[key] = to_xpath(data[key])
            except ValueError as error:
                raise ProfileError(f"profile {path}: {key}: {error}") from error
    formats = data.get("date_format", [])
    return Profile(
        name=data.get("name") or path.stem,
        url_pattern=pattern,
        date_formats=(formats,) if isinstance(formats, str) else tuple(formats),
        date_locale=data.get("date_locale"),
        source=str(path),
        **selectors,
    )


def load_profiles(
    files_: Iterable[str | Path] = (), folder: str | Path | None = None, *, builtin: bool = True
) -> tuple[Profile, ...]:
    """Profiles in the order they are tried: given files, the user's folder, the built-in ones."""
    paths = [Path(f) for f in files_]
    if folder:
        folder = Path(folder)
        if not folder.is_dir():
            raise ProfileError(f"profiles folder {folder} does not exist")
        paths += sorted(folder.glob("*.toml"))
    if builtin:
        paths += sorted(builtin_dir().glob("*.toml"))
    return tuple(load_profile(path) for path in paths)
