"""Publication dates from markup, visible text in many languages, relative phrases and URLs.

A date is only taken from something that is a date: a machine-readable value (`<time datetime>`,
microdata, JSON-LD), a text that holds a calendar date, a relative phrase ("3 hours ago",
"hace 2 meses") resolved against the fetch time, or the story's URL. A bare number ("19", a
comment count) is none of these. Every date says where it came from and how precise it is, and
dates before EARLIEST_YEAR or more than FUTURE_SLACK after the fetch are no dates at all.

Numeric and CJK dates are read here; dates with month words go to dateparser, told which
languages to try (trying every language on a text that is no date costs about a second), and
relative phrases are translated to English by dateparser's locale data and read here, so that
only a whole phrase of amounts, units and "ago" counts.

Dates are ISO 8601 and only as precise as the page: `2024-07-28`, `2024-07-28T17:04` or with an
offset where the page gives one; the precision names the smallest unit the page stated.
"""

from __future__ import annotations

import calendar
import importlib
import pkgutil
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from dateparser.date import DateDataParser

from newsarchive.plausible import EARLIEST_YEAR, FUTURE_SLACK

# A year with a month and day around it, in digits: 2016-02-28, 28.02.2016, 2/28/16, 2016/2/28,
# with an optional time.
NUMERIC_DATE = re.compile(
    r"(?<!\d)(?:(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b>\d{1,2})(?P=s2)(?P<y2>\d{4}|\d{2}))(?!\d)"
    r"(?:(?:,|\s|T|at|um|à|alle|a las|às|в|-|–|—|@)*(?P<hour>\d{1,2})[:.h](?P<minute>\d{2})"
    r"(?::(?P<second>\d{2}))?(?:\s*(?P<ampm>[ap])\.?\s?m\.?)?)?",
    re.I,
)
# 2016年03月18日 23時5分, 2016년 3월 18일
CJK_DATE = re.compile(
    r"(?P<year>\d{4})\s*[年년]\s*(?P<month>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日일]?"
    r"(?:[^\d]{0,6}(?P<hour>\d{1,2})\s*[:時时시]\s*(?P<minute>\d{1,2})\s*[分분]?"
    r"(?:\s*[:]?\s*(?P<second>\d{1,2})\s*秒?)?)?"
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
RELATIVE_MAX = 40  # longer texts are not "3 hours ago"-type labels
RELATIVE_TRIES = 4  # languages a relative phrase is read in, the page's own first
# A relative phrase as dateparser translates it: amounts and units with "ago" before or after
# ("3 hour ago", "ago 2 day" from Arabic, "1 day ago 10:30" for "yesterday at 10:30"), after an
# optional word saying it is the publication ("posted 2 day ago").
RELATIVE_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
_UNIT = "|".join(RELATIVE_UNITS)
RELATIVE_PHRASE = re.compile(
    rf"^(?:(?:posted|published|publicado|publicada|publié|publiée|veröffentlicht|pubblicato"
    rf"|gepubliceerd|опубликовано|opublikowano|yayınlandı)\s*:?\s+)?"
    rf"(?P<before>ago\s+)?(?P<parts>(?:(?:\d+\s+)?(?:{_UNIT})\s*)+?)(?P<after>\s*ago)?"
    rf"(?:\s+(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}}))?\s*[.,]?$"
)
_AMOUNT = re.compile(rf"(?:(\d+)\s+)?({_UNIT})")
TWO_DIGIT_PIVOT = 70  # "16" is 2016, "89" is 1989
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")  # fmt: skip
URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[^\d]|$)"
)
URL_YMD = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/")
# Languages of dateparser that dateparser knows by another name.
LANGUAGE_ALIASES = {"no": "nb", "zh-cn": "zh", "zh-tw": "zh-Hant", "iw": "he"}


class Dated(NamedTuple):
    """A publication date: ISO 8601 value, where it was found, and the smallest unit it states.

    `source` is "time" (`<time datetime>`), "markup" (another machine-readable attribute or
    structured data), "text" (a printed date), "relative" ("3 hours ago" against the fetch
    time), "url" or "profile". `precision` is "second", "minute", "hour", "day", "week",
    "month" or "year".
    """

    value: str
    source: str
    precision: str


