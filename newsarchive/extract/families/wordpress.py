"""Classic WordPress themes: `post`/`hentry` entries of the main loop, `.entry-title` headlines."""

from newsarchive.extract.dom import has_class
from newsarchive.extract.families.base import Family

ENTRY_CLASS = (
    f"{has_class('type-post')} or {has_class('hentry')}"
    f" or ({has_class('post')} and starts-with(@id, 'post-'))"
)

FAMILY = Family(
    name="wordpress",
    markers=("type-post", "hentry"),
    detect=f"//*[{has_class('type-post')} or {has_class('hentry')}]",
    entry=f"//*[self::article or self::div or self::li][{ENTRY_CLASS}]",
    headline=(
        f".//*[{has_class('entry-title')}]//a[@href]",
        f".//*[{has_class('post-title')}]//a[@href]",
        ".//*[self::h1 or self::h2 or self::h3]//a[@href]",
        ".//a[@rel='bookmark']",
    ),
    teaser=(
        f".//*[{has_class('entry-summary')}]",
        f".//*[{has_class('entry-content')}]",
        f".//*[{has_class('post-excerpt')} or {has_class('entry-excerpt')}]",
        f".//*[{has_class('excerpt')}]",
        f".//*[{has_class('post-content')}]",
        f".//*[{has_class('entry')}]",
    ),
    teaser_fallback=True,
    date=(
        f".//time[{has_class('published')} or {has_class('entry-date')}]/@datetime",
        ".//time/@datetime",
        f".//abbr[{has_class('published')}]/@title",
    ),
    date_text=(
        f".//*[{has_class('entry-date')} or {has_class('posted-on')} or {has_class('post-date')}]",
    ),
    author=(
        f".//*[{has_class('author')}]//*[{has_class('fn')}]",
        f".//*[{has_class('entry-author-name')}]",
        f".//*[{has_class('author')}]//a",
        ".//*[@rel='author']",
        f".//*[{has_class('author')}]",
        f".//*[{has_class('byline')}]",
    ),
)
