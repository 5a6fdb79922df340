"""The bundled sample site: a small news site with two overlapping tags, served on loopback."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

TAG_PATHS = ("/tag/peru/", "/tag/bolivia/")
# Lift the politeness limits: the demo talks only to its own server on 127.0.0.1.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


def site_root() -> Path:
    return Path(str(files("newsarchive.demo") / "site"))