@cache
def month_languages() -> dict[str, frozenset[str]]:
    """Month name (lower case) -> the languages of dateparser that use it.

    Built from the locale data dateparser ships; empty (so every language is tried) if that data
    is ever laid out differently.
    """
    found: dict[str, set[str]] = {}
    for info in _locale_infos():
        for month in MONTHS:
            for word in info.get(month, ()):
                found.setdefault(word.lower().rstrip("."), set()).add(info["name"])
    return {word: frozenset(langs) for word, langs in found.items()}


@cache
def relative_words() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Words that make a phrase relative ("hace", "ago", "ayer", "前") -> the languages that use
    them. Units ("horas", "min") are left out: alone they make a duration ("3 min read").

    The first map is for languages that put spaces between words, looked up word by word (of
    two letters or more); the second for those that do not (Japanese, Chinese), looked for
    inside the text.
    """
    spaced: dict[str, set[str]] = {}
    unspaced: dict[str, set[str]] = {}
    for info in _locale_infos():
        units = {word.lower() for key in RELATIVE_UNITS for word in info.get(key, ())}
        phrases: set[str] = set(info.get("ago", ()))
        for found in info.get("relative-type", {}).values():
            phrases.update(found)
        for patterns in info.get("relative-type-regex", {}).values():
            phrases.update(re.sub(r"\(.*?\)|\\.|[+*?^$\[\]]", " ", p) for p in patterns)
        unspaced_language = bool(info.get("no_word_spacing"))
        target = unspaced if unspaced_language else spaced
        for phrase in phrases:
            for word in re.findall(r"[^\W\d_]+", phrase.lower()):
                if word not in units and (unspaced_language or len(word) > 1):
                    target.setdefault(word, set()).add(info["name"])
    return (
        {word: frozenset(langs) for word, langs in spaced.items()},
        {word: frozenset(langs) for word, langs in unspaced.items()},
    )


def _locale_infos() -> list[dict]:
    try:
        package = importlib.import_module("dateparser.data.date_translation_data")
        return [
            importlib.import_module(f"{package.__name__}.{module.name}").info
            for module in pkgutil.iter_modules(package.__path__)
        ]
    except (ImportError, AttributeError):
        return []


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


@cache
def _language_rank() -> dict[str, int]:
    from dateparser.data import languages_info

    return {lang: rank for rank, lang in enumerate(languages_info.language_order)}


@cache
def default_order(language: str) -> str | None:
    """The usual numeric date order of a language ("DMY", "MDY", "YMD"), from dateparser."""
    try:
        info = importlib.import_module(f"dateparser.data.date_translation_data.{language}").info
    except ImportError:
        return None
    return info.get("date_order")


@lru_cache(maxsize=64)
def _parser(languages: tuple[str, ...] | None, order: str | None):
    settings: dict[str, object] = {
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month", "year"],
    }
    if order:
        settings["DATE_ORDER"] = order
    return DateDataParser(languages=list(languages) if languages else None, settings=settings)


@lru_cache(maxsize=4096)
def _word_date(
    text: str, languages: tuple[str, ...] | None, order: str | None
) -> tuple[str, str, str | None] | None:
    """(ISO value, precision, locale) of a full calendar date in `text` (dateparser)."""
    data = _parser(languages, order).get_date_data(text)
    if data.date_obj is None or data.period not in ("day", "time"):
        return None
    value = iso(data.date_obj, data.period == "time")
    return value, precision_of(value), data.locale


def iso(value: datetime, with_time: bool) -> str:
    """ISO 8601 with no more precision than the page gave."""
    if not with_time:
        return value.date().isoformat()
    spec = "seconds" if value.second else "minutes"
    return value.isoformat(timespec=spec)


def precision_of(value: str) -> str:
    """ "day", "minute" or "second": what an absolute ISO value states."""
    if len(value) <= 10:
        return "day"
    time_part = re.split(r"[+\-Z]", value[11:], maxsplit=1)[0]
    return "second" if time_part.count(":") >= 2 else "minute"


def plausible(value: str, now: datetime | None = None) -> bool:
    """True for a date from EARLIEST_YEAR on and, with `now`, at most FUTURE_SLACK ahead."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return False
    if day.year < EARLIEST_YEAR:
        return False
    return now is None or day <= (now + FUTURE_SLACK).date()


