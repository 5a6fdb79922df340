"""What every layer needs to know about the page being extracted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from parsel import Selector

from newsarchive.extract.dates import DateReader, date_order, language_hint
from newsarchive.extract.links import base_url

LANGUAGE = (
    "/html/@lang",
    "/html/@xml:lang",
    "/html/head/meta[@http-equiv='content-language' or @http-equiv='Content-Language']/@content",
    "/html/head/meta[@property='og:locale']/@content",
)


# What names a page's make: every class attribute, and the generator it declares.
MARKS = etree.XPath("//@class | /html/head/meta[@name='generator' or @name='Generator']/@content")


@dataclass(slots=True)
class PageContext:
    """The parsed page, the URL links resolve against, and a date reader tuned to the page."""

    page: Selector
    url: str
    base: str
    dates: DateReader
    _marks: str | None = None

    @property
    def root(self) -> etree._Element:
        return self.page.root

    @property
    def marks(self) -> str:
        """The page's class words and generator in lower case, read once: a layer tests them
        before it looks for its own markup."""
        if self._marks is None:
            self._marks = " ".join(str(value) for value in MARKS(self.root)).lower()
        return self._marks


def page_context(page: Selector, url: str, now: datetime | None = None) -> PageContext:
    languages = []
    for query in LANGUAGE:
        hint = language_hint(page.xpath(query).get())
        if hint and hint not in languages:
            languages.append(hint)
    body = page.root.find("body") if isinstance(page.root, etree._Element) else None
    text = " ".join(body.itertext()) if body is not None else ""
    dates = DateReader(now=now, languages=tuple(languages), order=date_order(text))
    return PageContext(page=page, url=url, base=base_url(page, url), dates=dates)
