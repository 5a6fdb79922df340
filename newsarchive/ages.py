"""Ages such as `1d,7d`: when later runs re-check an article, counted from its first fetch."""

from __future__ import annotations

import re

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


def parse_ages(text: str) -> tuple[float, ...]:
    """The ages in seconds, in ascending order, of a comma-separated list such as `1d,7d` (units
    s, m, h, d, w); raises ValueError naming the part it cannot read."""
    ages = []
    for part in filter(None, (part.strip().lower() for part in text.split(","))):
        found = _AGE.fullmatch(part)
        if found is None or float(found.group(1)) <= 0:
            raise ValueError(
                f"cannot read the age {part!r}: use a number and a unit, e.g. 12h, 1d, 2w"
            )
        ages.append(float(found.group(1)) * UNITS[found.group(2)])
    return tuple(sorted(set(ages)))