def machine_date(value: str | None, now: datetime | None = None) -> str | None:
    """A date from an attribute (`<time datetime>`, `abbr@title`, JSON-LD): ISO 8601 or close.

    None for what is no plausible date (see `plausible`).
    """
    if not value:
        return None
    value = value.strip()
    if not value[:4].isdecimal():
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        found = _word_date(value[:40], None, "YMD")
        result = found[0] if found else None
    else:
        has_time = "T" in value or ":" in value
        result = iso(parsed, True) if has_time else parsed.date().isoformat()
    return result if result and plausible(result, now) else None


def machine_dated(value: str | None, source: str, now: datetime | None = None) -> Dated | None:
    found = machine_date(value, now)
    return Dated(found, source, precision_of(found)) if found else None


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


def date_from_url(url: str, now: datetime | None = None) -> str | None:
    """`/2024/07/28/slug/` -> `2024-07-28`: the fallback when the listing shows no date."""
    match = URL_DATE.search(url) or URL_YMD.search(url)
    if not match:
        return None
    try:
        found = date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None
    return found if plausible(found, now) else None


def url_dated(url: str, now: datetime | None = None) -> Dated | None:
    found = date_from_url(url, now)
    return Dated(found, "url", "day") if found else None


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

    `now` is when the page was fetched: relative dates ("3 hours ago") are resolved against it
    and left alone without it, and dates after it (beyond FUTURE_SLACK) are refused.
    """

    def __init__(
        self, now: datetime | None = None, languages: tuple[str, ...] = (), order: str | None = None
    ) -> None:
        self.now = now
        self.languages = list(languages)
        self.order = order

    def read(self, text: str | None, *, relative: bool = False) -> Dated | None:
        """The first date in `text` (source "text"), else with `relative` a relative phrase that
        is all of a short text (source "relative"); None when there is neither."""
        if not text or len(text) > 400:
            return None
        for found in self._calendar_dates(text):
            if plausible(found.value, self.now):
                return found
        if relative and self.now is not None and len(text) <= RELATIVE_MAX:
            found = self._relative(text)
            if found and plausible(found.value, self.now):
                return found
        return None

    def machine(self, value: str | None, source: str) -> Dated | None:
        """A machine-readable date (attribute or structured data) within the page's window."""
        return machine_dated(value, source, self.now)

    def url(self, url: str) -> Dated | None:
        return url_dated(url, self.now)

    def _page_languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang in known_languages())

    def _calendar_dates(self, text: str) -> Iterator[Dated]:
        """Calendar dates in `text`, in the order the kinds are trusted."""
        for match in CJK_DATE.finditer(text):
            found = _cjk(match)
            if found:
                yield found
        for match in NUMERIC_DATE.finditer(text):
            found = _numeric(match, self._numeric_order())
            if found:
                yield found
        page = self._page_languages()
        months = month_languages()
        for match in WORD_DATE.finditer(text):
            languages = months.get(match.group("month").lower().rstrip("."), frozenset())
            if not languages and months:
                continue
            preferred = tuple(lang for lang in page if lang in languages)
            found = _word_date(match.group(0), preferred or tuple(sorted(languages)), self.order)
            if found:
                value, precision, locale = found
                if locale and locale not in self.languages:
                    self.languages.append(locale)
                yield Dated(value, "text", precision)

    def _numeric_order(self) -> str:
        """DMY or MDY for slashed and dashed dates: the page's, else its language's, else MDY."""
        if self.order in ("DMY", "MDY"):
            return self.order
        for lang in self._page_languages():
            order = default_order(lang)
            if order in ("DMY", "MDY"):
                return order
        return "MDY"

    def _relative(self, text: str) -> Dated | None:
        """A phrase such as "hace 3 horas" or "ayer" as a date before `now`."""
        phrase = text.lower()
        for language in relative_languages(phrase, self._page_languages()):
            english = _translate(phrase, language)
            found = _relative_to(english, self.now) if english and self.now else None
            if found:
                return found
        return None


@lru_cache(maxsize=4096)
def is_date_label(text: str) -> bool:
    """True for a short text that is a date: mostly a calendar date, or a relative phrase."""
    return looks_like_date(text) or relative_phrase(text)


def relative_phrase(text: str) -> bool:
    """True for a text that is all a relative date ("3 hours ago", "ayer", "2 ay önce")."""
    if len(text) > RELATIVE_MAX:
        return False
    phrase = text.lower()
    for language in relative_languages(phrase, ()):
        english = _translate(phrase, language)
        if english and _relative_match(english):
            return True
    return False


