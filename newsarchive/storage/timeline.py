"""A story's values over time, as periods: placing a sighting anywhere in that history.

A crawl sees a story after everything the archive knows of it; a backfill sees it at times
before that, or between earlier sightings. Each period is one set of values (a version, or the
current values) from when it was first seen to when it was last seen; the next period begins
when its values replaced them. A sighting that shows the values of the period it falls in, or
of a neighbouring one, widens that period; one that shows other values is a period of its own,
placed by its time. Pure: the write path loads the periods and stores what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# (seen_at, run_id) of a story's stored sightings, oldest first.
Sighted = Callable[[], list[tuple[datetime, int]]]


@dataclass(slots=True)
class Period:
    values: dict[str, Any]  # the tracked fields
    first_seen: datetime
    last_seen: datetime
    first_run: int | None  # the run that first saw these values


def periods_of(
    current: Mapping[str, Any], versions: list[Mapping[str, Any]], fields: tuple[str, ...]
) -> list[Period]:
    """The periods of a stored story: its versions (oldest first), then its current values."""
    periods = []
    first_seen, first_run = current["first_seen_at"], current["first_run_id"]
    for version in versions:
        periods.append(
            Period(
                {name: version[name] for name in fields},
                version["first_seen_at"],
                version["last_seen_at"],
                first_run,
            )
        )
        first_seen, first_run = version["replaced_at"], version["replaced_in_run_id"]
    periods.append(
        Period(
            {name: current[name] for name in fields},
            first_seen,
            current["last_seen_at"],
            first_run,
        )
    )
    return periods


def observe(
    periods: list[Period], seen: datetime, shown: Mapping[str, Any], run: int, sighted: Sighted
) -> None:
    """Place one sighting (the values it `shown`, None where it showed none) in the periods.

    A field a listing left out never counts as a change. `sighted` gives the story's stored
    sightings; it is called only when the sighting splits a period in two, to find where.
    """
    shown = {name: value for name, value in shown.items() if value is not None}

    def same(period: Period) -> bool:
        return all(period.values.get(name) == value for name, value in shown.items())

    def new(base: Period) -> Period:
        return Period(base.values | shown, seen, seen, run)

    later = next((i for i, period in enumerate(periods) if period.first_seen > seen), None)
    if later == 0:  # before everything known
        first = periods[0]
        if same(first):
            first.first_seen, first.first_run = seen, run
        else:
            periods.insert(0, new(first))
        return
    index = (len(periods) if later is None else later) - 1
    period = periods[index]
    following = periods[index + 1] if index + 1 < len(periods) else None
    if same(period):
        period.last_seen = max(period.last_seen, seen)
    elif seen <= period.last_seen:  # inside a period whose values it does not show
        periods[index : index + 1] = _split(period, new(period), sighted())
    elif following is not None and same(following):
        following.first_seen, following.first_run = seen, run
    else:
        periods.insert(index + 1, new(period))


def _split(period: Period, middle: Period, sighted: list[tuple[datetime, int]]) -> list[Period]:
    """`period` with `middle` inside it: the sightings before and after it bound the two parts."""
    seen = middle.first_seen
    inside = [(at, run) for at, run in sighted if period.first_seen <= at <= period.last_seen]
    before = [at for at, _ in inside if at < seen] or [period.first_seen]
    after = [(at, run) for at, run in inside if at > seen] or [(period.last_seen, period.first_run)]
    return [
        Period(dict(period.values), period.first_seen, max(before), period.first_run),
        middle,
        Period(dict(period.values), after[0][0], period.last_seen, after[0][1]),
    ]
