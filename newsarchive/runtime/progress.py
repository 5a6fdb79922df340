"""Live progress of a crawl: a line on a terminal, or JSON lines for the parent of `--jobs`.

The figures come from the run recorder's typed `RunState`; stories count as their pages are
extracted (each walk's `stories`), new ones as their batches are written. The terminal line is
fitted to the terminal's width at every redraw, so it never wraps (a wrapped line cannot be
rewritten in place and leaves stale copies behind). A process of `--jobs` prints its figures
as JSON lines on stdout instead, and its parent draws one line for all of them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from typing import TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from newsarchive.runtime.recorder import RunRecorder
from newsarchive.runtime.state import RunState

INTERVAL = 1.0
# A JSON line of a `--jobs` process that carries its figures rather than its result.
REPORT_KEY = "progress"


@dataclass(frozen=True, slots=True)
class Figures:
    """How far a crawl (or several) has got."""

    pages: int = 0
    stories: int = 0
    new: int = 0
    tag: str | None = None
    planned: int = 0  # pages known in advance (a backfill's captures), 0 when unknown

    @classmethod
    def of(cls, state: RunState) -> Figures:
        stories = sum(walk.stories for walk in state.walks)
        return cls(
            state.pages, stories, state.stories_new, state.current_tag, state.pages_planned or 0
        )

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.pages + other.pages,
            self.stories + other.stories,
            self.new + other.new,
            other.tag or self.tag,
            self.planned + other.planned,
        )


def terminal_width(stream: TextIO) -> int:
    """Columns of the terminal `stream` writes to ($COLUMNS, else 80, when it is none)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return int(os.environ.get("COLUMNS") or 80)


def fitted(figures: Figures, rate: float, width: int) -> str:
    """The progress line in at most `width - 1` columns (the last column would wrap on some
    terminals): the tag is shortened first, then the rate, then the line is cut."""
    planned = f"/{figures.planned:,}" if figures.planned else ""
    head = f"pages {figures.pages:,}{planned} · stories {figures.stories:,} · new {figures.new:,}"
    tail = f" · {rate:.1f} pages/s"
    room = width - 1
    tag = figures.tag or "-"
    for line in (f"{head} · {tag}{tail}", None, f"{head}{tail}", head):
        if line is None:  # the tag, shortened to what is left
            spare = room - len(head) - len(tail) - 3
            if spare >= 4:
                return f"{head} · {tag[: spare - 1]}…{tail}"
            continue
        if len(line) <= room:
            return line
    return head[:room]


class ProgressLine:
    """Rewrites one line on a terminal (stderr): `show` it as often as wanted, `clear` at the end."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()

    def show(self, figures: Figures) -> None:
        rate = figures.pages / max(time.monotonic() - self.started, 1e-9)
        line = fitted(figures, rate, terminal_width(self.stream))
        self.stream.write("\r\033[K" + line)
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


class Progress:
    """The extension: every second, the run's figures to a terminal line or as a JSON line."""

    def __init__(self, crawler: Crawler, line: ProgressLine | None) -> None:
        self.crawler = crawler
        self.line = line
        self.state: RunState | None = None
        self.loop = LoopingCall(self.show)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        settings = crawler.settings
        if settings.getbool("NEWSARCHIVE_PROGRESS_REPORT"):
            return cls(crawler, None)
        if settings.getbool("NEWSARCHIVE_PROGRESS"):
            return cls(crawler, ProgressLine())
        raise NotConfigured

    def spider_opened(self) -> None:
        self.state = RunRecorder.of(self.crawler).state
        if self.line:
            self.line.started = time.monotonic()
        self.loop.start(INTERVAL, now=False)

    def spider_closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        if self.line:
            self.line.clear()
        else:
            self.show()

    def show(self) -> None:
        figures = Figures.of(self.state)
        if self.line:
            self.line.show(figures)
        else:
            sys.stdout.write(json.dumps({REPORT_KEY: asdict(figures)}) + "\n")
            sys.stdout.flush()
