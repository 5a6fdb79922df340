"""When a publication date is plausible on a news listing: one rule for extraction and views.

Extraction refuses other dates; an archive may still hold them (written before that rule, or by
another tool), so every plot and timeline draws only this window and names what falls outside.
"""

from __future__ import annotations

from datetime import date, timedelta

EARLIEST_YEAR = 1990  # older dates on a news listing are placeholders ("0001-01-01") or errors
FUTURE_SLACK = timedelta(days=2)  # time zones and clocks; later than this is no publication date


def window(today: date) -> tuple[date, date]:
    """The first and last plausible publication day, as of `today`."""
    return date(EARLIEST_YEAR, 1, 1), today + FUTURE_SLACK
