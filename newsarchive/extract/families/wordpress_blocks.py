"""WordPress block themes: the Query Loop block (`wp-block-post-template`) and its post blocks."""

from newsarchive.extract.dom import has_class
from newsarchive.extract.families.base import Family

TEMPLATE = f"//*[{has_class('wp-block-post-template')}]"

FAMILY = Family(
    name="wordpress-blocks",
    markers=("wp-block-post-template",),
    detect=TEMPLATE,
    entry=f"{TEMPLATE}/*[{has_class('wp-block-post')} or self::li]",
    headline=(
        f".//*[{has_class('wp-block-post-title')}]//a[@href]",
        f".//*[{has_class('wp-block-post-title')}]",
    ),
    link=(f".//*[{has_class('wp-block-post-featured-image')}]//a[@href]",),
    teaser=(
        f".//*[{has_class('wp-block-post-excerpt__excerpt')}]",
        f".//*[{has_class('wp-block-post-excerpt')}]",
        f".//*[{has_class('wp-block-post-content')}]",
    ),
    date=(f".//*[{has_class('wp-block-post-date')}]//time/@datetime",),
    date_text=(f".//*[{has_class('wp-block-post-date')}]",),
    author=(
        f".//*[{has_class('wp-block-post-author-name')}]",
        f".//*[{has_class('wp-block-post-author__name')}]",
    ),
    group=f"ancestor::*[{has_class('wp-block-post-template')}][1]",
)
