"""Joomla! category views: the table list layout and the blog layout (com_content)."""

from newsarchive.extract.dom import has_class
from newsarchive.extract.families.base import Family

MARKERS = ("joomla", "com_content", "com-content")
DETECT = (
    "//meta[@name='generator'][contains(@content, 'Joomla')]"
    " | //*[contains(@class, 'com_content') or contains(@class, 'com-content')]"
)

TABLE = Family(
    name="joomla",
    markers=MARKERS,
    detect=DETECT,
    entry=(
        f"//table[{has_class('category')} or contains(@class, 'com-content-category__table')]"
        "//tr[td]"
    ),
    headline=(
        f".//*[{has_class('list-title')}]//a[@href]",
        ".//th[@scope='row']//a[@href]",
        ".//td//a[@href]",
    ),
    teaser=(),
    date_text=(f".//*[{has_class('list-date')}]",),
    author=(f".//*[{has_class('list-author')}]",),
)

BLOG = Family(
    name="joomla",
    markers=MARKERS,
    detect=DETECT,
    entry=(
        f"//*[{has_class('blog')} or {has_class('com-content-category-blog')}]"
        f"//*[{has_class('item')} or starts-with(@class, 'leading-')"
        f" or {has_class('com-content-category-blog__item')} or {has_class('blog-item')}]"
    ),
    headline=(
        f".//*[{has_class('page-header')}]//a[@href]",
        ".//*[@itemprop='name']//a[@href]",
        ".//*[self::h2 or self::h3]//a[@href]",
    ),
    date=(f".//*[{has_class('published')}]//time/@datetime", ".//time/@datetime"),
    date_text=(f".//*[{has_class('published')}]", f".//*[{has_class('create')}]"),
    author=(
        f".//*[{has_class('createdby')}]//*[@itemprop='name']",
        f".//*[{has_class('createdby')}]",
    ),
)