def relative_languages(phrase: str, page: tuple[str, ...]) -> list[str]:
    """The languages whose relative-date words `phrase` uses, the page's own first."""
    spaced, unspaced = relative_words()
    candidates: set[str] = set()
    for word in re.findall(r"[^\W\d_]+", phrase):
        candidates |= spaced.get(word, frozenset())
    for word, langs in unspaced.items():
        if word in phrase:
            candidates |= langs
    first = [lang for lang in page if lang in candidates]
    rank = _language_rank()
    others = sorted(candidates - set(first), key=lambda lang: rank.get(lang, len(rank)))
    return (first + others)[:RELATIVE_TRIES]


def _numeric(match: re.Match[str], order: str) -> Dated | None:
    """A numeric date: year first is Y-M-D; dotted is D.M.Y; slashes and dashes follow `order`
    unless one number can only be a day."""
    if match.group("y1"):
        year, month, day = int(match.group("y1")), int(match.group("m1")), int(match.group("d1"))
    else:
        first, second = int(match.group("a")), int(match.group("b"))
        year = int(match.group("y2"))
        if len(match.group("y2")) == 2:
            year += 2000 if year < TWO_DIGIT_PIVOT else 1900
        day_first = match.group("s2") == "." or order == "DMY"
        if first > 12 >= second:
            day_first = True
        elif second > 12 >= first:
            day_first = False
        day, month = (first, second) if day_first else (second, first)
    return _calendar(year, month, day, match, "text")


def _cjk(match: re.Match[str]) -> Dated | None:
    year, month, day = (int(match.group(name)) for name in ("year", "month", "day"))
    return _calendar(year, month, day, match, "text")


def _calendar(year: int, month: int, day: int, match: re.Match[str], source: str) -> Dated | None:
    try:
        found = datetime(year, month, day)
    except ValueError:
        return None
    if match.group("hour") is None:
        return Dated(found.date().isoformat(), source, "day")
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    ampm = match.groupdict().get("ampm")
    if ampm and hour <= 12:
        hour = hour % 12 + (12 if ampm.lower() == "p" else 0)
    second = int(match.group("second") or 0)
    try:
        found = found.replace(hour=hour, minute=minute, second=second)
    except ValueError:
        return Dated(found.date().isoformat(), source, "day")
    precision = "second" if match.group("second") else "minute"
    value = found.isoformat(timespec="seconds" if precision == "second" else "minutes")
    return Dated(value, source, precision)


def _translate(phrase: str, language: str) -> str | None:
    """`phrase` in dateparser's English for relative dates ("hace 3 horas" -> "3 hour ago")."""
    try:
        from dateparser.conf import settings
        from dateparser.languages.loader import default_loader

        locale = default_loader.get_locale(language)
        return " ".join(locale.translate(phrase, keep_formatting=False, settings=settings).split())
    except (ImportError, AttributeError, KeyError, ValueError):
        return None


def _relative_match(english: str) -> re.Match[str] | None:
    """The match of a whole relative phrase in dateparser's English, with exactly one "ago"
    ("3 hour" alone is a duration, not a date)."""
    match = RELATIVE_PHRASE.match(english)
    if not match or bool(match.group("before")) == bool(match.group("after")):
        return None
    return match if _AMOUNT.search(match.group("parts")) else None


def _relative_to(english: str, now: datetime) -> Dated | None:
    match = _relative_match(english)
    if match is None:
        return None
    amounts = [(int(n) if n else 1, unit) for n, unit in _AMOUNT.findall(match.group("parts"))]
    found = now
    for amount, unit in amounts:
        found = _back(found, amount, unit)
    precision = max((unit for _, unit in amounts), key=RELATIVE_UNITS.index)  # the smallest
    if match.group("hour") is not None:
        try:
            found = found.replace(
                hour=int(match.group("hour")), minute=int(match.group("minute")), second=0
            )
        except ValueError:
            return None
        return Dated(found.isoformat(timespec="minutes"), "relative", "minute")
    if RELATIVE_UNITS.index(precision) >= RELATIVE_UNITS.index("hour"):
        return Dated(found.isoformat(timespec="minutes"), "relative", precision)
    return Dated(found.date().isoformat(), "relative", precision)


def _back(moment: datetime, amount: int, unit: str) -> datetime:
    if unit in ("year", "month"):
        months = amount * (12 if unit == "year" else 1)
        year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)
    return moment - timedelta(**{f"{unit}s": amount})
