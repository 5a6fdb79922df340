"""Site profiles: a researcher's selectors for one site, tried before every automatic layer.

A profile names the entry boxes and, inside each, the headline and whatever else it wants to pin
down; fields it leaves out are found as on any other page. Selectors are CSS (with parsel's
`::attr(name)` and `::text`) or XPath (starting with `/`, `./` or `(`), compiled to XPath once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from parsel.csstranslator import css2xpath

from newsarchive.extract.bylines import author_name
from newsarchive.extract.context import PageContext
from newsarchive.extract.dates import Dated, iso, language_hint, plausible, precision_of
from newsarchive.extract.dom import Element, xpath
from newsarchive.extract.fields import entry_story
from newsarchive.extract.limits import MAX_STORIES
from newsarchive.extract.links import absolute_href
from newsarchive.extract.model import ExtractedStory
from newsarchive.extract.text import clean, visible_text

NAME = "profile"
FIELDS = ("item", "headline", "url", "teaser", "date", "author", "image", "next")


def to_xpath(selector: str) -> str:
    """XPath for a profile selector; raises ValueError (from the CSS parser) when malformed."""
    selector = selector.strip()
    if selector.startswith(("/", "./", "(")):
        return selector
    try:
        return css2xpath(selector)
    except Exception as error:  # cssselect raises its own SelectorError/ExpressionError
        raise ValueError(f"bad CSS selector {selector!r}: {error}") from error


@dataclass(frozen=True, slots=True)
class Profile:
    """One site's selectors (already XPath), the URLs they apply to, and how its dates read."""

    name: str
    url_pattern: re.Pattern[str]
    item: str
    headline: str
    url: str | None = None
    teaser: str | None = None
    date: str | None = None
    author: str | None = None
    image: str | None = None
    next: str | None = None
    date_formats: tuple[str, ...] = ()
    date_locale: str | None = None
    source: str = ""

    def matches(self, url: str) -> bool:
        return bool(self.url_pattern.search(url))


def matching(profiles: tuple[Profile, ...] | list[Profile], url: str) -> Profile | None:
    """The first profile whose URL pattern matches `url`."""
    return next((p for p in profiles if p.matches(url)), None)


def extract(ctx: PageContext, profile: Profile) -> list[ExtractedStory]:
    """Stories from the profile's entry boxes; [] when its item selector matches nothing."""
    if profile.date_locale:
        hint = language_hint(profile.date_locale)
        if hint and hint not in ctx.dates.languages:
            ctx.dates.languages.insert(0, hint)
    stories = []
    for item in ctx.root.xpath(profile.item)[:MAX_STORIES]:
        if isinstance(item, Element):
            story = _story(ctx, profile, item)
            if story is not None:
                stories.append(story)
    return stories


def next_page(ctx: PageContext, profile: Profile) -> str | None:
    if not profile.next:
        return None
    for found in ctx.root.xpath(profile.next):
        href = found.get("href") if isinstance(found, Element) else str(found)
        url = absolute_href(href, ctx.base)
        if url:
            return url
    return None


def _first(item: Element, query: str | None) -> Element | str | None:
    if not query:
        return None
    for found in xpath(query)(item):
        return found if isinstance(found, Element) else str(found)
    return None


def _text(found: Element | str | None, *, teaser: bool = False) -> str | None:
    if found is None:
        return None
    return visible_text(found, teaser=teaser) if isinstance(found, Element) else clean(found)


def _story(ctx: PageContext, profile: Profile, item: Element) -> ExtractedStory | None:
    title = _first(item, profile.headline)
    headline = _text(title)
    if not headline:
        return None
    href = _first(item, profile.url) if profile.url else None
    if isinstance(href, Element):
        href = href.get("href")
    if href is None and isinstance(title, Element):
        link = title if title.tag == "a" else next(title.iter("a"), None)
        link = link if link is not None else next(title.iterancestors("a"), None)
        href = link.get("href") if link is not None else None
    if href is None:
        link = next((a for a in item.iter("a") if a.get("href")), None)
        href = link.get("href") if link is not None else None
    url = absolute_href(href, ctx.base)
    if url is None:
        return None
    teaser = _text(_first(item, profile.teaser), teaser=True) if profile.teaser else None
    date_value = _first(item, profile.date)
    published = _date(ctx, profile, date_value) if date_value is not None else None
    author_value = _first(item, profile.author)
    author = author_name(author_value) if author_value is not None else None
    image = _first(item, profile.image)
    if isinstance(image, Element):
        image = image.get("src") or image.get("data-src")
    story = entry_story(
        ctx,
        [item],
        title if isinstance(title, Element) else item,
        url,
        NAME,
        headline=headline,
        teaser=teaser,
        teaser_source=NAME,
        find_teaser=not profile.teaser,
        published=published,
        author=(author, NAME) if author else None,
    )
    if story is not None and image:
        story.image_url = absolute_href(image, ctx.base)
    return story


def _date(ctx: PageContext, profile: Profile, value: Element | str) -> Dated | None:
    text = _text(value)
    if not text:
        return None
    for fmt in profile.date_formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        found = iso(parsed, any(code in fmt for code in ("%H", "%I", "%M")))
        return Dated(found, NAME, precision_of(found)) if plausible(found, ctx.dates.now) else None
    found = ctx.dates.machine(text, NAME) or ctx.dates.read(text, relative=True)
    return found._replace(source=NAME) if found else None
