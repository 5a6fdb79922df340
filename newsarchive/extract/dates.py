"""Publication dates from markup, visible text in many languages, relative phrases and URLs.

Parsing is dateparser's; this module only finds the date-like part of a text and tells
dateparser which languages to try. Trying every language on a text that is no date costs about
a second, so texts reach dateparser only when they hold a number and a month word (whose
languages narrow the search), a numeric date, or — for relative dates — sit in a date element.

Dates are ISO 8601 and only as precise as the page: `2024-07-28`, `2024-07-28T17:04` or with an
offset where the page gives one.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import date, datetime
from functools import cache, lru_cache

from dateparser.date import DateDataParser

# A year with a month and day around it, in digits: 2016-02-28, 28.02.2016, 2/28/16, 2016/2/28.
NUMERIC_DATE = re.compile(
    r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2}))(?!\d)"
    r"(?:(?:,|\s|T|at|um|à|alle|a las|às|в|-|–|—|@)*\d{1,2}[:.h]\d{2}(?::\d{2})?"
    r"(?:\s*[ap]\.?\s?m\.?)?)?",
    re.I,
)
# 2016年03月18日 23時5分, 2016년 3월 18일
CJK_DATE = re.compile(
    r"\d{4}\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]?"
    r"(?:[^\d]{0,6}\d{1,2}\s*[:時时시]\s*\d{1,2}\s*[分분]?)?"
)
# Day, month word and year in any order, with an optional time ("July 28, 2024 at 5:04 p.m. EDT").
WORD_DATE = re.compile(
    r"(?:\d{1,2}(?:st|nd|rd|th|er|º|°|\.)?\s*(?:de\s+|/\s*|-\s*)?)?"
    r"(?P<month>[^\W\d_]{3,}\.?)"
    r"(?:\s*(?:/|-)?\s*\d{1,2}(?:st|nd|rd|th)?(?!\d))?,?\s*(?:de\s+|del\s+|/\s*|-\s*)?"
    r"(?P<year>\d{4})(?!\d)"
    r"(?:(?:,|\s|at|um|à|alle|a las|às|в|-|–|—|@|kl\.?|klo)*"
    r"\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\.?)?(?:\s*[A-Z]{2,5}\b)?)?",
    re.I,
)
CJK_LANGUAGES = ("ja", "zh", "ko")
RELATIVE_MAX = 40  # longer texts are not "3 hours ago"-type labels
MONTHS = tuple(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[^\d]|$)"
)
URL_YMD = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/")
# Languages of dateparser that dateparser knows by another name.
LANGUAGE_ALIASES = {"no": "nb", "zh-cn": "zh", "zh-tw": "zh-Hant", "iw": "he"}


@cache
def month_languages() -> dict[str, frozenset[str]]:
    """Month name (lower case) -> the languages of dateparser that use it.

    Built from the locale data dateparser ships; empty (so every language is tried) if that data
    is ever laid out differently.
    """
    found: dict[str, set[str]] = {}
    try:
        package = importlib.import_module("dateparser.data.date_translation_data")
        for module in pkgutil.iter_modules(package.__path__):
            info = importlib.import_module(f"{package.__name__}.{module.name}").info
            for month in MONTHS:
                for word in info.get(month, ()):
                    found.setdefault(word.lower().rstrip("."), set()).add(info["name"])
    except (ImportError, AttributeError, KeyError):
        return {}
    return {word: frozenset(langs) for word, langs in found.items()}


def language_hint(code: str | None) -> str | None:
    """A dateparser language for an HTML `lang` value such as `de-DE` or `pt_BR`, if known."""
    if not code:
        return None
    code = code.strip().replace("_", "-").lower()
    code = LANGUAGE_ALIASES.get(code, code.split("-")[0])
    return code if code in known_languages() else None


@cache
def known_languages() -> frozenset[str]:
    from dateparser.data import languages_info

    return frozenset(languages_info.language_order)


@lru_cache(maxsize=64)
def _parser(
    languages: tuple[str, ...] | None, order: str | None, base: datetime | None, strict: bool
):
    settings: dict[str, object] = {"RETURN_TIME_AS_PERIOD": True, "PREFER_DATES_FROM": "past"}
    if base is not None:
        settings["RELATIVE_BASE"] = base
    if order:
        settings["DATE_ORDER"] = order
    if strict:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    return DateDataParser(languages=list(languages) if languages else None, settings=settings)


def iso(value: datetime, with_time: bool) -> str:
    """ISO 8601 with no more precision than the page gave."""
    if not with_time:
        return value.date().isoformat()
    spec = "seconds" if value.second else "minutes"
    return value.isoformat(timespec=spec)


def machine_date(value: str | None) -> str | None:
    """A date from an attribute (`<time datetime>`, `abbr@title`, JSON-LD): ISO 8601 or close."""
    if not value:
        return None
    value = value.strip()
    if not value[:4].isdecimal():
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        data = _parser(None, "YMD", None, True).get_date_data(value[:40])
        if data.date_obj is None:
            return None
        return iso(data.date_obj, data.period == "time")
    has_time = "T" in value or ":" in value
    if isinstance(parsed, datetime) and has_time:
        return iso(parsed, True)
    return date(parsed.year, parsed.month, parsed.day).isoformat()


def looks_like_date(text: str) -> bool:
    """True for a short text that is mostly a date ("[Samstag, 19. Juli 2014]")."""
    if len(text) >= 60:
        return False
    months = month_languages()
    for pattern in (NUMERIC_DATE, CJK_DATE, WORD_DATE):
        for match in pattern.finditer(text):
            if (
                pattern is WORD_DATE
                and months
                and match.group("month").lower().rstrip(".") not in months
            ):
                continue
            if len(match.group(0)) * 2 >= len(text.strip()):
                return True
    return False


def date_from_url(url: str) -> str | None:
    """`/2024/07/28/slug/` -> `2024-07-28`: the fallback when the listing shows no date."""
    match = URL_DATE.search(url) or URL_YMD.search(url)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def date_order(text: str) -> str | None:
    """DMY or MDY when the numeric dates of a page settle it (a 13th or later day somewhere)."""
    day_first = month_first = 0
    for match in re.finditer(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}(?!\d)", text):
        first, second = int(match.group(1)), int(match.group(2))
        day_first += first > 12 >= second
        month_first += second > 12 >= first
    if day_first != month_first:
        return "DMY" if day_first > month_first else "MDY"
    return None


class DateReader:
    """Reads the visible dates of one page, remembering what the page taught it.

    `now` is when the page was fetched: relative dates ("3 hours ago") and dates without a year
    are resolved against it, and left alone without it.
    """

    def __init__(
        self, now: datetime | None = None, languages: tuple[str, ...] = (), order: str | None = None
    ) -> None:
        self.now = now
        self.languages = list(languages)
        self.order = order
        # Failed relative readings try every language (slow); a page gets only a few.
        self._budget = 3

    def read(self, text: str | None, *, relative: bool = False) -> tuple[str, str] | None:
        """(ISO date, "text" or "relative") for the first date in `text`, or None.

        `relative` allows a short label such as "vor 3 Stunden" that holds no calendar date.
        """
        if not text or len(text) > 400:
            return None
        for candidate, languages in self._candidates(text):
            found = self._parse(candidate, languages, strict=True)
            if found:
                return found, "text"
        if relative and self.now is not None and len(text) <= RELATIVE_MAX and self._budget:
            found = self._parse(text, self._page_languages() or None, strict=False)
            if found:
                return found, "relative"
            self._budget -= 1
        return None

    def _page_languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang in known_languages())

    def _candidates(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Date-like parts of `text`, each with the languages to read it in."""
        page = self._page_languages()
        found = [(m.group(0), CJK_LANGUAGES) for m in CJK_DATE.finditer(text)]
        found += [(m.group(0), page or ("en",)) for m in NUMERIC_DATE.finditer(text)]
        months = month_languages()
        for match in WORD_DATE.finditer(text):
            languages = months.get(match.group("month").lower().rstrip("."), frozenset())
            if languages or not months:
                preferred = tuple(lang for lang in page if lang in languages)
                found.append((match.group(0), preferred or tuple(sorted(languages))))
        return found

    def _parse(self, text: str, languages: tuple[str, ...] | None, *, strict: bool) -> str | None:
        data = _parser(languages or None, self.order, self.now, strict).get_date_data(text)
        if data.date_obj is None or data.period not in ("day", "time"):
            return None
        if data.locale and data.locale not in self.languages:
            self.languages.append(data.locale)
        found = data.date_obj
        if not strict and found.tzinfo is None and self.now is not None:
            found = found.replace(tzinfo=self.now.tzinfo)  # "3 hours ago" is in the fetch's zone
        return iso(found, data.period == "time")
